#include "adapters/legacy_store/sqlite_pool.h"

#include <stdlib.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace datarun {
namespace legacy {
namespace {

TEST(SqlitePoolTest, ThreadsEachGetTheirOwnConnection) {
  char tmpl[] = "/tmp/sqlite_pool_test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  std::string path = dir + "/store.db";
  {
    auto db = SqliteDb::Open(path, SqliteDb::Mode::kCreate);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE(
        (*db)->Exec("CREATE TABLE T (ID INTEGER PRIMARY KEY, V TEXT)").ok());
    ASSERT_TRUE((*db)
                    ->InTransaction([&]() -> absl::Status {
                      for (int i = 0; i < 100; ++i) {
                        absl::Status s = (*db)->Execute(
                            "INSERT INTO T (ID, V) VALUES (?, ?)",
                            {i, std::to_string(i)});
                        if (!s.ok()) return s;
                      }
                      return absl::OkStatus();
                    })
                    .ok());
  }
  auto pool = SqlitePool::Open(path, SqliteDb::Mode::kReadOnly, 2);
  ASSERT_TRUE(pool.ok()) << pool.status();

  std::atomic<int> errors{0};
  std::atomic<int64_t> total{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        SqlitePool::Lease db = (*pool)->Acquire();
        int id = (t * 50 + i) % 100;
        absl::Status s = db->Query("SELECT V FROM T WHERE ID = ?", {id},
                                   [&](const SqliteRow& row) {
                                     if (row.Text(0) != std::to_string(id)) {
                                       ++errors;
                                     }
                                     ++total;
                                     return absl::OkStatus();
                                   });
        if (!s.ok()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(total.load(), 300);

  std::string cmd = "rm -rf '" + dir + "'";
  ASSERT_EQ(system(cmd.c_str()), 0);
}

TEST(SqlitePoolTest, MissingStoreFailsAtOpen) {
  auto pool =
      SqlitePool::Open("/nonexistent/dir/x.db", SqliteDb::Mode::kReadOnly, 2);
  EXPECT_EQ(pool.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(SqlitePool::Open("/tmp/x.db", SqliteDb::Mode::kReadOnly, 0)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace legacy
}  // namespace datarun
