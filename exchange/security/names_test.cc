#include "exchange/security/names.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace security {
namespace {

using ::testing::HasSubstr;

TEST(NamesTest, Builders) {
  EXPECT_EQ(ExchangeSpiffeId("datarun.local"),
            "spiffe://datarun.local/exchange");
  EXPECT_EQ(DepartmentSpiffeId("datarun.local", "tax"),
            "spiffe://datarun.local/dept/tax");
  EXPECT_EQ(ExchangeServerName("datarun.local"), "exchange.datarun.local");
  EXPECT_EQ(DepartmentServerName("datarun.local", "tax"),
            "tax.dept.datarun.local");
}

TEST(NamesTest, TrustDomainValidation) {
  EXPECT_TRUE(ValidateTrustDomain("datarun.local").ok());
  EXPECT_TRUE(ValidateTrustDomain("gov-1.example").ok());
  EXPECT_THAT(ValidateTrustDomain("Datarun.local").message(),
              HasSubstr("trust domain 'Datarun.local'"));
  EXPECT_FALSE(ValidateTrustDomain("").ok());
  EXPECT_FALSE(ValidateTrustDomain("a..b").ok());
  EXPECT_FALSE(ValidateTrustDomain("a/b").ok());
}

TEST(NamesTest, DepartmentValidation) {
  EXPECT_TRUE(ValidateDepartmentId("tax").ok());
  EXPECT_TRUE(ValidateDepartmentId("land-2").ok());
  EXPECT_THAT(ValidateDepartmentId("../x").message(),
              HasSubstr("department id '../x'"));
  EXPECT_FALSE(ValidateDepartmentId("").ok());
  EXPECT_FALSE(ValidateDepartmentId("Tax").ok());
  EXPECT_FALSE(ValidateDepartmentId("2tax").ok());
  EXPECT_FALSE(ValidateDepartmentId("tax-").ok());
  EXPECT_FALSE(ValidateDepartmentId("tax_office").ok());
  EXPECT_FALSE(ValidateDepartmentId(std::string(64, 'a')).ok());
}

TEST(NamesTest, ParseSpiffeId) {
  auto id = ParseSpiffeId("spiffe://datarun.local/dept/tax");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->trust_domain, "datarun.local");
  EXPECT_EQ(id->path, "/dept/tax");
  auto bare = ParseSpiffeId("spiffe://datarun.local");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->path, "");
  for (const char* bad :
       {"https://datarun.local/x", "spiffe://", "spiffe://Datarun/x",
        "spiffe://datarun.local/", "spiffe://datarun.local//x",
        "spiffe://datarun.local/dept/../x", "spiffe://datarun.local:443/x",
        "spiffe://u@datarun.local/x", "spiffe://datarun.local/x?y",
        "spiffe://datarun.local/x#y", "spiffe://datarun.local/a b"}) {
    auto parsed = ParseSpiffeId(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(parsed.status().message(), HasSubstr("is not a SPIFFE id"));
  }
}

}  // namespace
}  // namespace security
}  // namespace datarun
