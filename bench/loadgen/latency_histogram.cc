#include "bench/loadgen/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace datarun::bench {
namespace {

constexpr int kExactBits = 7;      // values < 128 have their own bucket
constexpr int kSubBucketBits = 6;  // 64 buckets per power of two above

int HighestBit(uint64_t value) { return 63 - __builtin_clzll(value); }

}  // namespace

LatencyHistogram::LatencyHistogram()
    : min_(std::numeric_limits<int64_t>::max()) {
  for (auto& count : counts_) count.store(0, std::memory_order_relaxed);
}

int LatencyHistogram::BucketOf(int64_t nanos) {
  if (nanos < (int64_t{1} << kExactBits)) {
    return nanos < 0 ? 0 : static_cast<int>(nanos);
  }
  const uint64_t value = static_cast<uint64_t>(nanos);
  const int exponent = HighestBit(value);  // >= kExactBits
  const int shift = exponent - kSubBucketBits;
  const int mantissa = static_cast<int>(value >> shift);  // [64, 127]
  return (1 << kExactBits) + (exponent - kExactBits) * (1 << kSubBucketBits) +
         (mantissa - (1 << kSubBucketBits));
}

int64_t LatencyHistogram::BucketLow(int bucket) {
  if (bucket < (1 << kExactBits)) return bucket;
  const int offset = bucket - (1 << kExactBits);
  const int exponent = kExactBits + offset / (1 << kSubBucketBits);
  const int mantissa = (1 << kSubBucketBits) + offset % (1 << kSubBucketBits);
  return static_cast<int64_t>(static_cast<uint64_t>(mantissa)
                              << (exponent - kSubBucketBits));
}

int64_t LatencyHistogram::BucketHigh(int bucket) {
  if (bucket < (1 << kExactBits)) return bucket;
  if (bucket + 1 >= kBuckets) return std::numeric_limits<int64_t>::max();
  return BucketLow(bucket + 1) - 1;
}

void LatencyHistogram::Record(int64_t nanos) {
  if (nanos < 0) nanos = 0;
  counts_[BucketOf(nanos)].fetch_add(1, std::memory_order_relaxed);
  total_.fetch_add(1, std::memory_order_relaxed);
  int64_t seen = min_.load(std::memory_order_relaxed);
  while (nanos < seen &&
         !min_.compare_exchange_weak(seen, nanos, std::memory_order_relaxed)) {
  }
  seen = max_.load(std::memory_order_relaxed);
  while (nanos > seen &&
         !max_.compare_exchange_weak(seen, nanos, std::memory_order_relaxed)) {
  }
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  const uint64_t other_count = other.count();
  if (other_count == 0) return;
  for (int i = 0; i < kBuckets; ++i) {
    const uint64_t n = other.counts_[i].load(std::memory_order_relaxed);
    if (n != 0) counts_[i].fetch_add(n, std::memory_order_relaxed);
  }
  total_.fetch_add(other_count, std::memory_order_relaxed);
  int64_t seen = min_.load();
  while (other.min() < seen && !min_.compare_exchange_weak(seen, other.min())) {
  }
  seen = max_.load();
  while (other.max() > seen && !max_.compare_exchange_weak(seen, other.max())) {
  }
}

uint64_t LatencyHistogram::count() const {
  return total_.load(std::memory_order_relaxed);
}

int64_t LatencyHistogram::min() const {
  return count() == 0 ? 0 : min_.load(std::memory_order_relaxed);
}

int64_t LatencyHistogram::max() const {
  return max_.load(std::memory_order_relaxed);
}

double LatencyHistogram::mean() const {
  double sum = 0;
  uint64_t n = 0;
  for (int i = 0; i < kBuckets; ++i) {
    const uint64_t c = counts_[i].load(std::memory_order_relaxed);
    if (c == 0) continue;
    // The middle of the bucket, as HdrHistogram does.
    const double mid = (static_cast<double>(BucketLow(i)) +
                        static_cast<double>(BucketHigh(i))) /
                       2;
    sum += mid * static_cast<double>(c);
    n += c;
  }
  return n == 0 ? 0 : sum / static_cast<double>(n);
}

int64_t LatencyHistogram::Percentile(double percentile) const {
  uint64_t total = 0;
  for (int i = 0; i < kBuckets; ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
  }
  if (total == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  uint64_t rank = static_cast<uint64_t>(
      std::ceil(percentile / 100.0 * static_cast<double>(total) - 1e-9));
  // (the epsilon keeps 99.9% of 1000 at rank 999 despite rounding)
  rank = std::clamp<uint64_t>(rank, 1, total);
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i].load(std::memory_order_relaxed);
    if (seen >= rank) {
      return std::clamp(BucketHigh(i), min(), max());
    }
  }
  return max();
}

}  // namespace datarun::bench
