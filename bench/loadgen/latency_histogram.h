// A log-linear latency histogram in the spirit of HdrHistogram: values (in
// nanoseconds) below 128 are counted exactly; above, each power-of-two range
// is split into 64 equal buckets, so a reported value is at most 1/64
// (~1.6%) above the recorded one. Recording is one relaxed atomic increment.
//
// Thread-safety: Record and the readers may be called from any thread at
// once; readers see a consistent-enough snapshot for reporting (counts that
// race with Record may be off by the in-flight records).
#ifndef DATARUN_BENCH_LOADGEN_LATENCY_HISTOGRAM_H_
#define DATARUN_BENCH_LOADGEN_LATENCY_HISTOGRAM_H_

#include <array>
#include <atomic>
#include <cstdint>

namespace datarun::bench {

class LatencyHistogram {
 public:
  // Number of buckets: 128 exact ones, then 64 per power of two up to 2^63.
  static constexpr int kBuckets = 128 + (63 - 7 + 1) * 64;

  LatencyHistogram();
  LatencyHistogram(const LatencyHistogram&) = delete;
  LatencyHistogram& operator=(const LatencyHistogram&) = delete;

  // Counts one value (nanoseconds; negative values count as 0).
  void Record(int64_t nanos);

  // Adds every count of `other` to this histogram.
  void Merge(const LatencyHistogram& other);

  // Number of recorded values.
  uint64_t count() const;
  // Smallest and largest recorded values (0 when empty), exact.
  int64_t min() const;
  int64_t max() const;
  // Mean of the bucket values (0 when empty).
  double mean() const;

  // Returns the value at `percentile` (0..100): the highest value of the
  // bucket holding the ceil(percentile/100 * count)-th smallest value,
  // clamped to [min(), max()]. 0 when empty.
  int64_t Percentile(double percentile) const;

  // Bucket math, exposed for tests.
  static int BucketOf(int64_t nanos);
  // Highest value that falls into `bucket`.
  static int64_t BucketHigh(int bucket);
  // Lowest value that falls into `bucket`.
  static int64_t BucketLow(int bucket);

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_;
  std::atomic<uint64_t> total_{0};
  std::atomic<int64_t> min_;
  std::atomic<int64_t> max_{0};
};

}  // namespace datarun::bench

#endif  // DATARUN_BENCH_LOADGEN_LATENCY_HISTOGRAM_H_
