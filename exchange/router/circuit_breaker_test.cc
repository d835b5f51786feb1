#include "exchange/router/circuit_breaker.h"

#include "gtest/gtest.h"

namespace datarun::router {
namespace {

using Outcome = CircuitBreaker::Outcome;
using Transition = CircuitBreaker::Transition;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreaker::Options MakeOptions(int threshold) {
    CircuitBreaker::Options options;
    options.failure_threshold = threshold;
    options.open_duration = absl::Seconds(1);
    options.clock = [this] { return now_; };
    return options;
  }

  // Admits one call and records `outcome` for it.
  Transition Call(CircuitBreaker& breaker, Outcome outcome) {
    CircuitBreaker::Admission admission = breaker.Admit();
    EXPECT_TRUE(admission.allowed);
    return breaker.Record(outcome, admission.probe);
  }

  absl::Time now_ = absl::FromUnixSeconds(1'800'000'000);
};

TEST_F(CircuitBreakerTest, OpensAfterThresholdConsecutiveFailures) {
  CircuitBreaker breaker(MakeOptions(3));
  EXPECT_EQ(Call(breaker, Outcome::kFailure), Transition::kNone);
  EXPECT_EQ(Call(breaker, Outcome::kFailure), Transition::kNone);
  EXPECT_EQ(breaker.snapshot().state, CircuitState::kClosed);
  EXPECT_EQ(breaker.snapshot().consecutive_failures, 2);
  EXPECT_EQ(Call(breaker, Outcome::kFailure), Transition::kOpened);
  EXPECT_EQ(breaker.snapshot().state, CircuitState::kOpen);
  EXPECT_EQ(breaker.snapshot().times_opened, 1u);

  CircuitBreaker::Admission refused = breaker.Admit();
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_in, absl::Seconds(1));
}

TEST_F(CircuitBreakerTest, SuccessResetsTheCount) {
  CircuitBreaker breaker(MakeOptions(3));
  Call(breaker, Outcome::kFailure);
  Call(breaker, Outcome::kFailure);
  Call(breaker, Outcome::kSuccess);
  Call(breaker, Outcome::kFailure);
  Call(breaker, Outcome::kFailure);
  EXPECT_EQ(breaker.snapshot().state, CircuitState::kClosed);
  EXPECT_EQ(breaker.snapshot().consecutive_failures, 2);
}

TEST_F(CircuitBreakerTest, NeutralOutcomesNeitherCountNorReset) {
  CircuitBreaker breaker(MakeOptions(2));
  Call(breaker, Outcome::kFailure);
  Call(breaker, Outcome::kNeutral);
  EXPECT_EQ(breaker.snapshot().consecutive_failures, 1);
  EXPECT_EQ(Call(breaker, Outcome::kFailure), Transition::kOpened);
}

TEST_F(CircuitBreakerTest, LetsOneProbeThroughAfterTheOpenPeriod) {
  CircuitBreaker breaker(MakeOptions(1));
  Call(breaker, Outcome::kFailure);
  now_ += absl::Milliseconds(999);
  EXPECT_FALSE(breaker.Admit().allowed);
  now_ += absl::Milliseconds(1);
  EXPECT_EQ(breaker.snapshot().state, CircuitState::kHalfOpen);

  CircuitBreaker::Admission probe = breaker.Admit();
  EXPECT_TRUE(probe.allowed);
  EXPECT_TRUE(probe.probe);
  // While the probe is in flight everybody else still fails fast.
  CircuitBreaker::Admission other = breaker.Admit();
  EXPECT_FALSE(other.allowed);
  EXPECT_EQ(other.retry_in, absl::ZeroDuration());

  EXPECT_EQ(breaker.Record(Outcome::kSuccess, /*probe=*/true),
            Transition::kClosed);
  EXPECT_EQ(breaker.snapshot().state, CircuitState::kClosed);
  EXPECT_EQ(breaker.snapshot().consecutive_failures, 0);
  EXPECT_TRUE(breaker.Admit().allowed);
}

TEST_F(CircuitBreakerTest, FailedProbeReopens) {
  CircuitBreaker breaker(MakeOptions(1));
  Call(breaker, Outcome::kFailure);
  now_ += absl::Seconds(1);
  CircuitBreaker::Admission probe = breaker.Admit();
  ASSERT_TRUE(probe.probe);
  EXPECT_EQ(breaker.Record(Outcome::kFailure, true), Transition::kOpened);
  EXPECT_EQ(breaker.snapshot().state, CircuitState::kOpen);
  EXPECT_EQ(breaker.snapshot().times_opened, 2u);
  EXPECT_FALSE(breaker.Admit().allowed);
}

TEST_F(CircuitBreakerTest, NeutralProbeLetsTheNextCallProbe) {
  CircuitBreaker breaker(MakeOptions(1));
  Call(breaker, Outcome::kFailure);
  now_ += absl::Seconds(1);
  CircuitBreaker::Admission probe = breaker.Admit();
  ASSERT_TRUE(probe.probe);
  EXPECT_EQ(breaker.Record(Outcome::kNeutral, true), Transition::kNone);
  CircuitBreaker::Admission next = breaker.Admit();
  EXPECT_TRUE(next.allowed);
  EXPECT_TRUE(next.probe);
}

TEST_F(CircuitBreakerTest, LateResultsOfOldCallsDoNotCloseAnOpenBreaker) {
  CircuitBreaker breaker(MakeOptions(1));
  CircuitBreaker::Admission slow = breaker.Admit();  // still in flight
  Call(breaker, Outcome::kFailure);                  // opens
  EXPECT_EQ(breaker.Record(Outcome::kSuccess, slow.probe), Transition::kNone);
  EXPECT_EQ(breaker.snapshot().state, CircuitState::kOpen);
}

TEST(CircuitStateNameTest, NamesEveryState) {
  EXPECT_EQ(CircuitStateName(CircuitState::kClosed), "closed");
  EXPECT_EQ(CircuitStateName(CircuitState::kOpen), "open");
  EXPECT_EQ(CircuitStateName(CircuitState::kHalfOpen), "half_open");
}

}  // namespace
}  // namespace datarun::router
