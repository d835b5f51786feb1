// The pooled channels of one department's adapter, with its circuit breaker
// and fetch counters. Internal to the router.
#ifndef DATARUN_EXCHANGE_ROUTER_DEPARTMENT_CHANNELS_H_
#define DATARUN_EXCHANGE_ROUTER_DEPARTMENT_CHANNELS_H_

#include <grpcpp/channel.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "exchange/router/circuit_breaker.h"

namespace datarun::router {

// Counts of finished Fetch calls to one department, since start-up.
struct FetchCounters {
  uint64_t fetches = 0;              // Fetch calls, including refused ones
  uint64_t ok = 0;                   // answered with records
  uint64_t not_found = 0;            // answered NOT_FOUND
  uint64_t unavailable = 0;          // UNAVAILABLE (unreachable, TLS, circuit)
  uint64_t deadline_exceeded = 0;    // no answer within the caller's deadline
  uint64_t other_errors = 0;         // any other adapter error
  uint64_t retries = 0;              // second attempts after UNAVAILABLE
  uint64_t rejected_by_circuit = 0;  // failed fast because the breaker was open
};

// Thread-safe. Owned by the router, which outlives every call using it.
class DepartmentChannels {
 public:
  // `channels` must not be empty.
  DepartmentChannels(std::string department,
                     std::vector<std::shared_ptr<grpc::Channel>> channels,
                     CircuitBreaker::Options breaker_options);
  DepartmentChannels(const DepartmentChannels&) = delete;
  DepartmentChannels& operator=(const DepartmentChannels&) = delete;

  const std::string& department() const { return department_; }

  // Returns the stub of the next channel, round-robin. Owned by this object.
  v1::Adapter::Stub* NextStub();

  CircuitBreaker& breaker() { return breaker_; }
  const CircuitBreaker& breaker() const { return breaker_; }

  // Counting, for DepartmentHealth().
  void CountFetch() { fetches_.fetch_add(1, std::memory_order_relaxed); }
  void CountRetry() { retries_.fetch_add(1, std::memory_order_relaxed); }
  void CountRejected() { rejected_.fetch_add(1, std::memory_order_relaxed); }
  // Counts a finished call by its final status code.
  void CountResult(absl::StatusCode code);
  FetchCounters counters() const;

 private:
  const std::string department_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
  std::vector<std::unique_ptr<v1::Adapter::Stub>> stubs_;
  std::atomic<uint64_t> next_{0};
  CircuitBreaker breaker_;

  std::atomic<uint64_t> fetches_{0};
  std::atomic<uint64_t> ok_{0};
  std::atomic<uint64_t> not_found_{0};
  std::atomic<uint64_t> unavailable_{0};
  std::atomic<uint64_t> deadline_exceeded_{0};
  std::atomic<uint64_t> other_errors_{0};
  std::atomic<uint64_t> retries_{0};
  std::atomic<uint64_t> rejected_{0};
};

}  // namespace datarun::router

#endif  // DATARUN_EXCHANGE_ROUTER_DEPARTMENT_CHANNELS_H_
