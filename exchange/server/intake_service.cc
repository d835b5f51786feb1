#include "exchange/server/intake_service.h"

#include <string>
#include <utility>

#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "exchange/server/pooled_call.h"

namespace datarun::server {

grpc::ServerUnaryReactor* IntakeService::Check(
    grpc::CallbackServerContext* context, const v1::IntakeCheckRequest* request,
    v1::IntakeCheckResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Time started = absl::Now();
  auto finish = [reactor, started, case_type = request->case_type(),
                 party = request->party()](const std::string& caller,
                                           const absl::Status& status,
                                           LogLine& line) {
    line.Str("method", "Check")
        .Str("caller", caller)
        .Str("case_type", case_type)
        .Str("party", party)
        .Int("latency_us", absl::ToInt64Microseconds(absl::Now() - started))
        .Status(status);
    reactor->Finish(ToGrpcStatus(status));
  };
  absl::StatusOr<std::string> caller =
      options_.authenticator->CallingDepartment(context->auth_context(),
                                                "Intake");
  if (!caller.ok()) {
    LogLine line("intake_request", LogLevel::kWarning);
    finish("", caller.status(), line);
    return reactor;
  }
  options_.checker->Check(
      *caller, *request,
      CallDeadline(*context, options_.default_deadline, options_.max_deadline),
      [finish, response,
       caller = *caller](absl::StatusOr<v1::IntakeCheckResponse> result) {
        LogLine line("intake_request");
        if (result.ok()) {
          *response = *std::move(result);
          line.Int("required", response->required())
              .Int("from_shared_data", response->from_shared_data())
              .Int("trips", response->trips());
        }
        finish(caller, result.status(), line);
      });
  return reactor;
}

}  // namespace datarun::server
