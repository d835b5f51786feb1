#include "exchange/router/circuit_breaker.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace datarun::router {

absl::string_view CircuitStateName(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

namespace {

CircuitBreaker::Options Normalized(CircuitBreaker::Options options) {
  options.failure_threshold = std::max(1, options.failure_threshold);
  return options;
}

}  // namespace

CircuitBreaker::CircuitBreaker(Options options)
    : options_(Normalized(std::move(options))) {}

absl::Time CircuitBreaker::Now() const {
  return options_.clock ? options_.clock() : absl::Now();
}

CircuitBreaker::Admission CircuitBreaker::Admit() {
  absl::Time now = Now();
  absl::MutexLock lock(&mu_);
  Admission admission;
  switch (state_) {
    case CircuitState::kClosed:
      return admission;
    case CircuitState::kOpen:
      if (now < open_until_) {
        admission.allowed = false;
        admission.retry_in = open_until_ - now;
        return admission;
      }
      state_ = CircuitState::kHalfOpen;
      probe_in_flight_ = false;
      [[fallthrough]];
    case CircuitState::kHalfOpen:
      if (probe_in_flight_) {
        // The probe decides; until it does, keep failing fast.
        admission.allowed = false;
        return admission;
      }
      probe_in_flight_ = true;
      admission.probe = true;
      return admission;
  }
  return admission;
}

CircuitBreaker::Transition CircuitBreaker::Record(Outcome outcome, bool probe) {
  absl::Time now = Now();
  absl::MutexLock lock(&mu_);
  if (probe) {
    probe_in_flight_ = false;
    if (state_ != CircuitState::kHalfOpen) return Transition::kNone;
    switch (outcome) {
      case Outcome::kSuccess:
        state_ = CircuitState::kClosed;
        consecutive_failures_ = 0;
        return Transition::kClosed;
      case Outcome::kFailure:
        ++consecutive_failures_;
        OpenLocked(now);
        return Transition::kOpened;
      case Outcome::kNeutral:
        break;  // the next call probes again
    }
    return Transition::kNone;
  }
  // A call admitted while closed. Late results of calls that were already in
  // flight when the breaker opened only adjust the counter.
  switch (outcome) {
    case Outcome::kSuccess:
      if (state_ == CircuitState::kClosed) consecutive_failures_ = 0;
      break;
    case Outcome::kFailure:
      ++consecutive_failures_;
      if (state_ == CircuitState::kClosed &&
          consecutive_failures_ >= options_.failure_threshold) {
        OpenLocked(now);
        return Transition::kOpened;
      }
      break;
    case Outcome::kNeutral:
      break;
  }
  return Transition::kNone;
}

void CircuitBreaker::OpenLocked(absl::Time now) {
  state_ = CircuitState::kOpen;
  open_until_ = now + options_.open_duration;
  ++times_opened_;
}

CircuitBreaker::Snapshot CircuitBreaker::snapshot() const {
  absl::Time now = Now();
  absl::MutexLock lock(&mu_);
  Snapshot snapshot;
  snapshot.state = state_;
  if (state_ == CircuitState::kOpen && now >= open_until_) {
    snapshot.state = CircuitState::kHalfOpen;
  }
  snapshot.consecutive_failures = consecutive_failures_;
  snapshot.times_opened = times_opened_;
  return snapshot;
}

}  // namespace datarun::router
