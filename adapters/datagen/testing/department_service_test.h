// A GoogleTest fixture for the reference departments' service tests: opens
// the department's service over its store in the shared generated data set
// and offers Fetch helpers, a private copy of the store for tests whose
// case steps write, and the checks every department passes alike (local id
// paging, an empty store, refusing a missing or foreign store).
#ifndef DATARUN_ADAPTERS_DATAGEN_TESTING_DEPARTMENT_SERVICE_TEST_H_
#define DATARUN_ADAPTERS_DATAGEN_TESTING_DEPARTMENT_SERVICE_TEST_H_

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "adapters/datagen/testing/store_rows.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "datarun/v1/adapter.pb.h"
#include "gtest/gtest.h"

namespace datarun {
namespace datagen {
namespace testing {

// `Service` needs `static absl::StatusOr<std::unique_ptr<Service>>
// Open(absl::string_view store_path)` and DepartmentService-style Fetch and
// ListLocalIds.
template <typename Service>
class DepartmentServiceTest : public ::testing::Test {
 protected:
  // `store_file` is the store's name in the shared data set, e.g. "tax.db".
  explicit DepartmentServiceTest(std::string store_file)
      : store_file_(std::move(store_file)) {}

  void SetUp() override {
    auto service = Service::Open(StorePath());
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = std::move(*service);
  }

  void TearDown() override {
    if (!empty_dir_.empty()) std::filesystem::remove_all(empty_dir_);
    if (!copy_dir_.empty()) std::filesystem::remove_all(copy_dir_);
  }

  std::string StorePath() const {
    return SharedTestDataDir() + "/" + store_file_;
  }

  // StoreRows and StoreValue (store_rows.h) on the shared data set's store.
  std::vector<std::vector<std::string>> SharedStoreRows(
      const std::string& sql, const std::vector<std::string>& params = {}) {
    return ::datarun::datagen::testing::StoreRows(StorePath(), sql, params);
  }
  std::string SharedStoreValue(const std::string& sql,
                               const std::vector<std::string>& params = {}) {
    return ::datarun::datagen::testing::StoreValue(StorePath(), sql, params);
  }

  // One ListLocalIds page.
  absl::StatusOr<v1::ListLocalIdsResponse> ListPage(
      const std::string& page_token, int page_size) {
    v1::ListLocalIdsRequest request;
    request.set_page_token(page_token);
    request.set_page_size(page_size);
    return service_->ListLocalIds(request);
  }

  // Every assertion, paging with `page_size`; adds a test failure (and
  // returns what it has) on an error, an oversized page or endless paging.
  std::vector<v1::LocalIdAssertion> ListAllLocalIds(int page_size) {
    std::vector<v1::LocalIdAssertion> all;
    std::string token;
    for (int pages = 0; pages < 100000; ++pages) {
      auto page = ListPage(token, page_size);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return all;
      if (page_size > 0) {
        EXPECT_LE(page->assertions_size(), page_size);
      }
      for (const auto& a : page->assertions()) all.push_back(a);
      token = page->next_page_token();
      if (token.empty()) return all;
    }
    ADD_FAILURE() << "ListLocalIds never ended";
    return all;
  }

  // Checks the paging contract on the shared data set: pages of 1, 7 and
  // the default size return the same assertions in the same order, none
  // twice, every one of kind `kind` (when not empty) with a subject, a
  // value and a basis, at most one primary per subject; a malformed token is
  // INVALID_ARGUMENT "page_token ...". Returns the assertions.
  std::vector<v1::LocalIdAssertion> CheckLocalIdPaging() {
    std::vector<v1::LocalIdAssertion> whole = ListAllLocalIds(0);
    EXPECT_FALSE(whole.empty());
    for (int size : {1, 7}) {
      std::vector<v1::LocalIdAssertion> paged = ListAllLocalIds(size);
      EXPECT_EQ(paged.size(), whole.size()) << "page size " << size;
      for (size_t i = 0; i < paged.size() && i < whole.size(); ++i) {
        EXPECT_EQ(paged[i].SerializeAsString(), whole[i].SerializeAsString())
            << "page size " << size << ", assertion " << i;
      }
    }
    std::set<std::tuple<std::string, std::string, std::string>> seen;
    std::map<std::string, int> primaries;
    for (const v1::LocalIdAssertion& a : whole) {
      EXPECT_TRUE(seen.emplace(a.subject(), a.kind(), a.value()).second)
          << a.kind() << " " << a.value() << " sent twice";
      EXPECT_FALSE(a.subject().empty());
      EXPECT_FALSE(a.value().empty());
      EXPECT_FALSE(a.basis().empty());
      if (a.primary()) ++primaries[a.subject()];
    }
    for (const auto& [subject, count] : primaries) {
      EXPECT_EQ(count, 1) << "a subject has " << count << " primary ids";
    }
    for (const std::string& bad : {std::string("not-a-token"),
                                   std::string("00ff"), std::string("abc")}) {
      auto page = ListPage(bad, 10);
      EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument)
          << bad;
      EXPECT_EQ(page.status().message().rfind("page_token", 0), 0u)
          << page.status();
    }
    return whole;
  }

  // Opens the service over a new store holding only `schema_sql` (the
  // department's schema and code tables), in a temporary directory removed
  // by TearDown.
  std::unique_ptr<Service> OpenEmptyStore(absl::string_view schema_sql) {
    char tmpl[] = "/tmp/datarun_empty_store.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return nullptr;
    }
    empty_dir_ = tmpl;
    const std::string path = empty_dir_ + "/" + store_file_;
    {
      auto db = legacy::SqliteDb::Open(path, legacy::SqliteDb::Mode::kCreate);
      EXPECT_TRUE(db.ok()) << db.status();
      if (!db.ok()) return nullptr;
      absl::Status created = (*db)->Exec(schema_sql);
      EXPECT_TRUE(created.ok()) << created;
    }
    auto service = Service::Open(path);
    EXPECT_TRUE(service.ok()) << service.status();
    return service.ok() ? std::move(*service) : nullptr;
  }

  // Checks that the service over a store holding only `schema_sql` (see
  // OpenEmptyStore) lists no local ids: one empty page, no next token.
  void ExpectEmptyStoreListsNothing(absl::string_view schema_sql) {
    std::unique_ptr<Service> empty = OpenEmptyStore(schema_sql);
    ASSERT_NE(empty, nullptr);
    auto page = empty->ListLocalIds(v1::ListLocalIdsRequest());
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->assertions_size(), 0);
    EXPECT_TRUE(page->next_page_token().empty());
  }

  // Opens another service over a private copy of the shared data set's
  // store (in a temporary directory removed by TearDown), for tests whose
  // case steps write. Call at most once per test. Null (with a test
  // failure) when it cannot.
  std::unique_ptr<Service> OpenStoreCopy() {
    char tmpl[] = "/tmp/datarun_store_copy.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return nullptr;
    }
    copy_dir_ = tmpl;
    std::error_code error;
    std::filesystem::copy_file(StorePath(), CopyPath(), error);
    EXPECT_FALSE(error) << error.message();
    auto service = Service::Open(CopyPath());
    EXPECT_TRUE(service.ok()) << service.status();
    return service.ok() ? std::move(*service) : nullptr;
  }

  // The store copy of OpenStoreCopy.
  std::string CopyPath() const { return copy_dir_ + "/" + store_file_; }

  // The first column of the first row of `sql` on the store copy as an
  // integer (count(*) ...); -1 (with a test failure) on an error.
  int64_t CountInCopy(const std::string& sql,
                      const std::vector<std::string>& params = {}) {
    int64_t n = -1;
    const std::string value = StoreValue(CopyPath(), sql, params);
    return absl::SimpleAtoi(value, &n) ? n : -1;
  }

  // Runs `sql` (INSERT, UPDATE) on the store copy, to set up a situation
  // the generated data lacks.
  void ExecuteOnCopy(const std::string& sql,
                     const std::vector<std::string>& params = {}) {
    auto db =
        legacy::SqliteDb::Open(CopyPath(), legacy::SqliteDb::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status();
    std::vector<legacy::SqlValue> values(params.begin(), params.end());
    absl::Status s = (*db)->Execute(sql, values);
    ASSERT_TRUE(s.ok()) << s;
  }

  // Fetches `dataset` about `subject`, optionally only `fields`.
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const std::string& dataset, const std::string& subject,
      const std::vector<std::string>& fields = {}) {
    return FetchWithLocalId(dataset, subject, "", fields);
  }

  // Same, passing the department-local key the exchange would send.
  absl::StatusOr<std::vector<v1::Record>> FetchWithLocalId(
      const std::string& dataset, const std::string& subject,
      const std::string& local_id,
      const std::vector<std::string>& fields = {}) {
    v1::FetchRequest request;
    request.set_dataset(dataset);
    request.set_subject(subject);
    request.set_local_id(local_id);
    for (const std::string& field : fields) request.add_fields(field);
    return service_->Fetch(request);
  }

  // A subject of the shared data set's demo_subjects.txt.
  const std::string& Demo(const std::string& key) {
    return SharedDemoSubjects().at(key);
  }

  std::unique_ptr<Service> service_;

 private:
  std::string store_file_;
  std::string empty_dir_;
  std::string copy_dir_;
};

// Checks that Service::Open refuses a store that does not exist
// ("/nonexistent/<store_file>": NOT_FOUND) and another department's store
// of the shared data set (`foreign_store_file`: FAILED_PRECONDITION naming
// `missing_table`, the first of the department's tables it lacks).
template <typename Service>
void ExpectMissingAndForeignStoresRefused(const std::string& store_file,
                                          const std::string& foreign_store_file,
                                          const std::string& missing_table) {
  EXPECT_EQ(Service::Open("/nonexistent/" + store_file).status().code(),
            absl::StatusCode::kNotFound);
  absl::Status foreign =
      Service::Open(SharedTestDataDir() + "/" + foreign_store_file).status();
  EXPECT_EQ(foreign.code(), absl::StatusCode::kFailedPrecondition) << foreign;
  EXPECT_NE(foreign.message().find("has no table " + missing_table),
            absl::string_view::npos)
      << foreign;
}

}  // namespace testing
}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_TESTING_DEPARTMENT_SERVICE_TEST_H_
