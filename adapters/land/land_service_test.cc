#include "adapters/land/land_service.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/land/land_schema.h"
#include "gtest/gtest.h"

namespace datarun {
namespace land {
namespace {

using datagen::testing::CheckRecord;

class LandServiceTest
    : public datagen::testing::DepartmentServiceTest<LandService> {
 protected:
  LandServiceTest() : DepartmentServiceTest("land.db") {}
};

TEST_F(LandServiceTest, DescribesItself) {
  EXPECT_EQ(service_->department(), "land");
  EXPECT_EQ(service_->datasets(),
            (std::vector<std::string>{"land.property_title", "land.parcel"}));
}

TEST_F(LandServiceTest, DemoSellersTitleMatchesCatalogAndRegister) {
  auto records = Fetch(kPropertyTitle, Demo("seller_id"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kPropertyTitle, r).ok())
      << CheckRecord(kPropertyTitle, r);
  const auto& f = r.fields();
  EXPECT_EQ(f.at("certificate_no").string_value(),
            Demo("property_certificate_no"));
  EXPECT_EQ(f.at("property_unit_no").string_value(), Demo("property_unit_no"));
  EXPECT_EQ(f.at("location").string_value(), Demo("property_location"));
  EXPECT_EQ(f.at("area").decimal_value(), Demo("property_area"));
  EXPECT_EQ(f.at("usage").string_value(), "住宅");
  EXPECT_EQ(f.at("co_ownership").string_value(), "按份共有");
  EXPECT_FALSE(f.at("mortgaged").bool_value());
  EXPECT_EQ(f.at("mortgage_holder").kind_case(), v1::Value::KIND_NOT_SET);
  EXPECT_FALSE(f.at("seized").bool_value());
  EXPECT_EQ(f.at("seizure_authority").kind_case(), v1::Value::KIND_NOT_SET);
  const auto& owners = f.at("owners").list_value().records();
  ASSERT_EQ(owners.size(), 2);
  EXPECT_EQ(owners[0].fields().at("id_number").string_value(),
            Demo("seller_id"));
  EXPECT_EQ(owners[0].fields().at("name").string_value(), Demo("seller_name"));
  EXPECT_EQ(owners[0].fields().at("id_type").string_value(), "居民身份证");
  EXPECT_EQ(owners[0].fields().at("share").decimal_value(), "0.50");
  EXPECT_EQ(owners[1].fields().at("id_number").string_value(),
            Demo("seller_spouse_id"));
  EXPECT_EQ(owners[1].fields().at("share").decimal_value(), "0.50");

  // The spouse sees the same title.
  auto spouse = Fetch(kPropertyTitle, Demo("seller_spouse_id"));
  ASSERT_TRUE(spouse.ok());
  ASSERT_EQ(spouse->size(), 1u);
  EXPECT_EQ((*spouse)[0].fields().at("certificate_no").string_value(),
            Demo("property_certificate_no"));
}

TEST_F(LandServiceTest, ParcelOfTheDemoFlat) {
  auto records = Fetch(kParcel, Demo("seller_id"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kParcel, r).ok()) << CheckRecord(kParcel, r);
  // The 28-character unit number starts with its 19-character parcel code.
  EXPECT_EQ(r.fields().at("parcel_no").string_value(),
            Demo("property_unit_no").substr(0, 19));
  EXPECT_EQ(r.fields().at("land_use").string_value(), "城镇住宅用地");
}

TEST_F(LandServiceTest, CompletedSaleMovesTheTitle) {
  auto seller = Fetch(kPropertyTitle, Demo("completed_seller_id"));
  ASSERT_TRUE(seller.ok());
  for (const v1::Record& r : *seller) {
    EXPECT_NE(r.fields().at("certificate_no").string_value(),
              Demo("completed_new_certificate_no"));
  }
  auto buyer = Fetch(kPropertyTitle, Demo("completed_buyer_id"));
  ASSERT_TRUE(buyer.ok());
  bool found = false;
  for (const v1::Record& r : *buyer) {
    EXPECT_TRUE(CheckRecord(kPropertyTitle, r).ok())
        << CheckRecord(kPropertyTitle, r);
    found |= r.fields().at("certificate_no").string_value() ==
             Demo("completed_new_certificate_no");
  }
  EXPECT_TRUE(found);
}

TEST_F(LandServiceTest, CompanyTitlesUseTheCreditCode) {
  auto records = Fetch(kPropertyTitle, Demo("company_credit_code"));
  ASSERT_TRUE(records.ok());
  ASSERT_FALSE(records->empty());
  for (const v1::Record& r : *records) {
    EXPECT_TRUE(CheckRecord(kPropertyTitle, r).ok())
        << CheckRecord(kPropertyTitle, r);
    const auto& owner =
        r.fields().at("owners").list_value().records(0).fields();
    EXPECT_EQ(owner.at("id_type").string_value(), "统一社会信用代码");
    EXPECT_EQ(owner.at("share").decimal_value(), "1.00");
    EXPECT_NE(r.fields().at("usage").string_value(), "住宅");
  }
}

TEST_F(LandServiceTest, UnknownSubjectHasNoRecords) {
  auto records = Fetch(kPropertyTitle, Demo("unknown_id"));
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
  records = Fetch(kParcel, Demo("unknown_id"));
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
}

TEST_F(LandServiceTest, ReturnsOnlyRequestedFieldsAndRejectsUnknownOnes) {
  auto records =
      Fetch(kPropertyTitle, Demo("seller_id"), {"certificate_no", "mortgaged"});
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].fields().size(), 2u);
  EXPECT_TRUE(CheckRecord(kPropertyTitle, (*records)[0], false).ok());

  auto bad = Fetch(kPropertyTitle, Demo("seller_id"), {"QZH"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'QZH'"), std::string::npos);
  // The subject never appears in errors.
  EXPECT_EQ(bad.status().message().find(Demo("seller_id")), std::string::npos);

  auto other = Fetch("tax.payment_certificate", Demo("seller_id"));
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LandServiceTest, LowerCaseCheckCharacterFindsTheSameRecords) {
  // Find a right holder whose number ends in X, if the data has one.
  const std::string with_x = SharedStoreValue(
      "SELECT q.ZJHM FROM BDC_QLR q JOIN BDC_QZ z ON z.QZID = q.QZID "
      "WHERE q.ZJHM LIKE '%X' AND z.QSZT = 1 LIMIT 1");
  if (with_x.empty())
    GTEST_SKIP() << "no identity number ending in X in the test data";
  std::string lower = with_x;
  lower.back() = 'x';
  auto upper_records = Fetch(kPropertyTitle, with_x);
  auto lower_records = Fetch(kPropertyTitle, lower);
  ASSERT_TRUE(upper_records.ok() && lower_records.ok());
  EXPECT_FALSE(upper_records->empty());
  EXPECT_EQ(upper_records->size(), lower_records->size());
}

TEST_F(LandServiceTest, OldTitleRecordedUnderTheLegacyNumberIsFound) {
  // The old system recorded the holder under the 15-digit number; the
  // exchange asks with the 18-digit one and sees 18 digits.
  auto records = Fetch(kPropertyTitle, Demo("legacy15_person_id"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kPropertyTitle, r).ok())
      << CheckRecord(kPropertyTitle, r);
  EXPECT_EQ(r.fields().at("certificate_no").string_value(),
            Demo("legacy15_certificate_no"));
  EXPECT_LT(r.fields().at("registered_on").date_value(), "2008-01-01");
  const auto& owner = r.fields().at("owners").list_value().records(0).fields();
  EXPECT_EQ(owner.at("id_number").string_value(), Demo("legacy15_person_id"));
  auto parcels = Fetch(kParcel, Demo("legacy15_person_id"));
  ASSERT_TRUE(parcels.ok());
  EXPECT_EQ(parcels->size(), 1u);
  // The store itself holds the 15-digit form only.
  EXPECT_EQ(
      SharedStoreRows("SELECT count(*), (SELECT count(*) FROM BDC_QLR "
                      "WHERE ZJHM = ?2) FROM BDC_QLR WHERE ZJHM = ?1",
                      {Demo("legacy15_form"), Demo("legacy15_person_id")}),
      (std::vector<std::vector<std::string>>{{"1", "0"}}));
}

TEST_F(LandServiceTest, CompanyBuyerHoldsTheTransferredTitle) {
  auto records = Fetch(kPropertyTitle, Demo("company_buyer_credit_code"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const auto& f = (*records)[0].fields();
  EXPECT_EQ(f.at("property_unit_no").string_value(),
            Demo("company_buyer_property_unit_no"));
  EXPECT_EQ(f.at("usage").string_value(), "住宅");
  const auto& owners = f.at("owners").list_value().records();
  ASSERT_EQ(owners.size(), 1);
  EXPECT_EQ(owners[0].fields().at("id_number").string_value(),
            Demo("company_buyer_credit_code"));
  EXPECT_EQ(owners[0].fields().at("id_type").string_value(),
            "统一社会信用代码");
  EXPECT_EQ(owners[0].fields().at("name").string_value(),
            Demo("company_buyer_name"));
  // The seller no longer holds it.
  auto seller = Fetch(kPropertyTitle, Demo("company_buyer_seller_id"));
  ASSERT_TRUE(seller.ok());
  for (const v1::Record& r : *seller) {
    EXPECT_NE(r.fields().at("property_unit_no").string_value(),
              Demo("company_buyer_property_unit_no"));
  }
}

TEST_F(LandServiceTest, ListLocalIdsExportsHoldersOfTitlesInForce) {
  std::vector<v1::LocalIdAssertion> all = CheckLocalIdPaging();
  std::set<std::pair<std::string, std::string>> expected;
  for (const auto& row :
       SharedStoreRows("SELECT q.ZJHM, z.QZH FROM BDC_QLR q JOIN BDC_QZ z "
                       "ON z.QZID = q.QZID WHERE z.QSZT = 1")) {
    expected.emplace(row[0], row[1]);
  }
  std::set<std::pair<std::string, std::string>> listed;
  for (const v1::LocalIdAssertion& a : all) {
    EXPECT_EQ(a.kind(), "title_certificate");
    EXPECT_FALSE(a.primary());
    EXPECT_EQ(a.basis().rfind("BDC_QZ registered ", 0), 0u) << a.basis();
    listed.emplace(a.subject(), a.value());
  }
  EXPECT_EQ(listed, expected);
  // Sent as found: the legacy holder under the 15-digit number, the company
  // under its credit code; superseded titles are not sent.
  EXPECT_EQ(
      listed.count({Demo("legacy15_form"), Demo("legacy15_certificate_no")}),
      1u);
  EXPECT_EQ(listed.count({Demo("seller_id"), Demo("property_certificate_no")}),
            1u);
  for (const auto& [subject, value] : listed) {
    EXPECT_NE(subject, Demo("legacy15_person_id"));
    EXPECT_FALSE(subject == Demo("completed_seller_id") &&
                 value == Demo("completed_new_certificate_no"));
  }
  EXPECT_EQ(listed.count({Demo("completed_buyer_id"),
                          Demo("completed_new_certificate_no")}),
            1u);
}

TEST_F(LandServiceTest, EmptyStoreListsNothing) {
  ExpectEmptyStoreListsNothing(SchemaSql());
}

TEST(LandServiceOpenTest, MissingAndForeignStoresAreRefused) {
  datagen::testing::ExpectMissingAndForeignStoresRefused<LandService>(
      "land.db", "tax.db", "BDC_ZD");
}

}  // namespace
}  // namespace land
}  // namespace datarun
