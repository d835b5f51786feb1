#include "gateway/citizen_codes.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

constexpr char kSubject[] = "110101199003071233";

class CitizenCodesTest : public ::testing::Test {
 protected:
  CitizenCodes::Options Options() {
    CitizenCodes::Options options;
    options.clock = [this]() { return now_; };
    return options;
  }
  absl::Time now_ = absl::FromUnixSeconds(1800000000);
};

// A code that is surely not `code`.
std::string Other(const std::string& code) {
  std::string other = code;
  other[0] = other[0] == '9' ? '0' : static_cast<char>(other[0] + 1);
  return other;
}

TEST_F(CitizenCodesTest, SixDigitsRedeemedOnce) {
  CitizenCodes codes(Options());
  absl::StatusOr<std::string> code = codes.Issue(kSubject);
  ASSERT_TRUE(code.ok());
  EXPECT_THAT(*code, ::testing::MatchesRegex("[0-9]{6}"));
  EXPECT_EQ(codes.Redeem("110101199003071241", *code).code(),
            absl::StatusCode::kUnauthenticated);  // another subject
  EXPECT_TRUE(codes.Redeem(kSubject, *code).ok());
  EXPECT_EQ(codes.Redeem(kSubject, *code).code(),
            absl::StatusCode::kUnauthenticated);  // used up
}

TEST_F(CitizenCodesTest, ExpiresAfterFiveMinutes) {
  CitizenCodes codes(Options());
  absl::StatusOr<std::string> code = codes.Issue(kSubject);
  ASSERT_TRUE(code.ok());
  now_ += absl::Minutes(5);
  absl::Status status = codes.Redeem(kSubject, *code);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(status.message(), "wrong or expired code");

  code = codes.Issue(kSubject);
  now_ += absl::Minutes(4);
  EXPECT_TRUE(codes.Redeem(kSubject, *code).ok());
}

TEST_F(CitizenCodesTest, FiveWrongTriesBurnTheCode) {
  CitizenCodes codes(Options());
  absl::StatusOr<std::string> code = codes.Issue(kSubject);
  ASSERT_TRUE(code.ok());
  for (int i = 0; i < 4; ++i) {
    EXPECT_FALSE(codes.Redeem(kSubject, Other(*code)).ok());
  }
  // The fourth wrong try left one: the right code still works.
  EXPECT_TRUE(codes.Redeem(kSubject, *code).ok());

  code = codes.Issue(kSubject);
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(codes.Redeem(kSubject, Other(*code)).ok());
  }
  EXPECT_EQ(codes.Redeem(kSubject, *code).code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(CitizenCodesTest, IssuingAgainReplacesTheCode) {
  CitizenCodes codes(Options());
  std::string first = *codes.Issue(kSubject);
  std::string second = *codes.Issue(kSubject);
  if (first != second) {
    EXPECT_FALSE(codes.Redeem(kSubject, first).ok());
  }
  EXPECT_TRUE(codes.Redeem(kSubject, second).ok());
}

TEST_F(CitizenCodesTest, AtMostFiveCodesPerSubjectInFifteenMinutes) {
  CitizenCodes codes(Options());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(codes.Issue(kSubject).ok()) << i;
    now_ += absl::Minutes(1);
  }
  absl::StatusOr<std::string> refused = codes.Issue(kSubject);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(codes.Issue("110101199003071241").ok());  // someone else
  now_ += absl::Minutes(11);
  EXPECT_TRUE(codes.Issue(kSubject).ok());
}

TEST_F(CitizenCodesTest, TooManyPendingCodesAreRefused) {
  CitizenCodes::Options options = Options();
  options.max_codes = 2;
  CitizenCodes codes(options);
  ASSERT_TRUE(codes.Issue("a").ok());
  ASSERT_TRUE(codes.Issue("b").ok());
  EXPECT_EQ(codes.Issue("c").status().code(),
            absl::StatusCode::kResourceExhausted);
  now_ += absl::Minutes(6);  // the first two expired
  EXPECT_TRUE(codes.Issue("c").ok());
}

}  // namespace
}  // namespace datarun::gateway
