#include "exchange/server/pooled_call.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/log.h"

namespace datarun::server {

grpc::ServerUnaryReactor* RunPooled(const PooledCallSite& site,
                                    grpc::CallbackServerContext* context,
                                    const char* method, PooledWork work) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::Time started = absl::Now();
  auto finish = [reactor, method, started](const std::string& caller,
                                           const absl::Status& status,
                                           LogLine& line) {
    line.Str("method", method)
        .Str("caller", caller)
        .Int("latency_us", absl::ToInt64Microseconds(absl::Now() - started))
        .Status(status);
    reactor->Finish(ToGrpcStatus(status));
  };
  absl::StatusOr<std::string> caller = site.authenticator->CallingDepartment(
      context->auth_context(), site.service);
  if (!caller.ok()) {
    LogLine line(site.log_event, LogLevel::kWarning);
    finish("", caller.status(), line);
    return reactor;
  }
  const char* event = site.log_event;
  absl::Status queued = site.pool->Submit(
      [finish, event, caller = *caller, work = std::move(work)]() mutable {
        LogLine line(event);
        absl::Status status = work(caller, line);
        finish(caller, status, line);
      });
  if (!queued.ok()) {
    LogLine line(site.log_event, LogLevel::kWarning);
    finish(*caller, queued, line);
  }
  return reactor;
}

absl::Time CallDeadline(const grpc::CallbackServerContext& context,
                        absl::Duration default_deadline,
                        absl::Duration max_deadline) {
  const absl::Time now = absl::Now();
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return now + default_deadline;
  }
  return std::min(absl::FromChrono(deadline), now + max_deadline);
}

}  // namespace datarun::server
