#include "adapters/legacy_store/legacy_format.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace datarun {
namespace legacy {
namespace {

TEST(LegacyFormatTest, FormatDecimal) {
  EXPECT_EQ(FormatDecimal(8950, 2, 2), "89.50");
  EXPECT_EQ(FormatDecimal(5, 2, 2), "0.05");
  EXPECT_EQ(FormatDecimal(-5, 2, 2), "-0.05");
  EXPECT_EQ(FormatDecimal(0, 2, 2), "0.00");
  EXPECT_EQ(FormatDecimal(150, 4, 2), "0.015");
  EXPECT_EQ(FormatDecimal(100, 4, 2), "0.01");
  EXPECT_EQ(FormatDecimal(12, 0, 0), "12");
  EXPECT_EQ(FormatDecimal(1200, 2, 0), "12");
  EXPECT_EQ(FormatHundredths(125000000), "1250000.00");
  EXPECT_EQ(FormatDecimal(std::numeric_limits<int64_t>::min(), 2, 2),
            "-92233720368547758.08");
}

TEST(LegacyFormatTest, IsDecimalText) {
  EXPECT_TRUE(IsDecimalText("89.50"));
  EXPECT_TRUE(IsDecimalText("-3"));
  EXPECT_FALSE(IsDecimalText("89."));
  EXPECT_FALSE(IsDecimalText(".5"));
  EXPECT_FALSE(IsDecimalText("1e3"));
  EXPECT_FALSE(IsDecimalText(""));
}

TEST(LegacyFormatTest, PercentToFraction) {
  EXPECT_EQ(*PercentToFraction("50%"), "0.50");
  EXPECT_EQ(*PercentToFraction("100%"), "1.00");
  EXPECT_EQ(*PercentToFraction("33.33%"), "0.3333");
  EXPECT_EQ(*PercentToFraction("7%"), "0.07");
  EXPECT_EQ(PercentToFraction("50").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PercentToFraction("1/2").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PercentToFraction("%").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LegacyFormatTest, NormalizeDate) {
  EXPECT_EQ(*NormalizeDate("20240229"), "2024-02-29");
  EXPECT_EQ(*NormalizeDate("2024-02-29"), "2024-02-29");
  EXPECT_EQ(*NormalizeDate("2024/02/29"), "2024-02-29");
  EXPECT_EQ(*NormalizeDate("2019-04-02 10:31:00"), "2019-04-02");
  EXPECT_EQ(*NormalizeDate("20190402 103100"), "2019-04-02");
  auto bad = NormalizeDate("20230230");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("20230230"), absl::string_view::npos);
  EXPECT_FALSE(NormalizeDate("2023-2-3").ok());
  EXPECT_FALSE(NormalizeDate("").ok());
  EXPECT_FALSE(NormalizeDate("2023-02/03").ok());
}

TEST(LegacyFormatTest, LegacyResidentIdForm) {
  // The example numbers of GB 11643-1999.
  EXPECT_EQ(LegacyResidentIdForm("11010519491231002X"), "110105491231002");
  EXPECT_EQ(LegacyResidentIdForm("11010519491231002x"), "110105491231002");
  // Born 1880 or 2000: no 15-digit number existed.
  EXPECT_EQ(LegacyResidentIdForm("440524188001010014"), "");
  EXPECT_EQ(LegacyResidentIdForm("110105200001010015"), "");
  // Credit codes, legacy numbers and other lengths have none.
  EXPECT_EQ(LegacyResidentIdForm("91350100M000100Y43"), "");
  EXPECT_EQ(LegacyResidentIdForm("110105491231002"), "");
  EXPECT_EQ(LegacyResidentIdForm(""), "");
}

}  // namespace
}  // namespace legacy
}  // namespace datarun
