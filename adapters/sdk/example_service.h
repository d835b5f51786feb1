// A complete, tiny department for the adapter tutorial and the SDK's own
// process tests: department "demo" serves dataset "demo.visitor" from a
// tab-separated "legacy store" file with the columns
//   ZJHM (identity number) \t XM (name) \t DJRQ (registered, YYYYMMDD)
//   \t CS (visits) \t BZ (remark, "\N" = NULL)
// mapped to the catalog fields name, registered_on, visits and remark.
#ifndef DATARUN_ADAPTERS_SDK_EXAMPLE_SERVICE_H_
#define DATARUN_ADAPTERS_SDK_EXAMPLE_SERVICE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/sdk/department_service.h"

namespace datarun {
namespace adapter {

class ExampleService : public DepartmentService {
 public:
  // Reads the store file. NOT_FOUND when it is missing; INVALID_ARGUMENT
  // "<path>:<line>: ..." for a malformed row.
  static absl::StatusOr<std::unique_ptr<DepartmentService>> Open(
      absl::string_view store_path);

  std::string department() const override { return "demo"; }
  std::vector<std::string> datasets() const override {
    return {"demo.visitor"};
  }
  // Returns the visitor record of request.subject(), if any. Immutable data:
  // thread-safe.
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) override;

 private:
  struct Row {
    std::string name;
    std::string registered;  // YYYYMMDD as the legacy system stores it.
    int64_t visits = 0;
    std::string remark;  // "\N" = NULL.
  };

  ExampleService() = default;

  std::map<std::string, Row> rows_;  // By identity number.
};

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_EXAMPLE_SERVICE_H_
