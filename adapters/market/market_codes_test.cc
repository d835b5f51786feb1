#include "adapters/market/market_codes.h"

#include <set>
#include <string>

#include "adapters/market/licence_record.h"
#include "exchange/identity/credit_code.h"
#include "gtest/gtest.h"

namespace datarun {
namespace market {
namespace {

TEST(MarketCodesTest, AssignedBodiesAreDistinctAndNeverAllDigits) {
  EXPECT_EQ(AssignedOrganisationCodeBody(1), "MAA00000");
  EXPECT_EQ(AssignedOrganisationCodeBody(32), "MAA00010");  // 31 = "10"
  EXPECT_EQ(AssignedOrganisationCodeBody(0), "");
  std::set<std::string> seen;
  for (int64_t n : {int64_t{1}, int64_t{2}, int64_t{31}, int64_t{961},
                    int64_t{28629151}, int64_t{28629152}, int64_t{99999999}}) {
    const std::string body = AssignedOrganisationCodeBody(n);
    ASSERT_EQ(body.size(), 8u) << n;
    EXPECT_EQ(body.substr(0, 2), "MA");
    EXPECT_TRUE(body[2] >= 'A' && body[2] <= 'Y') << body;
    EXPECT_TRUE(seen.insert(body).second) << body;
  }
  // 28629151 = 31^5: the letter moves on.
  EXPECT_EQ(AssignedOrganisationCodeBody(28629152).substr(0, 3), "MAB");
  std::set<std::string> first;
  for (int64_t n = 1; n <= 5000; ++n) {
    const std::string body = AssignedOrganisationCodeBody(n);
    EXPECT_TRUE(first.insert(body).second) << n;
    EXPECT_NE(body.find_first_not_of("0123456789", 2), std::string::npos);
  }
}

TEST(MarketCodesTest, CreditCodesValidateAsMarketRegistrations) {
  for (char type : {kEnterprise, kIndividualBusiness}) {
    for (int64_t n : {1, 2, 77, 123456}) {
      const std::string code =
          MarketCreditCode(type, "110105", AssignedOrganisationCodeBody(n));
      ASSERT_EQ(code.size(), 18u);
      auto info = identity::ParseCreditCode(code);
      ASSERT_TRUE(info.ok()) << code << ": " << info.status();
      EXPECT_EQ(info->registration_authority, '9');
      EXPECT_EQ(info->organisation_type, type);
      EXPECT_EQ(info->region_code, "110105");
      EXPECT_EQ(info->organisation_code,
                OrganisationCode(AssignedOrganisationCodeBody(n)));
    }
  }
  // The older "MA" + 6 digits bodies of companies the tax bureau knows.
  EXPECT_TRUE(identity::ParseCreditCode(
                  MarketCreditCode(kEnterprise, "110108", "MA010037"))
                  .ok());
  EXPECT_EQ(MarketCreditCode(kEnterprise, "1101", "MA010037"), "");
  EXPECT_EQ(MarketCreditCode(kEnterprise, "110108", "MA01003"), "");
  EXPECT_EQ(OrganisationCode("MAI00000"), "");  // I is not in the alphabet
}

TEST(MarketCodesTest, NumbersAndDates) {
  EXPECT_EQ(EntityId("110105", 42), "110105ZT0000000042");
  EXPECT_EQ(LicenceNo("110105", absl::CivilDay(2025, 3, 7), 12),
            "11010520250307000012");
  EXPECT_EQ(StoreDate(absl::CivilDay(2025, 3, 7)), "2025/03/07");
}

TEST(MarketCodesTest, RegisteredCapitalInWanYuan) {
  EXPECT_EQ(*WanYuanToYuan("50"), "500000.00");
  EXPECT_EQ(*WanYuanToYuan("12.5"), "125000.00");
  EXPECT_EQ(*WanYuanToYuan("0.0001"), "1.00");
  EXPECT_EQ(*WanYuanToYuan("3.000001"), "30000.01");
  for (const char* bad : {"", "abc", "1.2345678", "-5", ".5", "5.", "1e3"}) {
    EXPECT_FALSE(WanYuanToYuan(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace market
}  // namespace datarun
