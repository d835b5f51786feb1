#include "exchange/policy/rate_limiter.h"

#include <cmath>

#include "gtest/gtest.h"

namespace datarun::policy {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

TEST(RateLimiterTest, BurstThenRefillAtRate) {
  RateLimiter limiter;
  limiter.SetLimit("g", 50, 3);
  absl::Time now = kStart;
  EXPECT_TRUE(limiter.TryAcquire("g", now));
  EXPECT_TRUE(limiter.TryAcquire("g", now));
  EXPECT_TRUE(limiter.TryAcquire("g", now));
  EXPECT_FALSE(limiter.TryAcquire("g", now));
  now += absl::Milliseconds(19);
  EXPECT_FALSE(limiter.TryAcquire("g", now));
  now += absl::Milliseconds(1);  // 20 ms at 50/s is one token.
  EXPECT_TRUE(limiter.TryAcquire("g", now));
  EXPECT_FALSE(limiter.TryAcquire("g", now));
  now += absl::Seconds(10);  // Refill is capped at the burst.
  EXPECT_DOUBLE_EQ(limiter.Available("g", now), 3.0);
}

TEST(RateLimiterTest, DefaultBurstIsRateAtLeastOne) {
  RateLimiter limiter;
  limiter.SetLimit("ten", 10, 0);
  limiter.SetLimit("slow", 0.2, 0);
  EXPECT_DOUBLE_EQ(limiter.Available("ten", kStart), 10.0);
  EXPECT_DOUBLE_EQ(limiter.Available("slow", kStart), 1.0);
  EXPECT_TRUE(limiter.TryAcquire("slow", kStart));
  EXPECT_FALSE(limiter.TryAcquire("slow", kStart + absl::Seconds(4)));
  EXPECT_TRUE(limiter.TryAcquire("slow", kStart + absl::Seconds(5)));
}

TEST(RateLimiterTest, UnlimitedAndUnknownKeysAlwaysPass) {
  RateLimiter limiter;
  limiter.SetLimit("free", 0, 0);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.TryAcquire("free", kStart));
    ASSERT_TRUE(limiter.TryAcquire("unknown", kStart));
  }
  EXPECT_TRUE(std::isinf(limiter.Available("free", kStart)));
}

TEST(RateLimiterTest, BucketsAreIndependent) {
  RateLimiter limiter;
  limiter.SetLimit("a", 1, 1);
  limiter.SetLimit("b", 1, 1);
  EXPECT_TRUE(limiter.TryAcquire("a", kStart));
  EXPECT_FALSE(limiter.TryAcquire("a", kStart));
  EXPECT_TRUE(limiter.TryAcquire("b", kStart));
}

TEST(RateLimiterTest, TimeGoingBackwardsRefillsNothing) {
  RateLimiter limiter;
  limiter.SetLimit("g", 1, 1);
  EXPECT_TRUE(limiter.TryAcquire("g", kStart));
  EXPECT_FALSE(limiter.TryAcquire("g", kStart - absl::Seconds(100)));
  EXPECT_FALSE(limiter.TryAcquire("g", kStart + absl::Milliseconds(999)));
  EXPECT_TRUE(limiter.TryAcquire("g", kStart + absl::Seconds(1)));
}

}  // namespace
}  // namespace datarun::policy
