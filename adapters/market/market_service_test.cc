#include "adapters/market/market_service.h"

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/market/market_schema.h"
#include "exchange/identity/credit_code.h"
#include "exchange/identity/resident_id.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace datarun {
namespace market {
namespace {

using datagen::testing::CheckRecord;

std::string Text(const v1::Record& r, const std::string& field) {
  auto it = r.fields().find(field);
  if (it == r.fields().end()) return "<absent>";
  const v1::Value& v = it->second;
  switch (v.kind_case()) {
    case v1::Value::kStringValue:
      return v.string_value();
    case v1::Value::kDateValue:
      return v.date_value();
    case v1::Value::kDecimalValue:
      return v.decimal_value();
    default:
      return "";
  }
}

class MarketServiceTest
    : public datagen::testing::DepartmentServiceTest<MarketService> {
 protected:
  MarketServiceTest() : DepartmentServiceTest("market.db") {}
};

TEST_F(MarketServiceTest, DescribesItself) {
  EXPECT_EQ(service_->department(), "market");
  EXPECT_EQ(service_->datasets(),
            std::vector<std::string>{"market.business_licence"});
}

TEST_F(MarketServiceTest, TheDemoSoleProprietorsLicence) {
  auto records = Fetch(kBusinessLicence, Demo("sole_proprietor_id"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kBusinessLicence, r).ok())
      << CheckRecord(kBusinessLicence, r);
  EXPECT_EQ(Text(r, "credit_code"), Demo("sole_proprietor_credit_code"));
  EXPECT_EQ(Text(r, "entity_type"), "个体工商户");
  EXPECT_EQ(Text(r, "status"), "存续");
  EXPECT_EQ(Text(r, "licence_no"), Demo("sole_proprietor_licence_no"));
  EXPECT_EQ(Text(r, "licence_status"), "有效");
  EXPECT_EQ(Text(r, "legal_representative"), Demo("sole_proprietor_name"));
  EXPECT_EQ(Text(r, "legal_representative_id_number"),
            Demo("sole_proprietor_id"));
  // Run in the shop the operator owns.
  EXPECT_EQ(Text(r, "premises_certificate_no"),
            Demo("founder_premises_certificate_no"));
  EXPECT_EQ(r.fields().at("registered_capital").kind_case(),
            v1::Value::KIND_NOT_SET);
  EXPECT_EQ(r.fields().at("deregistered_on").kind_case(),
            v1::Value::KIND_NOT_SET);
  auto info = identity::ParseCreditCode(Text(r, "credit_code"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->registration_authority, '9');
  EXPECT_EQ(info->organisation_type, '2');  // individual business

  // The same record under the credit code.
  auto by_code = Fetch(kBusinessLicence, Demo("sole_proprietor_credit_code"));
  ASSERT_TRUE(by_code.ok());
  ASSERT_EQ(by_code->size(), 1u);
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals((*by_code)[0], r));
}

TEST_F(MarketServiceTest, CompaniesTheTaxBureauKnowsAreRegistered) {
  auto records = Fetch(kBusinessLicence, Demo("company_credit_code"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kBusinessLicence, r).ok())
      << CheckRecord(kBusinessLicence, r);
  EXPECT_EQ(Text(r, "name"), Demo("company_name"));
  EXPECT_EQ(Text(r, "status"), "存续");
  EXPECT_NE(Text(r, "registered_capital"), "");
  EXPECT_TRUE(
      identity::ParseResidentId(Text(r, "legal_representative_id_number"))
          .ok());
  auto buyer = Fetch(kBusinessLicence, Demo("company_buyer_credit_code"));
  ASSERT_TRUE(buyer.ok());
  EXPECT_EQ(buyer->size(), 1u);
}

TEST_F(MarketServiceTest, EveryEntityIsServedConsistently) {
  const auto rows = SharedStoreRows(
      "SELECT TYSHXYDM, DJZT, ZTLX, ZXRQ IS NOT NULL, "
      "(SELECT count(*) FROM SC_DJJL j WHERE j.ZTSFDM = z.ZTSFDM AND "
      "j.YWLX = '2') FROM SC_ZTDJ z");
  ASSERT_GT(rows.size(), 5u);
  int ended = 0, moved = 0;
  for (const auto& row : rows) {
    auto records = Fetch(kBusinessLicence, row[0]);
    ASSERT_TRUE(records.ok()) << records.status();
    ASSERT_EQ(records->size(), 1u) << row[0];
    const v1::Record& r = (*records)[0];
    EXPECT_TRUE(CheckRecord(kBusinessLicence, r).ok())
        << CheckRecord(kBusinessLicence, r);
    EXPECT_TRUE(identity::ParseCreditCode(row[0]).ok()) << row[0];
    const bool cancelled = row[1] == "2";
    EXPECT_EQ(Text(r, "status"), cancelled ? "注销" : "存续");
    EXPECT_EQ(row[3] == "1", cancelled);
    EXPECT_EQ(Text(r, "licence_status"), cancelled ? "已缴销" : "有效");
    if (row[4] != "0") {
      ++moved;
      // Moved to leased premises: no title certificate any more.
      EXPECT_EQ(r.fields().at("premises_certificate_no").kind_case(),
                v1::Value::KIND_NOT_SET);
    }
    ended += cancelled;
  }
  EXPECT_GT(ended + moved, 0) << "the data set has no history to check";
}

TEST_F(MarketServiceTest, PeopleWithoutABusinessAndUnknownSubjects) {
  for (const char* key : {"buyer_id", "unknown_id", "seller_id"}) {
    auto records = Fetch(kBusinessLicence, Demo(key));
    ASSERT_TRUE(records.ok()) << key << ": " << records.status();
    EXPECT_TRUE(records->empty()) << key;
  }
}

TEST_F(MarketServiceTest, OperatorsUnderALegacyNumberAreFoundWith18Digits) {
  std::unique_ptr<MarketService> copy = OpenStoreCopy();
  ASSERT_NE(copy, nullptr);
  ExecuteOnCopy(
      "INSERT INTO SC_ZTDJ (ZTSFDM, TYSHXYDM, ZZJGDM, ZTMC, ZTLX, FDDBR, "
      "FDDBRZJHM, ZS, JYFW, QXDM, DJJG, CLRQ, DJZT) VALUES ('110105ZT9', "
      "'92110105MAY000001X', 'MAY000001', '北京市朝阳区老号便利店', '9600', "
      "'老号', ?, '北京市朝阳区某路1号', '零售', '110105', "
      "'北京市朝阳区市场监督管理局', '2003/05/06', '1')",
      {Demo("legacy15_form")});
  v1::FetchRequest request;
  request.set_dataset(kBusinessLicence);
  request.set_subject(Demo("legacy15_person_id"));
  auto records = copy->Fetch(request);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ(Text((*records)[0], "legal_representative_id_number"),
            Demo("legacy15_person_id"));
  EXPECT_EQ(Text((*records)[0], "established_on"), "2003-05-06");
}

TEST_F(MarketServiceTest, OnlyRequestedFieldsAndNoUnknownOnes) {
  auto records = Fetch(kBusinessLicence, Demo("sole_proprietor_id"),
                       {"credit_code", "status"});
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].fields().size(), 2u);
  auto bad = Fetch(kBusinessLicence, Demo("sole_proprietor_id"), {"ZTMC"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'ZTMC'"), std::string::npos);
  EXPECT_EQ(bad.status().message().find(Demo("sole_proprietor_id")),
            std::string::npos);
  auto other = Fetch("land.property_title", Demo("sole_proprietor_id"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(MarketServiceTest, ListLocalIdsExportsEntitiesInExistence) {
  std::vector<v1::LocalIdAssertion> all = CheckLocalIdPaging();
  std::set<std::tuple<std::string, std::string, std::string>> expected;
  for (const auto& row :
       SharedStoreRows("SELECT TYSHXYDM, ZTSFDM, ZTLX, FDDBRZJHM FROM SC_ZTDJ "
                       "WHERE DJZT = '1'")) {
    expected.emplace(row[0], "entity_id", row[1]);
    if (row[2] == "9600")
      expected.emplace(row[3], "sole_proprietorship", row[1]);
  }
  std::set<std::tuple<std::string, std::string, std::string>> listed;
  for (const v1::LocalIdAssertion& a : all) {
    EXPECT_FALSE(a.primary());
    EXPECT_EQ(a.basis().rfind("SC_ZTDJ ", 0), 0u) << a.basis();
    listed.emplace(a.subject(), a.kind(), a.value());
  }
  EXPECT_EQ(listed, expected);
  bool operator_listed = false;
  for (const auto& [subject, kind, value] : listed) {
    operator_listed |=
        subject == Demo("sole_proprietor_id") && kind == "sole_proprietorship";
  }
  EXPECT_TRUE(operator_listed);
}

TEST_F(MarketServiceTest, EmptyStoreListsNothing) {
  ExpectEmptyStoreListsNothing(SchemaSql());
}

TEST(MarketServiceOpenTest, MissingAndForeignStoresAreRefused) {
  datagen::testing::ExpectMissingAndForeignStoresRefused<MarketService>(
      "market.db", "tax.db", "SC_ZTDJ");
}

}  // namespace
}  // namespace market
}  // namespace datarun
