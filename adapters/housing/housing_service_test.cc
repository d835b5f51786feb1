#include "adapters/housing/housing_service.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/housing/housing_schema.h"
#include "gtest/gtest.h"

namespace datarun {
namespace housing {
namespace {

using datagen::testing::CheckRecord;

class HousingServiceTest
    : public datagen::testing::DepartmentServiceTest<HousingService> {
 protected:
  HousingServiceTest() : DepartmentServiceTest("housing.db") {}
};

TEST_F(HousingServiceTest, DescribesItself) {
  EXPECT_EQ(service_->department(), "housing");
  EXPECT_EQ(service_->datasets(),
            (std::vector<std::string>{"housing.sale_contract",
                                      "housing.dwelling_count"}));
}

TEST_F(HousingServiceTest, DemoContractSeenBySellerAndBuyer) {
  for (const char* who : {"seller_id", "buyer_id"}) {
    auto records = Fetch(kSaleContract, Demo(who));
    ASSERT_TRUE(records.ok()) << records.status();
    const v1::Record* demo = nullptr;
    for (const v1::Record& r : *records) {
      EXPECT_TRUE(CheckRecord(kSaleContract, r).ok())
          << CheckRecord(kSaleContract, r);
      if (r.fields().at("contract_no").string_value() == Demo("contract_no"))
        demo = &r;
    }
    ASSERT_NE(demo, nullptr) << who;
    const auto& f = demo->fields();
    EXPECT_EQ(f.at("seller_id_number").string_value(), Demo("seller_id"));
    EXPECT_EQ(f.at("seller_name").string_value(), Demo("seller_name"));
    EXPECT_EQ(f.at("buyer_id_number").string_value(), Demo("buyer_id"));
    EXPECT_EQ(f.at("buyer_name").string_value(), Demo("buyer_name"));
    EXPECT_EQ(f.at("property_unit_no").string_value(),
              Demo("property_unit_no"));
    EXPECT_EQ(f.at("location").string_value(), Demo("property_location"));
    EXPECT_EQ(f.at("price").decimal_value(), Demo("contract_price"));
    EXPECT_EQ(f.at("area").decimal_value(), Demo("property_area"));
    EXPECT_EQ(f.at("status").string_value(), "已备案");
    EXPECT_LE(f.at("signed_on").date_value(), f.at("filed_on").date_value());
  }
}

TEST_F(HousingServiceTest, DemoBuyerDwellingCount) {
  auto records = Fetch(kDwellingCount, Demo("buyer_id"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kDwellingCount, r).ok())
      << CheckRecord(kDwellingCount, r);
  EXPECT_EQ(std::to_string(r.fields().at("dwelling_count").int_value()),
            Demo("buyer_dwelling_count"));
  EXPECT_EQ(r.fields().at("first_home").bool_value() ? "true" : "false",
            Demo("buyer_first_home"));
  const auto& members = r.fields().at("family_members").list_value().records();
  ASSERT_GE(members.size(), 2);
  EXPECT_EQ(members[0].fields().at("relation").string_value(), "本人");
  EXPECT_EQ(members[0].fields().at("id_number").string_value(),
            Demo("buyer_id"));
  EXPECT_EQ(members[1].fields().at("relation").string_value(), "配偶");
  EXPECT_EQ(members[1].fields().at("id_number").string_value(),
            Demo("buyer_spouse_id"));
  // The spouse belongs to the same counted family.
  auto spouse = Fetch(kDwellingCount, Demo("buyer_spouse_id"));
  ASSERT_TRUE(spouse.ok());
  ASSERT_EQ(spouse->size(), 1u);
  EXPECT_EQ((*spouse)[0].fields().at("dwelling_count").int_value(),
            r.fields().at("dwelling_count").int_value());
}

TEST_F(HousingServiceTest, SellerOfAFiledSaleStillCountsTheFlat) {
  auto records = Fetch(kDwellingCount, Demo("seller_id"));
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].fields().at("dwelling_count").int_value(), 1);
  EXPECT_FALSE((*records)[0].fields().at("first_home").bool_value());
}

TEST_F(HousingServiceTest, UnknownSubjectAndUnknownField) {
  auto none = Fetch(kSaleContract, Demo("unknown_id"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  none = Fetch(kDwellingCount, Demo("unknown_id"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto bad = Fetch(kSaleContract, Demo("seller_id"), {"price", "CJJG"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'CJJG'"), std::string::npos);
  auto some = Fetch(kSaleContract, Demo("seller_id"), {"price"});
  ASSERT_TRUE(some.ok());
  ASSERT_FALSE(some->empty());
  EXPECT_EQ((*some)[0].fields().size(), 1u);
}

TEST_F(HousingServiceTest, CompanyAsBuyer) {
  auto records = Fetch(kSaleContract, Demo("company_buyer_credit_code"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kSaleContract, r).ok())
      << CheckRecord(kSaleContract, r);
  EXPECT_EQ(r.fields().at("contract_no").string_value(),
            Demo("company_buyer_contract_no"));
  EXPECT_EQ(r.fields().at("buyer_id_number").string_value(),
            Demo("company_buyer_credit_code"));
  EXPECT_EQ(r.fields().at("buyer_name").string_value(),
            Demo("company_buyer_name"));
  EXPECT_EQ(r.fields().at("seller_id_number").string_value(),
            Demo("company_buyer_seller_id"));
  EXPECT_EQ(r.fields().at("property_unit_no").string_value(),
            Demo("company_buyer_property_unit_no"));
  // Organisations have no dwelling count.
  auto count = Fetch(kDwellingCount, Demo("company_buyer_credit_code"));
  ASSERT_TRUE(count.ok());
  EXPECT_TRUE(count->empty());
}

TEST_F(HousingServiceTest, ListLocalIdsExportsEveryFamilyMember) {
  std::vector<v1::LocalIdAssertion> all = CheckLocalIdPaging();
  std::set<std::pair<std::string, std::string>> expected;
  for (const auto& row : SharedStoreRows("SELECT ZJHM, JTBH FROM FW_TJ_CY")) {
    expected.emplace(row[0], row[1]);
  }
  std::set<std::pair<std::string, std::string>> listed;
  std::string buyer_family, seller_family;
  for (const v1::LocalIdAssertion& a : all) {
    EXPECT_EQ(a.kind(), "family_number");
    EXPECT_TRUE(a.primary());  // one count per person here
    EXPECT_EQ(a.basis().rfind("FW_TJ dwelling count ", 0), 0u) << a.basis();
    listed.emplace(a.subject(), a.value());
    if (a.subject() == Demo("buyer_id")) buyer_family = a.value();
    if (a.subject() == Demo("seller_id")) seller_family = a.value();
  }
  EXPECT_EQ(listed, expected);
  ASSERT_FALSE(buyer_family.empty());
  ASSERT_FALSE(seller_family.empty());
  // The family number leads Fetch to that family...
  auto own = FetchWithLocalId(kDwellingCount, Demo("buyer_id"), buyer_family);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ(std::to_string((*own)[0].fields().at("dwelling_count").int_value()),
            Demo("buyer_dwelling_count"));
  // ...but another family's number never shows that family.
  auto other =
      FetchWithLocalId(kDwellingCount, Demo("buyer_id"), seller_family);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0]
                .fields()
                .at("family_members")
                .list_value()
                .records(0)
                .fields()
                .at("id_number")
                .string_value(),
            Demo("buyer_id"));
}

TEST_F(HousingServiceTest, EmptyStoreListsNothing) {
  ExpectEmptyStoreListsNothing(SchemaSql());
}

TEST(HousingServiceOpenTest, MissingAndForeignStoresAreRefused) {
  datagen::testing::ExpectMissingAndForeignStoresRefused<HousingService>(
      "housing.db", "land.db", "HT_BA");
}

}  // namespace
}  // namespace housing
}  // namespace datarun
