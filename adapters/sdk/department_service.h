// The interface an integrator implements to connect a department's legacy
// system to the exchange. The adapter SDK (AdapterServer, RunAdapterMain)
// turns one DepartmentService into a hardened datarun.v1.Adapter server.
#ifndef DATARUN_ADAPTERS_SDK_DEPARTMENT_SERVICE_H_
#define DATARUN_ADAPTERS_SDK_DEPARTMENT_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datarun/v1/adapter.pb.h"
#include "datarun/v1/types.pb.h"

namespace datarun {
namespace adapter {

// What an integrator implements: serve Fetch for the department's datasets.
class DepartmentService {
 public:
  virtual ~DepartmentService() = default;

  // Department id, e.g. "land". Must match the adapter certificate's SPIFFE
  // id and the `department` of the adapter config. Called once at start-up.
  virtual std::string department() const = 0;

  // Dataset ids served, e.g. {"land.property_title", "land.parcel"}. Every id
  // must start with "<department>.". Called once at start-up.
  virtual std::vector<std::string> datasets() const = 0;

  // Returns the department's records of request.dataset() about
  // request.subject() (empty vector = no record; the SDK maps that to
  // NOT_FOUND). Called on an SDK worker thread, never on a gRPC thread, so it
  // may block on the legacy store; calls may be concurrent (implementations
  // must be thread-safe). The SDK has already checked that the dataset is one
  // of datasets(), the caller is the exchange, and the deadline has not
  // passed.
  // Errors: INVALID_ARGUMENT (unknown field), UNAVAILABLE (store down);
  // NOT_FOUND and DEADLINE_EXCEEDED are passed on as they are; anything else
  // becomes INTERNAL. Messages reach the exchange's operators: name the
  // dataset and field, never the subject.
  virtual absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) = 0;
};

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_DEPARTMENT_SERVICE_H_
