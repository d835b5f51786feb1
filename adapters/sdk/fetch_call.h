// Adapter.Fetch as a WorkerCall: checks the dataset and subject on the gRPC
// thread, applies the simulated delay and calls DepartmentService::Fetch on
// a worker, maps its errors, and logs one "fetch" line per request
// (dataset, consumer, purpose, case, request id, records, code, latency;
// never the subject). Internal to the SDK.
#ifndef DATARUN_ADAPTERS_SDK_FETCH_CALL_H_
#define DATARUN_ADAPTERS_SDK_FETCH_CALL_H_

#include "datarun/v1/adapter.pb.h"
#include "grpcpp/grpcpp.h"

namespace datarun {
namespace adapter {

class AdapterService;

// Creates and starts the reactor of one Fetch call and returns it to gRPC.
// `service` must outlive the call; `request` and `response` are gRPC's.
grpc::ServerUnaryReactor* StartFetchCall(const AdapterService* service,
                                         grpc::CallbackServerContext* context,
                                         const v1::FetchRequest* request,
                                         v1::FetchResponse* response);

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_FETCH_CALL_H_
