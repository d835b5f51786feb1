// A GoogleTest fixture for the reference departments' service tests: opens
// the department's service over its store in the shared generated data set
// and offers Fetch helpers.
#ifndef DATARUN_ADAPTERS_DATAGEN_TESTING_DEPARTMENT_SERVICE_TEST_H_
#define DATARUN_ADAPTERS_DATAGEN_TESTING_DEPARTMENT_SERVICE_TEST_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "adapters/datagen/testing/test_data.h"
#include "datarun/v1/adapter.pb.h"
#include "gtest/gtest.h"

namespace datarun {
namespace datagen {
namespace testing {

// `Service` needs `static absl::StatusOr<std::unique_ptr<Service>>
// Open(absl::string_view store_path)` and a DepartmentService-style Fetch.
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

  std::string StorePath() const {
    return SharedTestDataDir() + "/" + store_file_;
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
};

}  // namespace testing
}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_TESTING_DEPARTMENT_SERVICE_TEST_H_
