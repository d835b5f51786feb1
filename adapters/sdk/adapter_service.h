// The datarun.v1.Adapter gRPC service (callback API) that AdapterServer
// registers. Internal to the SDK: integrators use AdapterServer or
// RunAdapterMain.
//
// Fetch and ListLocalIds: the reactor (fetch_call.h, list_local_ids_call.h,
// both WorkerCalls), on the gRPC thread, checks the caller (the exchange
// only, via the Authenticator), the request and the deadline, then hands the
// call to the WorkerPool; it never blocks. The worker calls the
// DepartmentService (Fetch after the simulated delay; ListLocalIds without
// it), checks the deadline again and finishes the call exactly once. One
// structured log line is written per request (never a subject).
//
// Review (review_call.h) is a WorkerCall too: answered from the ReviewStore
// when its idempotency key was answered before, otherwise after the
// simulated review delay by DepartmentService::Review.
//
// Describe answers on the gRPC thread.
#ifndef DATARUN_ADAPTERS_SDK_ADAPTER_SERVICE_H_
#define DATARUN_ADAPTERS_SDK_ADAPTER_SERVICE_H_

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "adapters/sdk/department_service.h"
#include "adapters/sdk/worker_pool.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace datarun {
namespace security {
class Authenticator;
}  // namespace security

namespace adapter {

class ReviewStore;

class AdapterService final : public v1::Adapter::CallbackService {
 public:
  struct Options {
    // Department id and the datasets served (already validated).
    std::string department;
    std::vector<std::string> datasets;
    // Who may call; null accepts every caller (unit tests only).
    std::shared_ptr<security::Authenticator> authenticator;
    // Simulated processing delay per Fetch (not ListLocalIds), bounded by
    // the deadline.
    absl::Duration delay;
    // Simulated review time per Review (a human reviewer), bounded by the
    // deadline; not applied to answers replayed from the store.
    absl::Duration review_delay;
    // Durable answers of Review by idempotency key; not owned, must outlive
    // the service. Null: Review answers UNIMPLEMENTED.
    ReviewStore* review_store = nullptr;
    // Reported by Describe.
    std::string software_version;
  };

  // `department_service` and `pool` are not owned and must outlive every
  // call this service accepts (AdapterServer shuts the gRPC server down
  // before destroying them).
  AdapterService(Options options, DepartmentService* department_service,
                 WorkerPool* pool);

  grpc::ServerUnaryReactor* Fetch(grpc::CallbackServerContext* context,
                                  const v1::FetchRequest* request,
                                  v1::FetchResponse* response) override;
  grpc::ServerUnaryReactor* Describe(grpc::CallbackServerContext* context,
                                     const v1::DescribeRequest* request,
                                     v1::DescribeResponse* response) override;
  grpc::ServerUnaryReactor* ListLocalIds(
      grpc::CallbackServerContext* context,
      const v1::ListLocalIdsRequest* request,
      v1::ListLocalIdsResponse* response) override;
  grpc::ServerUnaryReactor* Review(grpc::CallbackServerContext* context,
                                   const v1::ReviewRequest* request,
                                   v1::ReviewResponse* response) override;

  // The following are used by the per-call reactor; thread-safe.

  // Returns OK when the caller is the exchange (or there is no
  // authenticator). UNAUTHENTICATED when its certificate identity is not
  // acceptable; PERMISSION_DENIED when it is a department.
  absl::Status Authorize(const grpc::CallbackServerContext& context) const;
  // Returns OK when `dataset` is served; INVALID_ARGUMENT naming it and the
  // datasets served otherwise.
  absl::Status CheckDataset(const std::string& dataset) const;

  const Options& options() const { return options_; }
  DepartmentService* department_service() const { return department_service_; }
  WorkerPool* pool() const { return pool_; }

 private:
  const Options options_;
  const std::set<std::string> dataset_set_;
  DepartmentService* const department_service_;
  WorkerPool* const pool_;
};

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_ADAPTER_SERVICE_H_
