#include "adapters/sdk/worker_call.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/sdk/adapter_service.h"
#include "common/grpc_status.h"

namespace datarun {
namespace adapter {
namespace {

absl::Time DeadlineOf(const grpc::CallbackServerContext& context) {
  const std::chrono::system_clock::time_point deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

}  // namespace

WorkerCall::WorkerCall(const AdapterService* service,
                       grpc::CallbackServerContext* context, std::string what)
    : service_(service),
      context_(context),
      what_(std::move(what)),
      start_(absl::Now()),
      deadline_(DeadlineOf(*context)) {}

const std::string& WorkerCall::department() const {
  return service_->options().department;
}

void WorkerCall::Start() {
  absl::Status status = service_->Authorize(*context_);
  if (status.ok()) status = Precheck();
  if (status.ok() && absl::Now() >= deadline_) {
    status = DeadlineError("before the request reached a worker");
  }
  if (!status.ok()) {
    Complete(status);
    return;
  }
  absl::Status queued = service_->pool()->Submit([this] { RunOnWorker(); });
  if (queued.ok()) return;
  if (queued.code() == absl::StatusCode::kResourceExhausted) {
    Complete(absl::ResourceExhaustedError(
        absl::StrCat("adapter '", department(), "' is overloaded (",
                     queued.message(), "); retry later")));
  } else {
    Complete(absl::UnavailableError(
        absl::StrCat("adapter '", department(), "' is shutting down")));
  }
}

void WorkerCall::OnCancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
}

absl::Status WorkerCall::DeadlineError(absl::string_view when) const {
  return absl::DeadlineExceededError(
      absl::StrCat("the caller's deadline for ", what_, " passed ", when,
                   " (department '", department(), "')"));
}

absl::Status WorkerCall::CheckStillWanted(absl::string_view when) {
  if (absl::Now() >= deadline_) return DeadlineError(when);
  absl::MutexLock lock(&mu_);
  if (cancelled_) {
    return absl::CancelledError(absl::StrCat(
        "the caller cancelled the request for ", what_, " ", when));
  }
  return absl::OkStatus();
}

void WorkerCall::Delay(absl::Duration delay) {
  if (delay <= absl::ZeroDuration()) return;
  const absl::Time wake = std::min(absl::Now() + delay, deadline_);
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithDeadline(absl::Condition(&cancelled_), wake);
}

void WorkerCall::RunOnWorker() {
  absl::Status status = CheckStillWanted("while it waited for a worker");
  if (status.ok()) status = Work();
  Complete(status);
}

void WorkerCall::Complete(const absl::Status& status) {
  {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    finished_ = true;
  }
  Log(status, absl::ToInt64Microseconds(absl::Now() - start_));
  Finish(ToGrpcStatus(status));
}

}  // namespace adapter
}  // namespace datarun
