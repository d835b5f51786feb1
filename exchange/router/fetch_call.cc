#include "exchange/router/fetch_call.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/log.h"

namespace datarun::router {
namespace {

int64_t RoundedMillis(absl::Duration d) {
  return static_cast<int64_t>(std::llround(absl::ToDoubleMilliseconds(d)));
}

}  // namespace

void FetchCall::Start(DepartmentChannels* department,
                      std::shared_ptr<InflightCalls> inflight, bool probe,
                      v1::FetchRequest request, absl::Time deadline,
                      Done done) {
  auto call = std::make_shared<FetchCall>(department, inflight, probe,
                                          std::move(request), deadline,
                                          std::move(done));
  inflight->Add(call);
  call->StartAttempt();
}

FetchCall::FetchCall(DepartmentChannels* department,
                     std::shared_ptr<InflightCalls> inflight, bool probe,
                     v1::FetchRequest request, absl::Time deadline, Done done)
    : department_(department),
      inflight_(std::move(inflight)),
      probe_(probe),
      request_(std::move(request)),
      start_(absl::Now()),
      deadline_(deadline),
      done_(std::move(done)) {}

void FetchCall::Cancel() {
  std::shared_ptr<grpc::ClientContext> context;
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    context = context_;
  }
  // Outside mu_: the attempt's callback may run right here.
  if (context != nullptr) context->TryCancel();
}

bool FetchCall::cancelled() const {
  absl::MutexLock lock(&mu_);
  return cancelled_;
}

void FetchCall::StartAttempt() {
  ++attempts_;
  auto context = std::make_shared<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(deadline_));
  // A department that is down must fail now, not wait for a connection.
  context->set_wait_for_ready(false);
  bool cancelled;
  {
    absl::MutexLock lock(&mu_);
    cancelled = cancelled_;
    if (!cancelled) context_ = context;
  }
  if (cancelled) {
    Finish(absl::CancelledError(
        absl::StrCat("department '", department_->department(),
                     "': call cancelled: the router is shutting down")));
    return;
  }
  response_.Clear();
  // The callback may run on any thread at any time from here on.
  department_->NextStub()->async()->Fetch(
      context.get(), &request_, &response_,
      [self = shared_from_this()](grpc::Status status) {
        self->OnAttemptDone(status);
      });
}

void FetchCall::OnAttemptDone(const grpc::Status& status) {
  const std::string& name = department_->department();
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      Finish(std::move(response_));
      return;
    case grpc::StatusCode::NOT_FOUND:
      Finish(FromGrpcStatus(status));
      return;
    case grpc::StatusCode::UNAVAILABLE: {
      // Fetch is a read: retry once, on the next channel, while more than
      // half of the caller's time budget is left.
      absl::Time now = absl::Now();
      if (attempts_ == 1 && deadline_ - now > (deadline_ - start_) / 2) {
        department_->CountRetry();
        StartAttempt();
        return;
      }
      Finish(absl::UnavailableError(absl::StrCat(
          "department '", name, "' is unavailable: ", status.error_message())));
      return;
    }
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      Finish(absl::DeadlineExceededError(
          absl::StrCat("department '", name, "' did not answer within ",
                       RoundedMillis(deadline_ - start_), " ms")));
      return;
    case grpc::StatusCode::CANCELLED:
      if (cancelled()) {
        Finish(absl::CancelledError(
            absl::StrCat("department '", name,
                         "': call cancelled: the router is shutting down")));
        return;
      }
      [[fallthrough]];
    default:
      Finish(absl::Status(
          static_cast<absl::StatusCode>(status.error_code()),
          absl::StrCat("department '", name, "': ", status.error_message())));
      return;
  }
}

void FetchCall::Finish(absl::StatusOr<v1::FetchResponse> result) {
  absl::StatusCode code = result.status().code();
  CircuitBreaker::Outcome outcome = CircuitBreaker::Outcome::kSuccess;
  if (code == absl::StatusCode::kUnavailable) {
    outcome = CircuitBreaker::Outcome::kFailure;
  } else if (code == absl::StatusCode::kDeadlineExceeded ||
             code == absl::StatusCode::kCancelled) {
    // The caller's budget or our shutdown, not the department's health.
    outcome = CircuitBreaker::Outcome::kNeutral;
  }
  CircuitBreaker::Transition transition =
      department_->breaker().Record(outcome, probe_);
  if (transition == CircuitBreaker::Transition::kOpened) {
    LogLine("router_circuit_opened", LogLevel::kWarning)
        .Str("department", department_->department())
        .Int("consecutive_unavailable",
             department_->breaker().snapshot().consecutive_failures)
        .Status(result.status());
  } else if (transition == CircuitBreaker::Transition::kClosed) {
    LogLine("router_circuit_closed")
        .Str("department", department_->department());
  }
  department_->CountResult(code);
  inflight_->Remove(this);
  std::shared_ptr<grpc::ClientContext> context;
  {
    absl::MutexLock lock(&mu_);
    context.swap(context_);
  }
  context.reset();  // holds a reference to the channel
  Done done = std::move(done_);
  done(std::move(result));
  // Last: the router may destroy the department's channels as soon as this
  // returns; nothing below may touch department_.
  std::shared_ptr<InflightCalls> inflight = inflight_;
  inflight->Finished();
}

}  // namespace datarun::router
