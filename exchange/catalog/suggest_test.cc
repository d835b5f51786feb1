#include "exchange/catalog/suggest.h"

#include "gtest/gtest.h"

namespace datarun::catalog {
namespace {

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("abc", ""), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("land.parcel", "land.parcel"), 0);
}

TEST(SuggestTest, ClosestMatch) {
  const std::vector<std::string> ids = {"land.property_title", "land.parcel",
                                        "tax.payment_certificate"};
  EXPECT_EQ(ClosestMatch("land.parcl", ids), "land.parcel");
  EXPECT_EQ(ClosestMatch("land.property", ids), "land.property_title");
  EXPECT_EQ(ClosestMatch("tax.payment_certificates", ids),
            "tax.payment_certificate");
  EXPECT_EQ(ClosestMatch("registry.marriage", ids), "");
  EXPECT_EQ(ClosestMatch("land.parcel", ids), "") << "exact is no suggestion";
  EXPECT_EQ(ClosestMatch("x", {"tax"}), "");
  EXPECT_EQ(ClosestMatch("tx", {"tax", "land"}), "tax");
  EXPECT_EQ(ClosestMatch("anything", {}), "");
}

TEST(SuggestTest, DidYouMean) {
  EXPECT_EQ(DidYouMean("areaa", {"area", "owners"}), " (did you mean 'area'?)");
  EXPECT_EQ(DidYouMean("price", {"area", "owners"}), "");
}

}  // namespace
}  // namespace datarun::catalog
