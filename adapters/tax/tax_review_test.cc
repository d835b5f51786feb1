// TaxService::Review over a copy of the shared generated data set.
#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "adapters/datagen/testing/review_request.h"
#include "adapters/datagen/testing/store_rows.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/tax/tax_service.h"
#include "exchange/identity/credit_code.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace datarun {
namespace tax {
namespace {

using datagen::testing::CaseReviewRequest;
using datagen::testing::StoreValue;
const std::string& Demo(const std::string& key) {
  return datagen::testing::SharedDemoSubjects().at(key);
}

v1::Value Text(const std::string& s, bool decimal = false) {
  v1::Value v;
  if (decimal) {
    v.set_decimal_value(s);
  } else {
    v.set_string_value(s);
  }
  return v;
}

class TaxReviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/datarun_tax_review.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::copy_file(
        datagen::testing::SharedTestDataDir() + "/tax.db", dir_ + "/tax.db");
    auto service = TaxService::Open(dir_ + "/tax.db");
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = std::move(*service);
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  v1::ReviewRequest DeedTaxRequest(const std::string& case_id) {
    v1::ReviewRequest r = CaseReviewRequest(
        case_id, "property_transfer", "deed_tax",
        {{"buyer", Demo("buyer_id")}, {"seller", Demo("seller_id")}});
    v1::StepMaterial* contract = r.add_materials();
    contract->set_material("buyer_sale_contract");
    contract->set_dataset("housing.sale_contract");
    auto* f = contract->add_records()->mutable_fields();
    (*f)["contract_no"] = Text(Demo("contract_no"));
    (*f)["property_unit_no"] = Text(Demo("property_unit_no"));
    (*f)["price"] = Text(Demo("contract_price"), true);
    (*f)["area"] = Text(Demo("property_area"), true);
    (*f)["status"] = Text("已备案");
    (*f)["buyer_name"] = Text(Demo("buyer_name"));
    v1::StepMaterial* count = r.add_materials();
    count->set_material("dwelling_count");
    (*count->add_records()->mutable_fields())["dwelling_count"].set_int_value(
        std::stoi(Demo("buyer_dwelling_count")));
    return r;
  }

  int64_t Certificates() {
    int64_t n = -1;
    return absl::SimpleAtoi(
               StoreValue(dir_ + "/tax.db", "SELECT count(*) FROM WSZM"), &n)
               ? n
               : -1;
  }

  std::string dir_;
  std::unique_ptr<TaxService> service_;
};

std::string Field(const v1::Record& r, const std::string& name) {
  auto it = r.fields().find(name);
  if (it == r.fields().end()) return "";
  const v1::Value& v = it->second;
  return v.has_decimal_value() ? v.decimal_value() : v.string_value();
}

TEST_F(TaxReviewTest, DemoBuyerPaysTheExpectedDeedTaxOnce) {
  const int64_t before = Certificates();
  auto first = service_->Review(DeedTaxRequest("case-demo"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->decision(), v1::REVIEW_DECISION_APPROVE) << first->reason();
  EXPECT_EQ(Field(first->findings(), "rate"), Demo("expected_deed_tax_rate"));
  EXPECT_EQ(Field(first->findings(), "tax_due"), Demo("expected_deed_tax"));
  ASSERT_EQ(first->issued_size(), 1);
  EXPECT_EQ(first->issued(0).material(), "deed_tax_certificate");
  ASSERT_EQ(first->issued(0).records_size(), 1);
  const v1::Record& certificate = first->issued(0).records(0);
  EXPECT_TRUE(
      datagen::testing::CheckRecord("tax.payment_certificate", certificate)
          .ok())
      << datagen::testing::CheckRecord("tax.payment_certificate", certificate);
  EXPECT_EQ(Field(certificate, "amount_paid"), Demo("expected_deed_tax"));
  EXPECT_EQ(Certificates(), before + 1);

  // The same case again (as after a crash before the SDK stored the
  // answer): the same certificate, nothing written.
  auto again = service_->Review(DeedTaxRequest("case-demo"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(*again, *first));
  EXPECT_EQ(Certificates(), before + 1);

  // The certificate is now served by Fetch as well.
  v1::FetchRequest fetch;
  fetch.set_dataset(kPaymentCertificate);
  fetch.set_subject(Demo("buyer_id"));
  auto records = service_->Fetch(fetch);
  ASSERT_TRUE(records.ok()) << records.status();
  bool found = false;
  for (const auto& r : *records) {
    found |= Field(r, "certificate_no") == Field(certificate, "certificate_no");
  }
  EXPECT_TRUE(found);
}

TEST_F(TaxReviewTest, CancelledContractIsRejectedAndNothingWritten) {
  const int64_t before = Certificates();
  v1::ReviewRequest r = DeedTaxRequest("case-cancelled");
  (*r.mutable_materials(0)->mutable_records(0)->mutable_fields())["status"] =
      Text("已撤销");
  auto answer = service_->Review(r);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_EQ(Certificates(), before);
}

TEST_F(TaxReviewTest, MissingFieldsAndUnknownStepsAreInvalidArgument) {
  v1::ReviewRequest r = DeedTaxRequest("case-x");
  r.mutable_materials(0)->mutable_records(0)->mutable_fields()->erase("price");
  auto answer = service_->Review(r);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(answer.status().message().find("price"), std::string::npos)
      << answer.status();
  r = DeedTaxRequest("case-y");
  r.mutable_materials()->RemoveLast();  // no dwelling count
  answer = service_->Review(r);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->decision(), v1::REVIEW_DECISION_NEEDS_SUPPLEMENT);
  r.set_step("transfer");
  EXPECT_EQ(service_->Review(r).status().code(),
            absl::StatusCode::kInvalidArgument);
}

v1::ReviewRequest ClearanceRequest(const std::string& case_id,
                                   const std::string& proprietor) {
  return CaseReviewRequest(case_id, "sole_proprietor_deregistration",
                           "tax_clearance", {{"proprietor", proprietor}});
}

TEST_F(TaxReviewTest, TaxClearanceIssuesOneCertificatePerCase) {
  auto first = service_->Review(
      ClearanceRequest("case-clear-1", Demo("sole_proprietor_id")));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->decision(), v1::REVIEW_DECISION_APPROVE) << first->reason();
  ASSERT_EQ(first->issued_size(), 1);
  EXPECT_EQ(first->issued(0).material(), "tax_clearance");
  ASSERT_EQ(first->issued(0).records_size(), 1);
  const v1::Record& certificate = first->issued(0).records(0);
  const std::string number = Field(certificate, "certificate_no");
  EXPECT_EQ(number.rfind("京税清〔", 0), 0u) << number;
  EXPECT_EQ(Field(certificate, "status"), "已清税");
  EXPECT_EQ(certificate.fields().at("issued_on").date_value().size(), 10u);
  EXPECT_EQ(Field(first->findings(), "clearance_no"), number);

  auto again = service_->Review(
      ClearanceRequest("case-clear-1", Demo("sole_proprietor_id")));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(*again, *first));
  auto other = service_->Review(
      ClearanceRequest("case-clear-2", Demo("sole_proprietor_id")));
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_EQ(other->issued_size(), 1);
  EXPECT_NE(Field(other->issued(0).records(0), "certificate_no"), number);
}

TEST_F(TaxReviewTest, TaxOutstandingRefusesTheClearance) {
  {
    auto db = legacy::SqliteDb::Open(dir_ + "/tax.db",
                                     legacy::SqliteDb::Mode::kReadWrite);
    ASSERT_TRUE(db.ok()) << db.status();
    // An assessment of the buyer of the paid sale that no certificate
    // settles.
    ASSERT_TRUE(
        (*db)
            ->Execute("INSERT INTO QS_SBXX (SBXH, NSRSBH, HTBH, BDCDYH, "
                      "JSJG, JZMJ, SL, YNSE, SFSTFW, SBRQ, HDRQ) "
                      "SELECT 'UNPAID-1', NSRSBH, 'Y0', 'U0', 100, 1, "
                      "100, 1, 'Y', '20240101', '20240101' FROM "
                      "DJ_NSRXX WHERE ZJHM = ? LIMIT 1",
                      {Demo("transfer_buyer_id")})
            .ok());
  }
  auto answer = service_->Review(
      ClearanceRequest("case-clear-3", Demo("transfer_buyer_id")));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_NE(answer->reason().find("tax outstanding: 1"), std::string::npos)
      << answer->reason();
  EXPECT_EQ(answer->issued_size(), 0);
}

// A business_establishment tax_registration step of `case_id` whose
// business licence (issued by the licence step) names `credit_code`.
v1::ReviewRequest RegistrationRequest(const std::string& case_id,
                                      const std::string& credit_code) {
  v1::ReviewRequest r =
      CaseReviewRequest(case_id, "business_establishment", "tax_registration",
                        {{"founder", Demo("founder_id")}});
  v1::StepMaterial* licence = r.add_issued_before();
  licence->set_material("business_licence");
  auto* f = licence->add_records()->mutable_fields();
  (*f)["credit_code"] = Text(credit_code);
  (*f)["name"] = Text("北京青禾科技有限公司");
  (*f)["registration_authority"] = Text("北京市朝阳区市场监督管理局");
  return r;
}

TEST_F(TaxReviewTest, TaxRegistrationRegistersTheNewCompanyOnce) {
  // A new company of Chaoyang district (110105), type 91 (enterprise).
  std::string code = "91110105MA01QT7K";
  code += identity::OrganisationCodeCheckCharacter(code.substr(8));
  code += identity::CreditCodeCheckCharacter(code);
  auto rows = [&] {
    return datagen::testing::StoreRows(
        dir_ + "/tax.db",
        "SELECT NSRMC, NSRLX, ZJLX, ZJHM, ZGSWJG FROM DJ_NSRXX WHERE "
        "NSRSBH = ?",
        {code});
  };
  ASSERT_TRUE(rows().empty());
  auto first = service_->Review(RegistrationRequest("case-est-1", code));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->decision(), v1::REVIEW_DECISION_APPROVE) << first->reason();
  EXPECT_EQ(Field(first->findings(), "taxpayer_number"), code);
  EXPECT_EQ(Field(first->findings(), "tax_office"),
            "国家税务总局北京市朝阳区税务局");
  EXPECT_EQ(rows(), (std::vector<std::vector<std::string>>{
                        {"北京青禾科技有限公司", "2", "800", code,
                         "国家税务总局北京市朝阳区税务局"}}));
  // Repeated (the answer store lost it) or another case for the same
  // company: one registration.
  auto again = service_->Review(RegistrationRequest("case-est-1", code));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(*again, *first));
  auto other = service_->Review(RegistrationRequest("case-est-2", code));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->decision(), v1::REVIEW_DECISION_APPROVE);
  EXPECT_EQ(rows().size(), 1u);
}

TEST_F(TaxReviewTest, TaxRegistrationNeedsAValidLicence) {
  v1::ReviewRequest request = RegistrationRequest("case-est-3", "");
  auto missing = service_->Review(request);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("credit_code"), std::string::npos)
      << missing.status();
  request = RegistrationRequest("case-est-4", "91110105MA0TEST01X");
  auto invalid = service_->Review(request);
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(invalid.status().message().find("business_licence"),
            std::string::npos)
      << invalid.status();
  request.clear_issued_before();
  auto none = service_->Review(request);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tax
}  // namespace datarun
