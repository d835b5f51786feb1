#include "adapters/sdk/adapter_service.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/sdk/fetch_call.h"
#include "adapters/sdk/list_local_ids_call.h"
#include "adapters/sdk/review_call.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "exchange/security/authenticator.h"

namespace datarun {
namespace adapter {

AdapterService::AdapterService(Options options,
                               DepartmentService* department_service,
                               WorkerPool* pool)
    : options_(std::move(options)),
      dataset_set_(options_.datasets.begin(), options_.datasets.end()),
      department_service_(department_service),
      pool_(pool) {}

absl::Status AdapterService::Authorize(
    const grpc::CallbackServerContext& context) const {
  if (options_.authenticator == nullptr) return absl::OkStatus();
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) {
    return absl::UnauthenticatedError(
        absl::StrCat("adapter '", options_.department,
                     "' received a call without a TLS client certificate"));
  }
  absl::StatusOr<security::PeerIdentity> peer =
      options_.authenticator->Authenticate(*auth);
  if (!peer.ok()) {
    return absl::Status(
        peer.status().code(),
        absl::StrCat(peer.status().message(), "; only the exchange may call ",
                     "adapter '", options_.department, "'"));
  }
  if (!peer->is_exchange) {
    return absl::PermissionDeniedError(
        absl::StrCat("only the exchange may call adapter '",
                     options_.department, "' (caller: ", peer->spiffe_id, ")"));
  }
  return absl::OkStatus();
}

absl::Status AdapterService::CheckDataset(const std::string& dataset) const {
  if (dataset_set_.count(dataset) > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "adapter '", options_.department, "' does not serve dataset '", dataset,
      "' (it serves ", absl::StrJoin(options_.datasets, ", "), ")"));
}

grpc::ServerUnaryReactor* AdapterService::Fetch(
    grpc::CallbackServerContext* context, const v1::FetchRequest* request,
    v1::FetchResponse* response) {
  return StartFetchCall(this, context, request, response);
}

grpc::ServerUnaryReactor* AdapterService::ListLocalIds(
    grpc::CallbackServerContext* context,
    const v1::ListLocalIdsRequest* request,
    v1::ListLocalIdsResponse* response) {
  return StartListLocalIdsCall(this, context, request, response);
}

grpc::ServerUnaryReactor* AdapterService::Review(
    grpc::CallbackServerContext* context, const v1::ReviewRequest* request,
    v1::ReviewResponse* response) {
  return StartReviewCall(this, context, request, response);
}

grpc::ServerUnaryReactor* AdapterService::Describe(
    grpc::CallbackServerContext* context, const v1::DescribeRequest*,
    v1::DescribeResponse* response) {
  absl::Status status = Authorize(*context);
  if (status.ok()) {
    response->set_department(options_.department);
    for (const std::string& dataset : options_.datasets) {
      response->add_datasets(dataset);
    }
    response->set_software_version(options_.software_version);
  }
  LogLine("describe", status.ok() ? LogLevel::kInfo : LogLevel::kWarning)
      .Status(status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace adapter
}  // namespace datarun
