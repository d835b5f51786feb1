#include "bench/loadgen/latency_histogram.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace datarun::bench {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.Percentile(99), 0);
  EXPECT_EQ(h.mean(), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 100);
  EXPECT_EQ(h.Percentile(50), 50);
  EXPECT_EQ(h.Percentile(90), 90);
  EXPECT_EQ(h.Percentile(99), 99);
  EXPECT_EQ(h.Percentile(100), 100);
  EXPECT_EQ(h.Percentile(0), 1);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogramTest, BucketsCoverEveryValueWithBoundedError) {
  for (int64_t v :
       {int64_t{127}, int64_t{128}, int64_t{129}, int64_t{255}, int64_t{256},
        int64_t{1000}, int64_t{123456}, int64_t{999999999}, int64_t{1} << 40,
        (int64_t{1} << 62) + 12345}) {
    const int bucket = LatencyHistogram::BucketOf(v);
    ASSERT_GE(bucket, 0);
    ASSERT_LT(bucket, LatencyHistogram::kBuckets);
    EXPECT_LE(LatencyHistogram::BucketLow(bucket), v) << v;
    EXPECT_GE(LatencyHistogram::BucketHigh(bucket), v) << v;
    // At most 1/64 relative width above the exact range.
    const double width =
        static_cast<double>(LatencyHistogram::BucketHigh(bucket) -
                            LatencyHistogram::BucketLow(bucket) + 1);
    EXPECT_LE(width / static_cast<double>(v), 1.0 / 64 + 1e-12) << v;
  }
}

TEST(LatencyHistogramTest, BucketsAreContiguousAndIncreasing) {
  for (int b = 1; b < 2000; ++b) {
    EXPECT_EQ(LatencyHistogram::BucketLow(b),
              LatencyHistogram::BucketHigh(b - 1) + 1)
        << b;
    EXPECT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketLow(b)), b);
  }
}

TEST(LatencyHistogramTest, PercentilesOfMicrosecondLatencies) {
  LatencyHistogram h;
  // 990 calls at 1 ms, 9 at 10 ms, 1 at 100 ms.
  for (int i = 0; i < 990; ++i) h.Record(1000000);
  for (int i = 0; i < 9; ++i) h.Record(10000000);
  h.Record(100000000);
  const auto within = [](int64_t got, int64_t want) {
    return got >= want && got <= want + want / 64;
  };
  EXPECT_TRUE(within(h.Percentile(50), 1000000)) << h.Percentile(50);
  EXPECT_TRUE(within(h.Percentile(99), 1000000)) << h.Percentile(99);
  EXPECT_TRUE(within(h.Percentile(99.9), 10000000)) << h.Percentile(99.9);
  EXPECT_EQ(h.Percentile(100), 100000000);  // clamped to the exact max
  EXPECT_EQ(h.min(), 1000000);
}

TEST(LatencyHistogramTest, NegativeCountsAsZeroAndMergeAdds) {
  LatencyHistogram a;
  LatencyHistogram b;
  a.Record(-5);
  b.Record(500);
  b.Record(700);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.min(), 0);
  EXPECT_EQ(a.max(), 700);
}

}  // namespace
}  // namespace datarun::bench
