#include "exchange/catalog/value_format.h"

#include "gtest/gtest.h"

namespace datarun::catalog {
namespace {

TEST(ValueFormatTest, Dates) {
  EXPECT_TRUE(IsValidDate("1985-06-01"));
  EXPECT_TRUE(IsValidDate("2024-02-29"));
  EXPECT_TRUE(IsValidDate("2000-02-29"));
  EXPECT_TRUE(IsValidDate("2023-12-31"));
  EXPECT_FALSE(IsValidDate("1900-02-29"));
  EXPECT_FALSE(IsValidDate("2023-02-29"));
  EXPECT_FALSE(IsValidDate("2023-04-31"));
  EXPECT_FALSE(IsValidDate("2023-13-01"));
  EXPECT_FALSE(IsValidDate("2023-00-10"));
  EXPECT_FALSE(IsValidDate("2023-01-00"));
  EXPECT_FALSE(IsValidDate("0000-01-01"));
  EXPECT_FALSE(IsValidDate("2023-1-01"));
  EXPECT_FALSE(IsValidDate("2023/01/01"));
  EXPECT_FALSE(IsValidDate("2023-01-01T00:00:00Z"));
  EXPECT_FALSE(IsValidDate("20x3-01-01"));
  EXPECT_FALSE(IsValidDate(""));
}

TEST(ValueFormatTest, Decimals) {
  EXPECT_TRUE(IsValidDecimal("0"));
  EXPECT_TRUE(IsValidDecimal("-3"));
  EXPECT_TRUE(IsValidDecimal("89.50"));
  EXPECT_TRUE(IsValidDecimal("1250000.00"));
  EXPECT_TRUE(IsValidDecimal("-0.001"));
  EXPECT_FALSE(IsValidDecimal(""));
  EXPECT_FALSE(IsValidDecimal("-"));
  EXPECT_FALSE(IsValidDecimal("1."));
  EXPECT_FALSE(IsValidDecimal(".5"));
  EXPECT_FALSE(IsValidDecimal("+1"));
  EXPECT_FALSE(IsValidDecimal("1e5"));
  EXPECT_FALSE(IsValidDecimal("1,000"));
  EXPECT_FALSE(IsValidDecimal(" 1"));
  EXPECT_FALSE(IsValidDecimal("1.2.3"));
}

TEST(ValueFormatTest, Names) {
  EXPECT_TRUE(IsSnakeCase("certificate_no"));
  EXPECT_TRUE(IsSnakeCase("a1_b2"));
  EXPECT_FALSE(IsSnakeCase("Certificate"));
  EXPECT_FALSE(IsSnakeCase("_a"));
  EXPECT_FALSE(IsSnakeCase("a_"));
  EXPECT_FALSE(IsSnakeCase("a__b"));
  EXPECT_FALSE(IsSnakeCase("1a"));
  EXPECT_FALSE(IsSnakeCase("a-b"));
  EXPECT_FALSE(IsSnakeCase(""));
  EXPECT_TRUE(IsDepartmentId("servicehall"));
  EXPECT_TRUE(IsDepartmentId("tax2"));
  EXPECT_FALSE(IsDepartmentId("Tax"));
  EXPECT_FALSE(IsDepartmentId("2tax"));
  EXPECT_FALSE(IsDepartmentId("tax.x"));
  EXPECT_FALSE(IsDepartmentId(""));
  EXPECT_FALSE(IsDepartmentId("service_hall"));
}

}  // namespace
}  // namespace datarun::catalog
