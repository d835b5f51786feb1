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

void FetchCall::Start(std::shared_ptr<DepartmentChannels> department,
                      bool probe, v1::FetchRequest request, absl::Time deadline,
                      Done done) {
  auto* call = new FetchCall(std::move(department), probe, std::move(request),
                             deadline, std::move(done));
  call->StartAttempt();
}

FetchCall::FetchCall(std::shared_ptr<DepartmentChannels> department, bool probe,
                     v1::FetchRequest request, absl::Time deadline, Done done)
    : department_(std::move(department)),
      probe_(probe),
      request_(std::move(request)),
      start_(absl::Now()),
      deadline_(deadline),
      done_(std::move(done)) {}

void FetchCall::StartAttempt() {
  ++attempts_;
  context_ = std::make_unique<grpc::ClientContext>();
  context_->set_deadline(absl::ToChronoTime(deadline_));
  // A department that is down must fail now, not wait for a connection.
  context_->set_wait_for_ready(false);
  response_.Clear();
  // After this call the callback may run at any time, on any thread, even
  // before async()->Fetch returns: touch nothing afterwards.
  department_->NextStub()->async()->Fetch(
      context_.get(), &request_, &response_,
      [this](grpc::Status status) { OnAttemptDone(status); });
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
    default:
      Finish(absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("department '", name,
                                       "': ", status.error_message())));
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
    // The caller's budget, not the department's health.
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
  Done done = std::move(done_);
  delete this;
  done(std::move(result));
}

}  // namespace datarun::router
