// The local development stack's catalog and policy files must load, and the
// policy must allow and refuse exactly what the demo (deploy/local/demo.sh)
// expects. Paths are relative to the repository root (the tests' working
// directory).
#include <memory>
#include <string>
#include <vector>

#include "exchange/catalog/catalog.h"
#include "exchange/policy/policy_engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::policy {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kCatalogPath[] = "deploy/local/catalog.textproto";
constexpr char kPolicyPath[] = "deploy/local/policy.textproto";

TEST(LocalConfigTest, CatalogAndPolicyValidate) {
  auto catalog = catalog::Catalog::LoadFile(kCatalogPath);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  auto policy = PolicyEngine::LoadFile(kPolicyPath, **catalog);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_GT((*policy)->proto().grants_size(), 0);
  for (const v1::Grant& grant : (*policy)->proto().grants()) {
    EXPECT_FALSE(grant.legal_basis().empty()) << grant.id();
    EXPECT_GT(grant.rate_limit().per_second(), 0) << grant.id();
  }
}

class LocalDemoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = catalog::Catalog::LoadFile(kCatalogPath);
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = std::move(*catalog);
    auto policy = PolicyEngine::LoadFile(kPolicyPath, *catalog_);
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy_ = std::move(*policy);
  }

  absl::StatusOr<Decision> Decide(const std::string& consumer,
                                  const std::string& dataset,
                                  std::vector<std::string> fields,
                                  const std::string& purpose) {
    QueryIntent intent;
    intent.consumer = consumer;
    intent.dataset = dataset;
    intent.fields = std::move(fields);
    intent.purpose = purpose;
    intent.now =
        absl::FromCivil(absl::CivilDay(2026, 3, 2), absl::UTCTimeZone());
    return policy_->Decide(intent);
  }

  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<PolicyEngine> policy_;
};

TEST_F(LocalDemoTest, HousingReadsTheSellersTitleButNotTheMortgagee) {
  auto title = Decide("housing", "land.property_title",
                      {"certificate_no", "property_unit_no", "location", "area",
                       "owners", "co_ownership", "mortgaged", "seized"},
                      "property_transfer.contract_filing");
  ASSERT_TRUE(title.ok()) << title.status();
  EXPECT_THAT(title->masked_fields, IsEmpty());
  auto all = Decide("housing", "land.property_title", {},
                    "property_transfer.contract_filing");
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(all->clear_fields, Not(Contains("mortgage_holder")));
  EXPECT_THAT(all->clear_fields, Not(Contains("seizure_authority")));
  auto mortgagee = Decide("housing", "land.property_title",
                          {"certificate_no", "mortgage_holder"},
                          "property_transfer.contract_filing");
  EXPECT_EQ(mortgagee.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(mortgagee.status().message()),
              HasSubstr("mortgage_holder"));
}

TEST_F(LocalDemoTest, HousingReadsMaritalStatusOnlyForContractFiling) {
  auto marriage = Decide("housing", "registry.marriage", {},
                         "property_transfer.contract_filing");
  ASSERT_TRUE(marriage.ok()) << marriage.status();
  EXPECT_THAT(marriage->clear_fields, Contains("marital_status"));
  auto wrong_purpose =
      Decide("housing", "registry.marriage", {}, "property_transfer.deed_tax");
  EXPECT_EQ(wrong_purpose.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(wrong_purpose.status().message()),
              HasSubstr("purpose"));
}

TEST_F(LocalDemoTest, TaxReadsContractAndDwellingCountForDeedTax) {
  auto contract =
      Decide("tax", "housing.sale_contract", {}, "property_transfer.deed_tax");
  ASSERT_TRUE(contract.ok()) << contract.status();
  EXPECT_THAT(contract->clear_fields, Contains("price"));
  auto count =
      Decide("tax", "housing.dwelling_count", {}, "property_transfer.deed_tax");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_THAT(count->clear_fields, Contains("dwelling_count"));
  EXPECT_THAT(count->clear_fields, Not(Contains("family_members")));
}

TEST_F(LocalDemoTest, TaxSeesHouseholdMembersMasked) {
  auto household = Decide("tax", "registry.household",
                          {"household_no", "household_type", "members"},
                          "property_transfer.deed_tax");
  ASSERT_TRUE(household.ok()) << household.status();
  EXPECT_THAT(household->clear_fields,
              ElementsAre("household_no", "household_type"));
  EXPECT_THAT(household->masked_fields, ElementsAre("members"));
}

TEST_F(LocalDemoTest, LandReadsWhatTitleTransferNeeds) {
  for (const char* dataset : {"tax.payment_certificate",
                              "housing.sale_contract", "registry.marriage"}) {
    auto decision =
        Decide("land", dataset, {}, "property_transfer.title_transfer");
    EXPECT_TRUE(decision.ok()) << dataset << ": " << decision.status();
  }
  // The registry does not need the price or the amount paid.
  auto price = Decide("land", "housing.sale_contract", {"price"},
                      "property_transfer.title_transfer");
  EXPECT_EQ(price.status().code(), absl::StatusCode::kPermissionDenied);
  auto amount = Decide("land", "tax.payment_certificate", {"amount_paid"},
                       "property_transfer.title_transfer");
  EXPECT_EQ(amount.status().code(), absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace datarun::policy
