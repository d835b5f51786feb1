#include "adapters/legacy_store/local_id_pager.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "gtest/gtest.h"

namespace datarun {
namespace legacy {
namespace {

// Rows K (key) -> N (how many assertions the row yields, 0..3).
constexpr char kTextSql[] =
    "SELECT K, N FROM T WHERE K >= ?1 ORDER BY K LIMIT ?2";
constexpr char kIntSql[] =
    "SELECT I, N FROM U WHERE I >= ?1 ORDER BY I LIMIT ?2";

absl::Status ToAssertions(const SqliteRow& row,
                          std::vector<v1::LocalIdAssertion>* out) {
  for (int i = 0; i < row.Int(1); ++i) {
    v1::LocalIdAssertion a;
    a.set_subject("subject");
    a.set_kind("thing_number");
    a.set_value(absl::StrCat(row.Text(0), "/", i));
    out->push_back(std::move(a));
  }
  return absl::OkStatus();
}

class LocalIdPagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDb::Open(":memory:", SqliteDb::Mode::kCreate);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE T (K TEXT PRIMARY KEY, N INTEGER);"
                          "CREATE TABLE U (I INTEGER PRIMARY KEY, N INTEGER);")
                    .ok());
    // Keys inserted out of order; some rows yield nothing, some several.
    const int counts[] = {2, 0, 1, 3, 2, 0, 0, 1, 2, 1, 3, 2};
    for (int i = 0; i < 12; ++i) {
      int k = (i * 7) % 12;
      ASSERT_TRUE(db_->Execute("INSERT INTO T (K, N) VALUES (?, ?)",
                               {absl::StrCat("k", 10 + k), counts[k]})
                      .ok());
      ASSERT_TRUE(db_->Execute("INSERT INTO U (I, N) VALUES (?, ?)",
                               {k * 1000 - 5000, counts[k]})
                      .ok());
    }
  }

  // Pages through everything with `page_size`; returns the values in order.
  std::vector<std::string> All(const LocalIdPager& pager, const char* sql,
                               int page_size, int* pages) {
    std::vector<std::string> values;
    v1::ListLocalIdsRequest request;
    request.set_page_size(page_size);
    *pages = 0;
    do {
      auto page = pager.Page(*db_, request, sql, ToAssertions);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      if (page_size > 0) {
        EXPECT_LE(page->assertions_size(), page_size);
      }
      for (const auto& a : page->assertions()) values.push_back(a.value());
      request.set_page_token(page->next_page_token());
      if (++*pages > 100) break;
    } while (!request.page_token().empty());
    return values;
  }

  std::unique_ptr<SqliteDb> db_;
};

TEST_F(LocalIdPagerTest, EveryPageSizeReturnsEveryAssertionOnceInKeyOrder) {
  const LocalIdPager pager("test.T", LocalIdPager::KeyType::kText);
  int pages = 0;
  std::vector<std::string> whole = All(pager, kTextSql, 1000, &pages);
  ASSERT_EQ(whole.size(), 17u);
  EXPECT_EQ(pages, 1);
  EXPECT_EQ(whole.front(), "k10/0");
  EXPECT_EQ(whole.back(), "k21/1");
  EXPECT_EQ(std::set<std::string>(whole.begin(), whole.end()).size(), 17u);
  for (int size = 1; size <= 18; ++size) {
    EXPECT_EQ(All(pager, kTextSql, size, &pages), whole) << size;
    // No empty trailing page when the last page is exactly full.
    EXPECT_EQ(pages, (17 + size - 1) / size) << size;
  }
}

TEST_F(LocalIdPagerTest, IntegerKeysIncludingNegativeOnes) {
  const LocalIdPager pager("test.U", LocalIdPager::KeyType::kInteger);
  int pages = 0;
  std::vector<std::string> whole = All(pager, kIntSql, 0, &pages);
  ASSERT_EQ(whole.size(), 17u);
  EXPECT_EQ(whole.front(), "-5000/0");
  for (int size : {1, 2, 3, 5, 16, 17}) {
    EXPECT_EQ(All(pager, kIntSql, size, &pages), whole) << size;
  }
}

TEST_F(LocalIdPagerTest, ForeignAndMalformedTokensAreRefused) {
  const LocalIdPager pager("test.T", LocalIdPager::KeyType::kText);
  const LocalIdPager other("test.U", LocalIdPager::KeyType::kInteger);
  v1::ListLocalIdsRequest request;
  request.set_page_size(2);
  auto first = other.Page(*db_, request, kIntSql, ToAssertions);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());
  for (const std::string& token :
       {first->next_page_token(), std::string("not a token"),
        std::string("abc"), absl::BytesToHexString("test.T|x|k10"),
        absl::BytesToHexString("test.T|5000|k10"),
        absl::BytesToHexString("test.T")}) {
    request.set_page_token(token);
    auto page = pager.Page(*db_, request, kTextSql, ToAssertions);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument)
        << token;
    EXPECT_EQ(page.status().message().rfind("page_token is malformed", 0), 0u)
        << page.status();
    EXPECT_NE(page.status().message().find("test.T"), absl::string_view::npos);
  }
  request.set_page_token(absl::BytesToHexString("test.U|0|twelve"));
  EXPECT_EQ(other.Page(*db_, request, kIntSql, ToAssertions).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(LocalIdPagerTest, EmptyTableIsOneEmptyLastPage) {
  ASSERT_TRUE(db_->Exec("DELETE FROM T").ok());
  const LocalIdPager pager("test.T", LocalIdPager::KeyType::kText);
  auto page =
      pager.Page(*db_, v1::ListLocalIdsRequest(), kTextSql, ToAssertions);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->assertions_size(), 0);
  EXPECT_TRUE(page->next_page_token().empty());
}

TEST_F(LocalIdPagerTest, RowErrorsStopTheListing) {
  const LocalIdPager pager("test.T", LocalIdPager::KeyType::kText);
  auto page =
      pager.Page(*db_, v1::ListLocalIdsRequest(), kTextSql,
                 [](const SqliteRow&, std::vector<v1::LocalIdAssertion>*) {
                   return absl::DataLossError("T.N holds garbage");
                 });
  EXPECT_EQ(page.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace legacy
}  // namespace datarun
