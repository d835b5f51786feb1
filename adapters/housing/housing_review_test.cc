// HousingService::Review (contract_review): the approval of the demo sale
// and the refusals, over a copy of the shared generated data set's housing
// store.
#include <memory>
#include <string>

#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/review_request.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/housing/housing_service.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace housing {
namespace {

using datagen::testing::CaseReviewRequest;
using ::testing::HasSubstr;

class HousingReviewTest
    : public datagen::testing::DepartmentServiceTest<HousingService> {
 protected:
  HousingReviewTest() : DepartmentServiceTest("housing.db") {}

  void SetUp() override {
    DepartmentServiceTest::SetUp();
    copy_ = OpenStoreCopy();
    ASSERT_NE(copy_, nullptr);
  }

  // A contract review of a sale from `seller` to `buyer`; the materials
  // name `contract_no` (when not empty) and the unit's seizure state.
  v1::ReviewRequest Request(const std::string& seller, const std::string& buyer,
                            const std::string& contract_no, bool seized) {
    v1::ReviewRequest r =
        CaseReviewRequest("case-h", "property_transfer", "contract_review",
                          {{"seller", seller}, {"buyer", buyer}});
    if (!contract_no.empty()) {
      v1::StepMaterial* contract = r.add_materials();
      contract->set_material("sale_contract");
      (*contract->add_records()->mutable_fields())["contract_no"]
          .set_string_value(contract_no);
    }
    v1::StepMaterial* title = r.add_materials();
    title->set_material("title_certificate");
    auto& f = *title->add_records()->mutable_fields();
    f["property_unit_no"].set_string_value(Demo("property_unit_no"));
    f["seized"].set_bool_value(seized);
    return r;
  }

  v1::ReviewResponse Answer(const v1::ReviewRequest& r) {
    auto answer = copy_->Review(r);
    EXPECT_TRUE(answer.ok()) << answer.status();
    return answer.ok() ? *answer : v1::ReviewResponse();
  }

  std::unique_ptr<HousingService> copy_;
};

TEST_F(HousingReviewTest, TheDemoContractIsApproved) {
  v1::ReviewResponse a = Answer(
      Request(Demo("seller_id"), Demo("buyer_id"), Demo("contract_no"), false));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_APPROVE) << a.reason();
  EXPECT_EQ(a.findings().fields().at("contract_no").string_value(),
            Demo("contract_no"));
  EXPECT_TRUE(a.findings().fields().at("parties_match").bool_value());
}

TEST_F(HousingReviewTest, NoFiledContractBetweenTheParties) {
  v1::ReviewResponse a =
      Answer(Request(Demo("seller_id"), Demo("transfer_buyer_id"), "", false));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(a.reason(), HasSubstr("no sale contract"));
}

TEST_F(HousingReviewTest, AContractOfOtherPartiesIsRefused) {
  v1::ReviewResponse a = Answer(Request(Demo("seller_id"), Demo("buyer_id"),
                                        Demo("transfer_contract_no"), false));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(a.reason(), HasSubstr("not one between the seller"));
}

TEST_F(HousingReviewTest, ASeizedUnitIsRefused) {
  v1::ReviewResponse a = Answer(
      Request(Demo("seller_id"), Demo("buyer_id"), Demo("contract_no"), true));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(a.reason(), HasSubstr("seized"));
  EXPECT_TRUE(a.findings().fields().at("seized").bool_value());
}

TEST_F(HousingReviewTest, ACancelledFilingIsRefused) {
  ExecuteOnCopy(
      "UPDATE HT_BA SET BAZT = '9', CXRQ = '2024-06-01' "
      "WHERE HTBH = ?",
      {Demo("contract_no")});
  v1::ReviewResponse a = Answer(
      Request(Demo("seller_id"), Demo("buyer_id"), Demo("contract_no"), false));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(a.reason(), HasSubstr("cancelled"));
  EXPECT_FALSE(a.findings().fields().at("filed").bool_value());
}

}  // namespace
}  // namespace housing
}  // namespace datarun
