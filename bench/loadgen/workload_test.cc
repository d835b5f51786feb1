#include "bench/loadgen/workload.h"

#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>

#include "adapters/legacy_store/sqlite_db.h"
#include "common/file_util.h"
#include "exchange/identity/subject_id.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::bench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(WorkloadTest, PicksEveryItemAndSubject) {
  WorkItem a{"g1",  "tax",       "housing.sale_contract", "housing", "p",
             {"f"}, {"s1", "s2"}};
  WorkItem b{"g2", "land", "registry.marriage", "registry", "p", {"f"}, {"s3"}};
  WorkItem empty{"g3", "land", "x.y", "x", "p", {}, {}};
  auto workload = Workload::FromItems({a, b, empty});
  ASSERT_TRUE(workload.ok()) << workload.status();
  EXPECT_EQ((*workload)->items().size(), 2u);
  uint64_t rng = 1;
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) seen.insert(*(*workload)->Next(rng).subject);
  EXPECT_THAT(seen, ElementsAre("s1", "s2", "s3"));
  EXPECT_FALSE(Workload::FromItems({empty}).ok());
}

TEST(WorkloadTest, LoadsGrantsAndSubjectsFromStores) {
  std::string dir = "/tmp/loadgen_workload_XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  {
    auto db = legacy::SqliteDb::Open(dir + "/registry.db",
                                     legacy::SqliteDb::Mode::kCreate);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TABLE HJ_RY (GMSFHM TEXT, RYZT TEXT);"
                           // GB 11643's example; a legacy 15-digit number
                           // (sent upgraded); an inactive row; junk.
                           "INSERT INTO HJ_RY VALUES ('11010519491231002X', "
                           "'0'), ('110105800202002', '0'), ('B', '1'),"
                           " ('not-a-number', '0');")
                    .ok());
  }
  ASSERT_TRUE(
      WriteFileAtomically(dir + "/policy.textproto", R"pb(
        grants {
          id: "ok"
          consumer: "tax"
          dataset: "registry.household"
          fields: [ "household_no" ]
          purposes: [ "p1", "p2" ]
        }
        grants {
          id: "case"
          consumer: "tax"
          dataset: "registry.household"
          purposes: "p1"
          case_type: "t"
        }
        grants {
          id: "future"
          consumer: "tax"
          dataset: "registry.household"
          purposes: "p1"
          not_before: "2999-01-01"
        }
        grants { id: "unknown" consumer: "tax" dataset: "x.y" purposes: "p1" }
      )pb")
          .ok());
  auto workload = Workload::Load(dir + "/policy.textproto", dir, 10,
                                 absl::FromUnixSeconds(1700000000));
  ASSERT_TRUE(workload.ok()) << workload.status();
  ASSERT_EQ((*workload)->items().size(), 1u);
  const WorkItem& item = (*workload)->items()[0];
  EXPECT_EQ(item.owner, "registry");
  EXPECT_EQ(item.purpose, "p1");
  EXPECT_THAT(item.fields, ElementsAre("household_no"));
  identity::SubjectKind kind;
  const std::string upgraded =
      identity::NormalizeSubject("110105800202002", &kind).value();
  EXPECT_EQ(upgraded.size(), 18u);
  EXPECT_THAT(item.subjects, ElementsAre("11010519491231002X", upgraded));
  EXPECT_EQ((*workload)->skipped().size(), 3u);

  auto missing = Workload::Load(dir + "/nope.textproto", dir, 10, absl::Now());
  EXPECT_THAT(missing.status().message(), HasSubstr("nope.textproto"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace datarun::bench
