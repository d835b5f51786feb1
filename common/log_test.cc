#include "common/log.h"

#include <string>

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

}  // namespace
}  // namespace datarun
