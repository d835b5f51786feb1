// A per-department circuit breaker for the router.
//
// Closed: every call goes through; consecutive UNAVAILABLE outcomes are
// counted and any success resets the count. After `failure_threshold` of them
// in a row the breaker opens: calls fail fast without touching the network for
// `open_duration`. Then exactly one call (the probe) is let through while the
// others keep failing fast; a successful probe closes the breaker, a failed
// probe opens it for another `open_duration`.
#ifndef DATARUN_EXCHANGE_ROUTER_CIRCUIT_BREAKER_H_
#define DATARUN_EXCHANGE_ROUTER_CIRCUIT_BREAKER_H_

#include <cstdint>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace datarun::router {

enum class CircuitState {
  kClosed,    // calls go through
  kOpen,      // calls fail fast until the open period ends
  kHalfOpen,  // one probe call is allowed (or in flight)
};

// Returns "closed", "open" or "half_open" (for logs and metrics).
absl::string_view CircuitStateName(CircuitState state);

// Thread-safe.
class CircuitBreaker {
 public:
  struct Options {
    // Consecutive failures that open the breaker (at least 1).
    int failure_threshold = 5;
    // How long an open breaker fails calls before letting a probe through.
    absl::Duration open_duration = absl::Seconds(1);
    // Time source; absl::Now when empty (tests inject a fake clock).
    std::function<absl::Time()> clock;
  };

  // How a finished call counts.
  enum class Outcome {
    kSuccess,  // the department answered (OK, NOT_FOUND, any adapter error)
    kFailure,  // the department could not be reached (UNAVAILABLE)
    kNeutral,  // says nothing about the department (e.g. caller's deadline)
  };

  // The decision for one call.
  struct Admission {
    bool allowed = true;
    // This call is the half-open probe; pass it back to Record().
    bool probe = false;
    // When refused: time left until a probe will be allowed.
    absl::Duration retry_in = absl::ZeroDuration();
  };

  struct Snapshot {
    CircuitState state = CircuitState::kClosed;
    int consecutive_failures = 0;
    // Number of times the breaker went from closed or half-open to open.
    uint64_t times_opened = 0;
  };

  explicit CircuitBreaker(Options options);
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // Decides whether a call may go out now. Every allowed call must be
  // followed by exactly one Record() with the returned `probe` flag.
  Admission Admit();

  // What a Record() call changed (for logging).
  enum class Transition { kNone, kOpened, kClosed };

  // Records the outcome of an allowed call and returns the state change it
  // caused, if any.
  Transition Record(Outcome outcome, bool probe);

  // Returns the current state. An open breaker whose open period has ended
  // is reported as kHalfOpen (the next call will probe).
  Snapshot snapshot() const;

  int failure_threshold() const { return options_.failure_threshold; }

 private:
  absl::Time Now() const;
  void OpenLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  mutable absl::Mutex mu_;
  CircuitState state_ ABSL_GUARDED_BY(mu_) = CircuitState::kClosed;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t times_opened_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time open_until_ ABSL_GUARDED_BY(mu_);
  bool probe_in_flight_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace datarun::router

#endif  // DATARUN_EXCHANGE_ROUTER_CIRCUIT_BREAKER_H_
