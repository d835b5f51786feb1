#include "exchange/policy/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace datarun::policy {

void RateLimiter::SetLimit(absl::string_view key, double per_second,
                           int burst) {
  Bucket bucket;
  bucket.per_second = per_second > 0 ? per_second : 0;
  if (burst > 0) {
    bucket.burst = burst;
  } else {
    bucket.burst = std::max(1.0, std::floor(bucket.per_second));
  }
  absl::MutexLock lock(&mu_);
  buckets_[key] = bucket;
}

void RateLimiter::Refill(Bucket& bucket, absl::Time now) {
  if (!bucket.started) {
    bucket.started = true;
    bucket.tokens = bucket.burst;
    bucket.last = now;
    return;
  }
  if (now <= bucket.last) return;
  const double elapsed = absl::ToDoubleSeconds(now - bucket.last);
  bucket.tokens =
      std::min(bucket.burst, bucket.tokens + elapsed * bucket.per_second);
  bucket.last = now;
}

bool RateLimiter::TryAcquire(absl::string_view key, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end() || it->second.per_second <= 0) return true;
  Bucket& bucket = it->second;
  Refill(bucket, now);
  // A hair of slack so that refills like 0.02 s * 50/s count as a token.
  if (bucket.tokens < 1.0 - 1e-9) return false;
  bucket.tokens = std::max(0.0, bucket.tokens - 1.0);
  return true;
}

double RateLimiter::Available(absl::string_view key, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end() || it->second.per_second <= 0) {
    return std::numeric_limits<double>::infinity();
  }
  Refill(it->second, now);
  return it->second.tokens;
}

}  // namespace datarun::policy
