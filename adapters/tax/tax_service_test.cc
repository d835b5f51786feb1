#include "adapters/tax/tax_service.h"

#include <string>

#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "gtest/gtest.h"

namespace datarun {
namespace tax {
namespace {

using datagen::testing::CheckRecord;
using datagen::testing::SharedTestDataDir;

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
  auto db = legacy::SqliteDb::Open(SharedTestDataDir() + "/tax.db",
                                   legacy::SqliteDb::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  std::string nsrsbh;
  ASSERT_TRUE((*db)
                  ->Query("SELECT NSRSBH FROM DJ_NSRXX WHERE ZJHM = ?",
                          {Demo("transfer_buyer_id")},
                          [&](const legacy::SqliteRow& row) {
                            nsrsbh = std::string(row.Text(0));
                            return absl::OkStatus();
                          })
                  .ok());
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

TEST(TaxServiceOpenTest, MissingAndForeignStoresAreRefused) {
  EXPECT_EQ(TaxService::Open("/nonexistent/tax.db").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(TaxService::Open(SharedTestDataDir() + "/land.db").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace tax
}  // namespace datarun
