#include "adapters/tax/tax_service.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/tax/tax_schema.h"
#include "gtest/gtest.h"

namespace datarun {
namespace tax {
namespace {

using datagen::testing::CheckRecord;

class TaxServiceTest
    : public datagen::testing::DepartmentServiceTest<TaxService> {
 protected:
  TaxServiceTest() : DepartmentServiceTest("tax.db") {}
};

TEST_F(TaxServiceTest, PaidDeedTaxOfTheTransferBuyer) {
  auto assessments = Fetch(kDeedTaxAssessment, Demo("transfer_buyer_id"));
  ASSERT_TRUE(assessments.ok()) << assessments.status();
  ASSERT_EQ(assessments->size(), 1u);
  const auto& a = (*assessments)[0].fields();
  EXPECT_TRUE(CheckRecord(kDeedTaxAssessment, (*assessments)[0]).ok())
      << CheckRecord(kDeedTaxAssessment, (*assessments)[0]);
  EXPECT_EQ(a.at("assessment_no").string_value(),
            Demo("transfer_assessment_no"));
  EXPECT_EQ(a.at("contract_no").string_value(), Demo("transfer_contract_no"));
  const std::string& rate = a.at("rate").decimal_value();
  EXPECT_TRUE(rate == "0.01" || rate == "0.015" || rate == "0.02" ||
              rate == "0.03")
      << rate;

  auto certificates = Fetch(kPaymentCertificate, Demo("transfer_buyer_id"));
  ASSERT_TRUE(certificates.ok()) << certificates.status();
  ASSERT_EQ(certificates->size(), 1u);
  const auto& c = (*certificates)[0].fields();
  EXPECT_TRUE(CheckRecord(kPaymentCertificate, (*certificates)[0]).ok())
      << CheckRecord(kPaymentCertificate, (*certificates)[0]);
  EXPECT_EQ(c.at("certificate_no").string_value(),
            Demo("transfer_payment_certificate_no"));
  EXPECT_EQ(c.at("assessment_no").string_value(),
            Demo("transfer_assessment_no"));
  EXPECT_EQ(c.at("amount_paid").decimal_value(),
            a.at("tax_due").decimal_value());
  EXPECT_EQ(c.at("taxpayer_id_number").string_value(),
            Demo("transfer_buyer_id"));
  EXPECT_EQ(c.at("tax_type").string_value(), "契税");
  EXPECT_EQ(c.at("status").string_value(), "已入库");
}

TEST_F(TaxServiceTest, LocalIdIsUsedOnlyWhenItBelongsToTheSubject) {
  // Look up the buyer's taxpayer number in the store itself.
  const std::string nsrsbh =
      SharedStoreValue("SELECT NSRSBH FROM DJ_NSRXX WHERE ZJHM = ?",
                       {Demo("transfer_buyer_id")});
  ASSERT_FALSE(nsrsbh.empty());
  EXPECT_NE(nsrsbh, Demo("transfer_buyer_id"));
  auto with_local =
      FetchWithLocalId(kPaymentCertificate, Demo("transfer_buyer_id"), nsrsbh);
  ASSERT_TRUE(with_local.ok());
  EXPECT_EQ(with_local->size(), 1u);
  // Someone else's taxpayer number does not leak their records.
  auto wrong = FetchWithLocalId(kPaymentCertificate, Demo("seller_id"), nsrsbh);
  ASSERT_TRUE(wrong.ok());
  EXPECT_TRUE(wrong->empty());
}

TEST_F(TaxServiceTest, DemoBuyerHasNotFiledYet) {
  auto records = Fetch(kDeedTaxAssessment, Demo("buyer_id"));
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
}

TEST_F(TaxServiceTest, UnknownDatasetAndField) {
  EXPECT_EQ(Fetch("land.parcel", Demo("buyer_id")).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::FetchRequest request;
  request.set_dataset(kPaymentCertificate);
  request.set_subject(Demo("transfer_buyer_id"));
  request.add_fields("SJJE");
  EXPECT_EQ(service_->Fetch(request).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TaxServiceTest, OldRegistrationUnderTheLegacyNumberIsFound) {
  // The tax bureau registered this person under the 15-digit number; the
  // exchange asks with the 18-digit one.
  auto records = Fetch(kPaymentCertificate, Demo("legacy15_person_id"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kPaymentCertificate, r).ok())
      << CheckRecord(kPaymentCertificate, r);
  // Shown with the 18-digit number, as the catalog declares.
  EXPECT_EQ(r.fields().at("taxpayer_id_number").string_value(),
            Demo("legacy15_person_id"));
  EXPECT_EQ(r.fields().at("tax_type").string_value(), "契税");
  // Migrated from the old system without its filing.
  EXPECT_EQ(r.fields().at("assessment_no").kind_case(),
            v1::Value::KIND_NOT_SET);
  EXPECT_LT(r.fields().at("paid_on").date_value(), "2008-01-01");
}

TEST_F(TaxServiceTest, CompanyBuyerFiledDeedTaxAsAnOrganisation) {
  auto records = Fetch(kDeedTaxAssessment, Demo("company_buyer_credit_code"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kDeedTaxAssessment, r).ok())
      << CheckRecord(kDeedTaxAssessment, r);
  EXPECT_EQ(r.fields().at("contract_no").string_value(),
            Demo("company_buyer_contract_no"));
  EXPECT_EQ(r.fields().at("rate").decimal_value(), "0.03");
  EXPECT_FALSE(r.fields().at("first_home").bool_value());
  auto paid = Fetch(kPaymentCertificate, Demo("company_buyer_credit_code"));
  ASSERT_TRUE(paid.ok()) << paid.status();
  ASSERT_EQ(paid->size(), 1u);
  EXPECT_EQ((*paid)[0].fields().at("taxpayer_id_number").string_value(),
            Demo("company_buyer_credit_code"));
  EXPECT_EQ((*paid)[0].fields().at("taxpayer_name").string_value(),
            Demo("company_buyer_name"));
}

TEST_F(TaxServiceTest, ListLocalIdsExportsEveryTaxpayerNumberOnce) {
  std::vector<v1::LocalIdAssertion> all = CheckLocalIdPaging();
  std::set<std::pair<std::string, std::string>> expected;
  for (const auto& row : SharedStoreRows("SELECT ZJHM, NSRSBH FROM DJ_NSRXX")) {
    expected.emplace(row[0], row[1]);
  }
  std::set<std::pair<std::string, std::string>> listed;
  for (const v1::LocalIdAssertion& a : all) {
    EXPECT_EQ(a.kind(), "taxpayer_number");
    EXPECT_TRUE(a.primary());  // one registration per subject here
    EXPECT_EQ(a.basis().rfind("DJ_NSRXX registration ", 0), 0u) << a.basis();
    listed.emplace(a.subject(), a.value());
  }
  EXPECT_EQ(listed, expected);
  // The old registration is sent as found (the exchange upgrades it); the
  // company's taxpayer number is its credit code.
  bool legacy_found = false;
  for (const auto& [subject, value] : listed) {
    legacy_found |= subject == Demo("legacy15_form");
    EXPECT_NE(subject, Demo("legacy15_person_id"));
  }
  EXPECT_TRUE(legacy_found);
  EXPECT_EQ(listed.count({Demo("company_buyer_credit_code"),
                          Demo("company_buyer_credit_code")}),
            1u);
  // A taxpayer number from the listing leads Fetch to the same records.
  for (const v1::LocalIdAssertion& a : all) {
    if (a.subject() != Demo("transfer_buyer_id")) continue;
    auto records = FetchWithLocalId(kPaymentCertificate,
                                    Demo("transfer_buyer_id"), a.value());
    ASSERT_TRUE(records.ok());
    EXPECT_EQ(records->size(), 1u);
  }
}

TEST_F(TaxServiceTest, EmptyStoreListsNothing) {
  ExpectEmptyStoreListsNothing(SchemaSql());
}

TEST(TaxServiceOpenTest, MissingAndForeignStoresAreRefused) {
  datagen::testing::ExpectMissingAndForeignStoresRefused<TaxService>(
      "tax.db", "land.db", "DJ_NSRXX");
}

}  // namespace
}  // namespace tax
}  // namespace datarun
