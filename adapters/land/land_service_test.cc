#include "adapters/land/land_service.h"

#include <map>
#include <string>

#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "gtest/gtest.h"

namespace datarun {
namespace land {
namespace {

using datagen::testing::CheckRecord;
using datagen::testing::SharedTestDataDir;

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
  auto db = legacy::SqliteDb::Open(SharedTestDataDir() + "/land.db",
                                   legacy::SqliteDb::Mode::kReadOnly);
  ASSERT_TRUE(db.ok());
  std::string with_x;
  ASSERT_TRUE(
      (*db)
          ->Query(
              "SELECT q.ZJHM FROM BDC_QLR q JOIN BDC_QZ z ON z.QZID = q.QZID "
              "WHERE q.ZJHM LIKE '%X' AND z.QSZT = 1 LIMIT 1",
              {},
              [&](const legacy::SqliteRow& row) {
                with_x = std::string(row.Text(0));
                return absl::OkStatus();
              })
          .ok());
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

TEST(LandServiceOpenTest, MissingAndForeignStoresAreRefused) {
  auto missing = LandService::Open("/nonexistent/land.db");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  auto foreign = LandService::Open(SharedTestDataDir() + "/tax.db");
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(foreign.status().message().find("BDC_"), std::string::npos)
      << foreign.status();
}

}  // namespace
}  // namespace land
}  // namespace datarun
