// Adapter.Review as a WorkerCall: checks the request on the gRPC thread,
// then on a worker answers from the ReviewStore when the idempotency key
// was answered before, otherwise applies the simulated review delay, calls
// DepartmentService::Review, stores and returns its answer. Logs one
// "review" line per request (case id, case type, step, decision, whether
// the answer was replayed, latency; never a subject). Internal to the SDK.
#ifndef DATARUN_ADAPTERS_SDK_REVIEW_CALL_H_
#define DATARUN_ADAPTERS_SDK_REVIEW_CALL_H_

#include "datarun/v1/adapter.pb.h"
#include "grpcpp/grpcpp.h"

namespace datarun {
namespace adapter {

class AdapterService;

// Creates and starts the reactor of one Review call and returns it to gRPC.
// `service` must outlive the call; `request` and `response` are gRPC's.
grpc::ServerUnaryReactor* StartReviewCall(const AdapterService* service,
                                          grpc::CallbackServerContext* context,
                                          const v1::ReviewRequest* request,
                                          v1::ReviewResponse* response);

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_REVIEW_CALL_H_
