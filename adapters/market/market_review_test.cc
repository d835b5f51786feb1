// MarketService::Review (licence, deregistration) over a copy of the shared
// generated data set's market store.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/review_request.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/market/market_codes.h"
#include "adapters/market/market_service.h"
#include "exchange/identity/credit_code.h"
#include "exchange/identity/resident_id.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace datarun {
namespace market {
namespace {

using datagen::testing::CaseReviewRequest;
using datagen::testing::CheckRecord;
using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

constexpr char kNewName[] = "北京云测数联科技有限公司";

std::string Text(const v1::Record& r, const std::string& field) {
  auto it = r.fields().find(field);
  if (it == r.fields().end()) return "<absent>";
  const v1::Value& v = it->second;
  return v.has_date_value() ? v.date_value() : v.string_value();
}

void Add(v1::Record* r, const std::string& field, const std::string& value) {
  (*r->mutable_fields())[field].set_string_value(value);
}

class MarketReviewTest
    : public datagen::testing::DepartmentServiceTest<MarketService> {
 protected:
  MarketReviewTest() : DepartmentServiceTest("market.db") {}

  void SetUp() override {
    DepartmentServiceTest::SetUp();
    copy_ = OpenStoreCopy();
    ASSERT_NE(copy_, nullptr);
    today_ =
        market::StoreDate(absl::ToCivilDay(absl::Now(), absl::LocalTimeZone()));
  }

  v1::ReviewRequest Request(const std::string& case_id, const std::string& step,
                            const std::string& role,
                            const std::string& subject) {
    return CaseReviewRequest(case_id,
                             step == "licence"
                                 ? "business_establishment"
                                 : "sole_proprietor_deregistration",
                             step, {{role, subject}});
  }

  // A business establishment as the case engine hands it to market: the
  // founder's identity and titles (a flat and the shop) pulled, the
  // declared name uploaded.
  v1::ReviewRequest Licence(const std::string& case_id,
                            const std::string& founder,
                            const std::string& name = kNewName) {
    v1::ReviewRequest r = Request(case_id, "licence", "founder", founder);
    v1::StepMaterial* identity = r.add_materials();
    identity->set_material("founder_identity");
    identity->set_dataset("registry.resident");
    v1::Record* person = identity->add_records();
    Add(person, "name", Demo("sole_proprietor_name"));
    Add(person, "id_number", founder);
    Add(person, "status", "正常");
    v1::StepMaterial* titles = r.add_materials();
    titles->set_material("premises_title");
    titles->set_dataset("land.property_title");
    v1::Record* flat = titles->add_records();
    Add(flat, "certificate_no", "京（2019）西城区不动产权第0000001号");
    Add(flat, "location", "北京市西城区和平路1号院1号楼1单元101");
    Add(flat, "usage", "住宅");
    v1::Record* shop = titles->add_records();
    Add(shop, "certificate_no", Demo("founder_premises_certificate_no"));
    Add(shop, "location", ShopAddress());
    Add(shop, "usage", "商业");
    v1::StepMaterial* declared = r.add_materials();
    declared->set_material("name_declaration");
    declared->set_reference(name);
    v1::StepMaterial* articles = r.add_materials();
    articles->set_material("articles_of_association");
    articles->set_reference("ESIGN-AOA-1");
    return r;
  }

  v1::ReviewRequest Deregistration(const std::string& case_id,
                                   const std::string& proprietor) {
    v1::ReviewRequest r =
        Request(case_id, "deregistration", "proprietor", proprietor);
    v1::StepMaterial* clearance = r.add_issued_before();
    clearance->set_material("tax_clearance");
    Add(clearance->add_records(), "certificate_no", "京税清〔2025〕000001号");
    v1::StepMaterial* licence = r.add_materials();
    licence->set_material("licence_original");
    licence->set_reference("ESIGN-SURRENDER-1");
    return r;
  }

  // The demo shop's address, as the market store holds it.
  std::string ShopAddress() {
    auto records = Fetch(kBusinessLicence, Demo("sole_proprietor_id"));
    return records.ok() && records->size() == 1 ? Text((*records)[0], "address")
                                                : "";
  }

  int64_t Entities() { return CountInCopy("SELECT count(*) FROM SC_ZTDJ"); }

  std::unique_ptr<MarketService> copy_;
  std::string today_;
};

TEST_F(MarketReviewTest, LicenceRegistersTheCompanyOnce) {
  const int64_t before = Entities();
  auto first = copy_->Review(Licence("case-est-1", Demo("founder_id")));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->decision(), v1::REVIEW_DECISION_APPROVE) << first->reason();
  ASSERT_EQ(first->issued_size(), 1);
  EXPECT_EQ(first->issued(0).material(), "business_licence");
  EXPECT_EQ(first->issued(0).dataset(), kBusinessLicence);
  ASSERT_EQ(first->issued(0).records_size(), 1);
  const v1::Record& licence = first->issued(0).records(0);
  EXPECT_TRUE(CheckRecord(kBusinessLicence, licence).ok())
      << CheckRecord(kBusinessLicence, licence);
  EXPECT_EQ(Text(licence, "name"), kNewName);
  EXPECT_EQ(Text(licence, "entity_type"), "有限责任公司(自然人独资)");
  EXPECT_EQ(Text(licence, "status"), "存续");
  EXPECT_EQ(Text(licence, "licence_status"), "有效");
  EXPECT_EQ(Text(licence, "legal_representative"),
            Demo("sole_proprietor_name"));
  EXPECT_EQ(Text(licence, "legal_representative_id_number"),
            Demo("founder_id"));
  EXPECT_EQ(Text(licence, "address"), ShopAddress());
  EXPECT_EQ(Text(licence, "premises_certificate_no"),
            Demo("founder_premises_certificate_no"));
  EXPECT_EQ(Text(licence, "established_on"),
            absl::StrCat(today_.substr(0, 4), "-", today_.substr(5, 2), "-",
                         today_.substr(8, 2)));
  const std::string credit = Text(licence, "credit_code");
  auto info = identity::ParseCreditCode(credit);
  ASSERT_TRUE(info.ok()) << credit << ": " << info.status();
  EXPECT_EQ(info->registration_authority, '9');
  EXPECT_EQ(info->organisation_type, '1');
  EXPECT_EQ(Text(first->findings(), "credit_code"), credit);
  EXPECT_EQ(Entities(), before + 1);
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM SC_DJJL WHERE SLBH = ? AND "
                        "YWLX = '1'",
                        {"case-est-1"}),
            1);

  // The same case again (a retry the answer store missed): same answer,
  // nothing written.
  auto again = copy_->Review(Licence("case-est-1", Demo("founder_id")));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*again, *first));
  EXPECT_EQ(Entities(), before + 1);

  // Served by Fetch under the new credit code.
  v1::FetchRequest fetch;
  fetch.set_dataset(kBusinessLicence);
  fetch.set_subject(credit);
  auto records = copy_->Fetch(fetch);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(Text((*records)[0], "name"), kNewName);

  // Another application for the same name is refused now.
  auto twin = copy_->Review(Licence("case-est-2", Demo("founder_id")));
  ASSERT_TRUE(twin.ok()) << twin.status();
  EXPECT_EQ(twin->decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(twin->reason(), HasSubstr("already registered"));
  EXPECT_EQ(Entities(), before + 1);
}

TEST_F(MarketReviewTest, LicenceRefusalsWriteNothing) {
  const int64_t before = Entities();
  struct Case {
    std::string what;
    v1::ReviewRequest request;
    std::string reason;
  };
  std::vector<Case> cases;
  cases.push_back({"name taken",
                   Licence("r-1", Demo("founder_id"), Demo("company_name")),
                   "already registered"});
  cases.push_back({"no organisation form",
                   Licence("r-2", Demo("founder_id"), "北京云测数联科技"),
                   "organisation form"});
  v1::ReviewRequest dead = Licence("r-3", Demo("founder_id"));
  Add(dead.mutable_materials(0)->mutable_records(0), "status", "死亡注销");
  cases.push_back({"not a current resident", dead, "not current"});
  v1::ReviewRequest flat_only = Licence("r-4", Demo("founder_id"));
  flat_only.mutable_materials(1)->mutable_records()->RemoveLast();
  cases.push_back({"only a flat", flat_only, "business use"});
  v1::ReviewRequest elsewhere = Licence("r-5", Demo("founder_id"));
  Add(elsewhere.mutable_materials(1)->mutable_records(1), "location",
      "上海市黄浦区南京东路1号");
  cases.push_back({"outside the city", elsewhere, "outside the districts"});
  // A valid identity number of someone born ten years ago.
  const absl::CivilDay born =
      absl::ToCivilDay(absl::Now(), absl::LocalTimeZone()) - 3660;
  const std::string first17 =
      absl::StrCat("110105", absl::FormatCivilTime(born).substr(0, 4),
                   absl::FormatCivilTime(born).substr(5, 2),
                   absl::FormatCivilTime(born).substr(8, 2), "013");
  const std::string child = absl::StrCat(
      first17, std::string(1, identity::ResidentIdCheckCharacter(first17)));
  cases.push_back({"a minor", Licence("r-6", child), "under 18"});
  cases.push_back({"an organisation",
                   Licence("r-7", Demo("company_credit_code")),
                   "natural person"});
  for (const Case& c : cases) {
    auto answer = copy_->Review(c.request);
    ASSERT_TRUE(answer.ok()) << c.what << ": " << answer.status();
    EXPECT_EQ(answer->decision(), v1::REVIEW_DECISION_REJECT) << c.what;
    EXPECT_THAT(answer->reason(), HasSubstr(c.reason)) << c.what;
    EXPECT_EQ(answer->issued_size(), 0) << c.what;
  }
  EXPECT_EQ(Entities(), before);
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM DR_CASE_STEP"), 0);
}

TEST_F(MarketReviewTest, MissingMaterialsAndUnknownStepsAreInvalidArgument) {
  v1::ReviewRequest r = Licence("m-1", Demo("founder_id"));
  r.mutable_materials()->DeleteSubrange(2, 1);  // no name_declaration
  auto answer = copy_->Review(r);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(answer.status().message(), HasSubstr("name_declaration"));
  r = Licence("m-2", Demo("founder_id"));
  r.mutable_materials()->DeleteSubrange(0, 1);  // no founder_identity
  answer = copy_->Review(r);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(answer.status().message(), HasSubstr("founder_identity"));
  r = Deregistration("m-3", Demo("sole_proprietor_id"));
  r.clear_issued_before();
  answer = copy_->Review(r);
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(answer.status().message(), HasSubstr("tax_clearance"));
  r.set_step("transfer");
  EXPECT_EQ(copy_->Review(r).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(MarketReviewTest, DeregistrationCancelsTheLicenceOnce) {
  const std::string credit = Demo("sole_proprietor_credit_code");
  auto first =
      copy_->Review(Deregistration("case-dereg-1", Demo("sole_proprietor_id")));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->decision(), v1::REVIEW_DECISION_APPROVE) << first->reason();
  ASSERT_EQ(first->issued_size(), 1);
  EXPECT_EQ(first->issued(0).material(), "deregistration_notice");
  const v1::Record& notice = first->issued(0).records(0);
  EXPECT_TRUE(CheckRecord(kBusinessLicence, notice).ok())
      << CheckRecord(kBusinessLicence, notice);
  EXPECT_EQ(Text(notice, "credit_code"), credit);
  EXPECT_EQ(Text(notice, "status"), "注销");
  EXPECT_EQ(Text(notice, "licence_status"), "已缴销");
  EXPECT_NE(Text(notice, "deregistered_on"), "");
  EXPECT_EQ(Text(first->findings(), "tax_clearance_no"),
            "京税清〔2025〕000001号");
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM SC_ZTDJ WHERE TYSHXYDM = ? "
                        "AND DJZT = '2' AND ZXRQ = ?",
                        {credit, today_}),
            1);
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM SC_DJJL WHERE SLBH = ? AND "
                        "YWLX = '3'",
                        {"case-dereg-1"}),
            1);

  auto again =
      copy_->Review(Deregistration("case-dereg-1", Demo("sole_proprietor_id")));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*again, *first));
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM SC_DJJL WHERE YWLX = '3' AND "
                        "ZTSFDM = (SELECT ZTSFDM FROM SC_ZTDJ WHERE "
                        "TYSHXYDM = ?)",
                        {credit}),
            1);

  // A second application finds nothing left to cancel.
  auto later =
      copy_->Review(Deregistration("case-dereg-2", Demo("sole_proprietor_id")));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(later->reason(),
              HasSubstr("no sole-proprietor business licence"));
}

TEST_F(MarketReviewTest, DeregistrationWithoutALicenceIsRefused) {
  for (const char* key : {"buyer_id", "unknown_id"}) {
    auto answer =
        copy_->Review(Deregistration(absl::StrCat("n-", key), Demo(key)));
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->decision(), v1::REVIEW_DECISION_REJECT) << key;
    EXPECT_THAT(answer->reason(),
                HasSubstr("holds no sole-proprietor business licence"));
  }
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM SC_DJJL WHERE YWLX = '3' AND "
                        "SLBH IS NOT NULL"),
            0);
}

TEST_F(MarketReviewTest, SeveralProprietorshipsNeedTheSurrenderedLicence) {
  const std::string second = MarketCreditCode(
      kIndividualBusiness, "110105", AssignedOrganisationCodeBody(9999999));
  ExecuteOnCopy(
      "INSERT INTO SC_ZTDJ (ZTSFDM, TYSHXYDM, ZZJGDM, ZTMC, ZTLX, FDDBR, "
      "FDDBRZJHM, ZS, JYFW, QXDM, DJJG, CLRQ, DJZT) VALUES ('110105ZT9', ?, "
      "'X', '北京市朝阳区第二便利店', '9600', '某', ?, '北京市朝阳区某路1号', "
      "'零售', '110105', '北京市朝阳区市场监督管理局', '2020/05/06', '1')",
      {second, Demo("sole_proprietor_id")});
  v1::ReviewRequest r =
      Deregistration("case-two-1", Demo("sole_proprietor_id"));
  auto unclear = copy_->Review(r);
  ASSERT_TRUE(unclear.ok()) << unclear.status();
  EXPECT_EQ(unclear->decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(unclear->reason(), HasSubstr("runs 2 sole proprietorships"));

  r = Deregistration("case-two-2", Demo("sole_proprietor_id"));
  r.mutable_materials(0)->set_reference(second);
  auto named = copy_->Review(r);
  ASSERT_TRUE(named.ok()) << named.status();
  ASSERT_EQ(named->decision(), v1::REVIEW_DECISION_APPROVE) << named->reason();
  EXPECT_EQ(Text(named->findings(), "credit_code"), second);
  // The other one is still in existence.
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM SC_ZTDJ WHERE TYSHXYDM = ? AND "
                        "DJZT = '1'",
                        {Demo("sole_proprietor_credit_code")}),
            1);
}

}  // namespace
}  // namespace market
}  // namespace datarun
