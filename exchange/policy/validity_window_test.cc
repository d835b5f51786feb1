#include "exchange/policy/validity_window.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::policy {
namespace {

const absl::TimeZone kChina = absl::FixedTimeZone(8 * 3600);

absl::Time At(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), kChina);
}

TEST(ValidityWindowTest, UnboundedByDefault) {
  auto window = ValidityWindow::Parse("", "", kChina);
  ASSERT_TRUE(window.ok());
  EXPECT_TRUE(window->Contains(absl::UnixEpoch()));
  EXPECT_TRUE(window->Contains(At(2999, 1, 1)));
}

TEST(ValidityWindowTest, DatesAreWholeDaysInTheZone) {
  auto window = ValidityWindow::Parse("2025-01-01", "2025-12-31", kChina);
  ASSERT_TRUE(window.ok()) << window.status();
  EXPECT_FALSE(window->Contains(At(2025, 1, 1) - absl::Nanoseconds(1)));
  EXPECT_TRUE(window->NotYet(At(2024, 12, 31, 23, 59, 59)));
  EXPECT_TRUE(window->Contains(At(2025, 1, 1)));
  EXPECT_TRUE(window->Contains(At(2025, 12, 31, 23, 59, 59)));
  EXPECT_FALSE(window->Contains(At(2026, 1, 1)));
  EXPECT_FALSE(window->NotYet(At(2026, 1, 1)));
  // The same date in UTC starts eight hours later.
  auto utc = ValidityWindow::Parse("2025-01-01", "", absl::UTCTimeZone());
  ASSERT_TRUE(utc.ok());
  EXPECT_FALSE(utc->Contains(At(2025, 1, 1, 7, 59, 59)));
  EXPECT_TRUE(utc->Contains(At(2025, 1, 1, 8)));
}

TEST(ValidityWindowTest, Rfc3339BoundsAreInclusiveInstants) {
  auto window = ValidityWindow::Parse("2025-01-01T09:00:00+08:00",
                                      "2025-01-01T17:30:00Z", kChina);
  ASSERT_TRUE(window.ok()) << window.status();
  EXPECT_FALSE(window->Contains(At(2025, 1, 1, 8, 59, 59)));
  EXPECT_TRUE(window->Contains(At(2025, 1, 1, 9)));
  EXPECT_TRUE(window->Contains(At(2025, 1, 2, 1, 30)));  // 17:30Z
  EXPECT_FALSE(window->Contains(At(2025, 1, 2, 1, 30, 1)));
}

TEST(ValidityWindowTest, SingleDayWindowIsValid) {
  auto window = ValidityWindow::Parse("2025-03-01", "2025-03-01", kChina);
  ASSERT_TRUE(window.ok());
  EXPECT_TRUE(window->Contains(At(2025, 3, 1, 12)));
}

TEST(ValidityWindowTest, Errors) {
  using ::testing::HasSubstr;
  auto bad_day = ValidityWindow::Parse("2025-02-29", "", kChina);
  EXPECT_EQ(bad_day.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_day.status().message()),
              HasSubstr("not_before: '2025-02-29' is not a real date"));
  auto no_offset = ValidityWindow::Parse("", "2025-01-01T00:00:00", kChina);
  EXPECT_THAT(std::string(no_offset.status().message()),
              HasSubstr("not_after: '2025-01-01T00:00:00' is neither"));
  auto garbage = ValidityWindow::Parse("soon", "", kChina);
  EXPECT_THAT(std::string(garbage.status().message()),
              HasSubstr("not_before: 'soon' is neither"));
  auto reversed = ValidityWindow::Parse("2025-01-02", "2025-01-01", kChina);
  EXPECT_EQ(std::string(reversed.status().message()),
            "not_after '2025-01-01' is before not_before '2025-01-02': the "
            "grant could never apply");
}

}  // namespace
}  // namespace datarun::policy
