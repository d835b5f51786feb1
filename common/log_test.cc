#include "common/log.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace {

TEST(AppendJsonStringTest, EscapesQuotesBackslashesAndControls) {
  std::string out;
  AppendJsonString("a\"b\\c\nd\x01", &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\u0001\"");
}

TEST(AppendJsonStringTest, PassesUtf8Through) {
  std::string out;
  AppendJsonString("税务局", &out);
  EXPECT_EQ(out, "\"税务局\"");
}

TEST(LogLineTest, TimestampIsUtcWithMilliseconds) {
  // Two lines, so that the second may reuse the first one's formatted second.
  testing::internal::CaptureStderr();
  { LogLine("first"); }
  { LogLine("second").Int("n", 2); }
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_THAT(
      out, testing::MatchesRegex(
               "\\{\"ts\":\"20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:"
               "[0-5][0-9]:[0-6][0-9]\\.[0-9][0-9][0-9]Z\",\"level\":\"info\""
               "[^\n]*\"event\":\"first\"\\}\n"
               "\\{\"ts\":\"20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:"
               "[0-5][0-9]:[0-6][0-9]\\.[0-9][0-9][0-9]Z\"[^\n]*"
               "\"event\":\"second\",\"n\":2\\}\n"));
}

}  // namespace
}  // namespace datarun
