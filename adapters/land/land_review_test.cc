// LandService::Review (title_review, transfer) over a copy of the shared
// generated data set's land store: the refusals and the idempotent
// transfer.
#include <memory>
#include <string>

#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/review_request.h"
#include "adapters/datagen/testing/store_rows.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/land/land_service.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace datarun {
namespace land {
namespace {

using datagen::testing::CaseReviewRequest;
using datagen::testing::SharedTestDataDir;
using datagen::testing::StoreValue;
using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

std::string Text(const v1::Record& r, const std::string& field) {
  auto it = r.fields().find(field);
  return it == r.fields().end() ? "<absent>" : it->second.string_value();
}

class LandReviewTest
    : public datagen::testing::DepartmentServiceTest<LandService> {
 protected:
  LandReviewTest() : DepartmentServiceTest("land.db") {}

  void SetUp() override {
    DepartmentServiceTest::SetUp();
    copy_ = OpenStoreCopy();
    ASSERT_NE(copy_, nullptr);
  }

  v1::ReviewRequest Request(const std::string& case_id, const std::string& step,
                            const std::string& seller, const std::string& buyer,
                            const std::string& unit) {
    v1::ReviewRequest r =
        CaseReviewRequest(case_id, "property_transfer", step,
                          {{"seller", seller}, {"buyer", buyer}});
    if (!unit.empty()) {
      v1::StepMaterial* title = r.add_materials();
      title->set_material("title_certificate");
      title->set_dataset(kPropertyTitle);
      (*title->add_records()->mutable_fields())["property_unit_no"]
          .set_string_value(unit);
    }
    return r;
  }

  v1::ReviewResponse Answer(const v1::ReviewRequest& r) {
    auto answer = copy_->Review(r);
    EXPECT_TRUE(answer.ok()) << answer.status();
    return answer.ok() ? *answer : v1::ReviewResponse();
  }

  std::unique_ptr<LandService> copy_;
};

TEST_F(LandReviewTest, TitleReviewApprovesTheDemoSeller) {
  v1::ReviewResponse a =
      Answer(Request("t-ok", "title_review", Demo("seller_id"),
                     Demo("buyer_id"), Demo("property_unit_no")));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_APPROVE) << a.reason();
  EXPECT_EQ(Text(a.findings(), "certificate_no"),
            Demo("property_certificate_no"));
  EXPECT_TRUE(a.findings().fields().at("shares_add_up").bool_value());
}

TEST_F(LandReviewTest, TitleReviewRefusesEncumberedUnits) {
  const std::string unit = Demo("property_unit_no");
  ExecuteOnCopy(
      "INSERT INTO BDC_DYA (BDCDYH, DYQR, DYJE, DJSJ, ZXSJ) VALUES (?, "
      "'中国建设银行北京朝阳支行', 100000000, '2023-01-05 10:00:00', NULL)",
      {unit});
  v1::ReviewResponse a = Answer(Request(
      "t-m", "title_review", Demo("seller_id"), Demo("buyer_id"), unit));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(a.reason(), HasSubstr("mortgaged"));
  EXPECT_TRUE(a.findings().fields().at("mortgaged").bool_value());

  ExecuteOnCopy(
      "INSERT INTO BDC_CF (BDCDYH, CFJG, CFWH, CFSJ, JFSJ) VALUES (?, "
      "'北京市朝阳区人民法院', '(2024)京0105执123号', '2024-02-01 09:00:00', "
      "NULL)",
      {unit});
  a = Answer(Request("t-s", "title_review", Demo("seller_id"), Demo("buyer_id"),
                     unit));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(a.reason(), HasSubstr("seized"));
  EXPECT_TRUE(a.findings().fields().at("seized").bool_value());
}

TEST_F(LandReviewTest, TitleReviewRefusesSomeoneWhoIsNotTheHolder) {
  // Holds no title at all.
  v1::ReviewResponse a =
      Answer(Request("t-n", "title_review", Demo("buyer_id"), Demo("seller_id"),
                     Demo("property_unit_no")));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(a.reason(), HasSubstr("holds no title"));
  // Holds a title, but not of the unit sold.
  a = Answer(Request("t-o", "title_review", Demo("seller_id"), Demo("buyer_id"),
                     Demo("transfer_property_unit_no")));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(a.reason(), HasSubstr("does not hold the title of the unit"));
}

TEST_F(LandReviewTest, TitleReviewRefusesSharesThatDoNotAddUp) {
  ExecuteOnCopy(
      "UPDATE BDC_QLR SET FE = '40%' WHERE SXH = 1 AND QZID = (SELECT QZID "
      "FROM BDC_QZ WHERE QZH = ?)",
      {Demo("property_certificate_no")});
  v1::ReviewResponse a =
      Answer(Request("t-f", "title_review", Demo("seller_id"), Demo("buyer_id"),
                     Demo("property_unit_no")));
  EXPECT_EQ(a.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(a.reason(), HasSubstr("shares"));
  EXPECT_FALSE(a.findings().fields().at("shares_add_up").bool_value());
}

TEST_F(LandReviewTest, TransferTwiceWritesOneTitle) {
  const std::string seller = Demo("transfer_seller_id");
  const std::string buyer = Demo("transfer_buyer_id");
  const std::string unit = Demo("transfer_property_unit_no");
  v1::ReviewRequest r = Request("case-tr-1", "transfer", seller, buyer, unit);
  v1::StepMaterial* tax = r.add_issued_before();
  tax->set_material("deed_tax_certificate");
  auto& f = *tax->add_records()->mutable_fields();
  f["certificate_no"].set_string_value(Demo("transfer_payment_certificate_no"));
  f["taxpayer_name"].set_string_value(
      StoreValue(SharedTestDataDir() + "/registry.db",
                 "SELECT XM FROM HJ_RY WHERE GMSFHM = ?", {buyer}));
  f["status"].set_string_value("已入库");
  const int64_t titles = CountInCopy("SELECT count(*) FROM BDC_QZ");
  v1::ReviewResponse first = Answer(r);
  ASSERT_EQ(first.decision(), v1::REVIEW_DECISION_APPROVE) << first.reason();
  const std::string number = Text(first.findings(), "new_certificate_no");
  ASSERT_EQ(first.issued_size(), 1);
  ASSERT_EQ(first.issued(0).records_size(), 1);
  EXPECT_EQ(Text(first.issued(0).records(0), "certificate_no"), number);
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM BDC_QZ"), titles + 1);
  // The unit has one title in force: the buyer's.
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM BDC_QZ WHERE BDCDYH = ? AND "
                        "QSZT = 1",
                        {unit}),
            1);
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM BDC_QZ z JOIN BDC_QLR q ON "
                        "q.QZID = z.QZID WHERE z.QZH = ? AND q.ZJHM = ?",
                        {number, buyer}),
            1);

  v1::ReviewResponse again = Answer(r);
  EXPECT_TRUE(MessageDifferencer::Equals(again, first));
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM BDC_QZ"), titles + 1);

  // A voided certificate is refused before anything is written.
  v1::ReviewRequest voided = r;
  voided.set_case_id("case-tr-2");
  (*voided.mutable_issued_before(0)
        ->mutable_records(0)
        ->mutable_fields())["status"]
      .set_string_value("已作废");
  v1::ReviewResponse refused = Answer(voided);
  EXPECT_EQ(refused.decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM BDC_QZ"), titles + 1);
}

}  // namespace
}  // namespace land
}  // namespace datarun
