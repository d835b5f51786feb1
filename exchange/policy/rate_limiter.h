// Token-bucket rate limits, one bucket per key (a grant id).
#ifndef DATARUN_EXCHANGE_POLICY_RATE_LIMITER_H_
#define DATARUN_EXCHANGE_POLICY_RATE_LIMITER_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace datarun::policy {

// Each key has a bucket of `burst` tokens that refills at `per_second`
// tokens per second; a query takes one token. Time is passed in by the
// caller (no clock inside), so tests are deterministic. A bucket starts full
// at the first time it is used. Time going backwards refills nothing.
// Thread-safe.
class RateLimiter {
 public:
  RateLimiter() = default;
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // Declares (or replaces, refilled) the bucket of `key`. `per_second` <= 0
  // means unlimited. `burst` <= 0 means max(1, per_second) rounded down.
  void SetLimit(absl::string_view key, double per_second, int burst);

  // Returns true and takes one token when `key`'s bucket holds one at
  // `now`; returns false (taking nothing) when it is empty. Keys without a
  // declared limit, and unlimited keys, always return true.
  bool TryAcquire(absl::string_view key, absl::Time now);

  // Returns the tokens `key` would hold at `now` without taking any
  // (infinity for unlimited or unknown keys). For tests and metrics.
  double Available(absl::string_view key, absl::Time now);

 private:
  struct Bucket {
    double per_second = 0;
    double burst = 0;
    double tokens = 0;
    bool started = false;
    absl::Time last;
  };

  // Brings `bucket` up to `now`.
  static void Refill(Bucket& bucket, absl::Time now);

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_RATE_LIMITER_H_
