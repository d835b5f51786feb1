#include "adapters/tax/deed_tax_rates.h"

#include "gtest/gtest.h"

namespace datarun {
namespace tax {
namespace {

constexpr absl::CivilDay kNew(2024, 12, 1);
constexpr absl::CivilDay kOld(2024, 11, 30);

int Rate(absl::CivilDay day, int owned, int64_t area,
         BuyerKind kind = BuyerKind::kIndividual) {
  return DeedTaxRateFor(day, kind, owned, area).rate;
}

TEST(DeedTaxRatesTest, FirstHomeAt140SquareMetres) {
  EXPECT_EQ(Rate(kNew, 0, 14000), 100);
  EXPECT_EQ(Rate(kNew, 0, 14001), 150);
  EXPECT_EQ(Rate(kNew, 1, 14000), 100);
  EXPECT_EQ(Rate(kNew, 1, 14001), 200);
}

TEST(DeedTaxRatesTest, The2016RulesBeforeDecember2024) {
  EXPECT_EQ(Rate(kOld, 0, 9000), 100);
  EXPECT_EQ(Rate(kOld, 0, 9001), 150);
  EXPECT_EQ(Rate(kOld, 0, 14000), 150);
  EXPECT_EQ(Rate(kNew, 0, 12000), 100);
  EXPECT_EQ(Rate(kOld, 1, 9000), 100);
  EXPECT_EQ(Rate(kOld, 1, 12000), 200);
  EXPECT_EQ(Rate(kNew, 1, 12000), 100);
}

TEST(DeedTaxRatesTest, ThirdHomeAndOrganisationsPayThreePercent) {
  EXPECT_EQ(Rate(kNew, 2, 5000), 300);
  EXPECT_EQ(Rate(kNew, 0, 5000, BuyerKind::kOrganisation), 300);
  EXPECT_EQ(Rate(kOld, 0, 5000, BuyerKind::kOrganisation), 300);
}

TEST(DeedTaxRatesTest, TaxIsRoundedHalfUpToTheFen) {
  EXPECT_EQ(DeedTaxFen(391390000, 100), 3913900);
  EXPECT_EQ(DeedTaxFen(150, 100), 2);  // 1.5 fen -> 2
  EXPECT_EQ(DeedTaxFen(149, 100), 1);
}

}  // namespace
}  // namespace tax
}  // namespace datarun
