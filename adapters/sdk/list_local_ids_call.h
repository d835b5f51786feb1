// Adapter.ListLocalIds as a WorkerCall: validates page_size on the gRPC
// thread (0 -> kDefaultLocalIdPageSize, larger than kMaxLocalIdPageSize ->
// kMaxLocalIdPageSize, negative -> INVALID_ARGUMENT), calls
// DepartmentService::ListLocalIds on a worker, maps its errors, and logs
// one "list_local_ids" line per request (page size, first page or not,
// assertions returned, more pages or not, code, latency; never a subject
// or a page token). Internal to the SDK.
#ifndef DATARUN_ADAPTERS_SDK_LIST_LOCAL_IDS_CALL_H_
#define DATARUN_ADAPTERS_SDK_LIST_LOCAL_IDS_CALL_H_

#include "datarun/v1/adapter.pb.h"
#include "grpcpp/grpcpp.h"

namespace datarun {
namespace adapter {

class AdapterService;

// Creates and starts the reactor of one ListLocalIds call and returns it to
// gRPC. `service` must outlive the call; `request` and `response` are
// gRPC's.
grpc::ServerUnaryReactor* StartListLocalIdsCall(
    const AdapterService* service, grpc::CallbackServerContext* context,
    const v1::ListLocalIdsRequest* request, v1::ListLocalIdsResponse* response);

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_LIST_LOCAL_IDS_CALL_H_
