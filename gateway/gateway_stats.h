// Counters of a running gateway, for GET /api/v1/status. Lock-free;
// thread-safe.
#ifndef DATARUN_GATEWAY_GATEWAY_STATS_H_
#define DATARUN_GATEWAY_GATEWAY_STATS_H_

#include <atomic>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace datarun::gateway {

struct GatewayStats {
  absl::Time started = absl::Now();
  std::atomic<int64_t> requests{0};
  std::atomic<int64_t> responses_2xx{0};
  std::atomic<int64_t> responses_4xx{0};
  std::atomic<int64_t> responses_5xx{0};
  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> streams{0};

  // Counts one answered request with HTTP status `status`.
  void CountResponse(int status) {
    requests.fetch_add(1, std::memory_order_relaxed);
    if (status >= 200 && status < 300) {
      responses_2xx.fetch_add(1, std::memory_order_relaxed);
    } else if (status >= 400 && status < 500) {
      responses_4xx.fetch_add(1, std::memory_order_relaxed);
    } else if (status >= 500) {
      responses_5xx.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // Opens a stream slot unless `max` are open; returns whether it did.
  bool TryOpenStream(int64_t max) {
    int64_t open = streams.load(std::memory_order_relaxed);
    while (open < max) {
      if (streams.compare_exchange_weak(open, open + 1)) return true;
    }
    return false;
  }
  void CloseStream() { streams.fetch_sub(1, std::memory_order_relaxed); }
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_GATEWAY_STATS_H_
