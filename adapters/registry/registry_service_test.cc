#include "adapters/registry/registry_service.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/registry/registry_schema.h"
#include "gtest/gtest.h"

namespace datarun {
namespace registry {
namespace {

using datagen::testing::CheckRecord;

class RegistryServiceTest
    : public datagen::testing::DepartmentServiceTest<RegistryService> {
 protected:
  RegistryServiceTest() : DepartmentServiceTest("registry.db") {}

  // The first column of the first row of `sql` on the shared store, with
  // `param` (when not empty) bound to its ?; "" when none.
  std::string One(const std::string& sql, const std::string& param = "") {
    return SharedStoreValue(sql, param.empty()
                                     ? std::vector<std::string>{}
                                     : std::vector<std::string>{param});
  }
};

TEST_F(RegistryServiceTest, DemoSellerIsMarriedToTheCoOwner) {
  for (const auto& [self, other] :
       {std::make_pair("seller_id", "seller_spouse_id"),
        std::make_pair("seller_spouse_id", "seller_id")}) {
    auto records = Fetch(kMarriage, Demo(self));
    ASSERT_TRUE(records.ok()) << records.status();
    ASSERT_EQ(records->size(), 1u);
    const v1::Record& r = (*records)[0];
    EXPECT_TRUE(CheckRecord(kMarriage, r).ok()) << CheckRecord(kMarriage, r);
    EXPECT_EQ(r.fields().at("marital_status").string_value(), "已婚");
    EXPECT_EQ(r.fields().at("spouse_id_number").string_value(), Demo(other));
    EXPECT_TRUE(r.fields().at("registered_on").has_date_value());
    EXPECT_NE(
        r.fields().at("registration_office").string_value().find("民政局"),
        std::string::npos);
  }
}

TEST_F(RegistryServiceTest, DemoSellersHousehold) {
  auto records = Fetch(kHousehold, Demo("seller_id"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kHousehold, r).ok()) << CheckRecord(kHousehold, r);
  EXPECT_EQ(r.fields().at("household_no").string_value(),
            Demo("seller_household_no"));
  EXPECT_EQ(r.fields().at("household_type").string_value(), "家庭户");
  // The couple's only flat is where they are registered.
  EXPECT_EQ(r.fields().at("address").string_value(), Demo("property_location"));
  const auto& members = r.fields().at("members").list_value().records();
  ASSERT_GE(members.size(), 2);
  EXPECT_EQ(members[0].fields().at("relation_to_head").string_value(), "户主");
  EXPECT_EQ(r.fields().at("head_name").string_value(),
            members[0].fields().at("name").string_value());
  bool seller = false, spouse = false;
  for (const v1::Record& m : members) {
    seller |= m.fields().at("id_number").string_value() == Demo("seller_id");
    spouse |=
        m.fields().at("id_number").string_value() == Demo("seller_spouse_id");
  }
  EXPECT_TRUE(seller && spouse);
}

TEST_F(RegistryServiceTest, LocalIdMustBelongToTheSubject) {
  std::string ryid =
      One("SELECT RYID FROM HJ_RY WHERE GMSFHM = ?", Demo("seller_id"));
  ASSERT_FALSE(ryid.empty());
  auto right = FetchWithLocalId(kMarriage, Demo("seller_id"), ryid);
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->size(), 1u);
  // The buyer's records, not the seller's, even with the seller's RYID.
  auto wrong = FetchWithLocalId(kMarriage, Demo("buyer_id"), ryid);
  ASSERT_TRUE(wrong.ok());
  ASSERT_EQ(wrong->size(), 1u);
  EXPECT_EQ((*wrong)[0].fields().at("spouse_id_number").string_value(),
            Demo("buyer_spouse_id"));
}

TEST_F(RegistryServiceTest, WidowedAndDivorcedAndNeverMarried) {
  std::string widowed =
      One("SELECT GMSFHM FROM HJ_RY WHERE HYZK = '30' AND RYZT = '0'");
  std::string divorced =
      One("SELECT GMSFHM FROM HJ_RY WHERE HYZK = '40' AND RYZT = '0'");
  std::string single =
      One("SELECT GMSFHM FROM HJ_RY WHERE HYZK = '10' AND RYZT = '0' "
          "AND CSRQ < '20000101'");
  ASSERT_FALSE(widowed.empty());
  auto w = Fetch(kMarriage, widowed);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(w->size(), 1u);
  EXPECT_TRUE(CheckRecord(kMarriage, (*w)[0]).ok())
      << CheckRecord(kMarriage, (*w)[0]);
  EXPECT_EQ((*w)[0].fields().at("marital_status").string_value(), "丧偶");
  // The late spouse's death date, from the register.
  std::string late = (*w)[0].fields().at("spouse_id_number").string_value();
  std::string died = One("SELECT ZXRQ FROM HJ_RY WHERE GMSFHM = ?", late);
  ASSERT_EQ(died.size(), 8u);
  EXPECT_EQ(
      (*w)[0].fields().at("registered_on").date_value(),
      died.substr(0, 4) + "-" + died.substr(4, 2) + "-" + died.substr(6, 2));
  // The deceased have no records.
  auto dead = Fetch(kMarriage, late);
  ASSERT_TRUE(dead.ok());
  EXPECT_TRUE(dead->empty());

  if (!divorced.empty()) {
    auto d = Fetch(kMarriage, divorced);
    ASSERT_TRUE(d.ok());
    ASSERT_EQ(d->size(), 1u);
    EXPECT_EQ((*d)[0].fields().at("marital_status").string_value(), "离异");
    EXPECT_TRUE((*d)[0].fields().at("spouse_id_number").has_string_value());
  }
  ASSERT_FALSE(single.empty());
  auto s = Fetch(kMarriage, single);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_TRUE(CheckRecord(kMarriage, (*s)[0]).ok())
      << CheckRecord(kMarriage, (*s)[0]);
  EXPECT_EQ((*s)[0].fields().at("marital_status").string_value(), "未婚");
  EXPECT_EQ((*s)[0].fields().at("spouse_name").kind_case(),
            v1::Value::KIND_NOT_SET);
  EXPECT_EQ((*s)[0].fields().at("registered_on").kind_case(),
            v1::Value::KIND_NOT_SET);
}

TEST_F(RegistryServiceTest, CollectiveHouseholdHasNoHead) {
  auto records = Fetch(kHousehold, Demo("collective_member_id"));
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_TRUE(CheckRecord(kHousehold, (*records)[0]).ok())
      << CheckRecord(kHousehold, (*records)[0]);
  EXPECT_EQ((*records)[0].fields().at("household_type").string_value(),
            "集体户");
  const auto& members = (*records)[0].fields().at("members").list_value();
  ASSERT_GE(members.records_size(), 2);
  EXPECT_EQ(members.records(0).fields().at("relation_to_head").string_value(),
            "其他");
  EXPECT_EQ((*records)[0].fields().at("head_name").kind_case(),
            v1::Value::KIND_NOT_SET);
}

TEST_F(RegistryServiceTest, UnknownSubjectDatasetAndField) {
  EXPECT_EQ(service_->datasets(),
            (std::vector<std::string>{kHousehold, kMarriage, kResident}));
  auto none = Fetch(kHousehold, Demo("unknown_id"));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(Fetch("tax.payment_certificate", Demo("seller_id")).status().code(),
            absl::StatusCode::kInvalidArgument);
  v1::FetchRequest request;
  request.set_dataset(kMarriage);
  request.set_subject(Demo("seller_id"));
  request.add_fields("HYZK");
  EXPECT_EQ(service_->Fetch(request).status().code(),
            absl::StatusCode::kInvalidArgument);
  request.clear_fields();
  request.add_fields("marital_status");
  auto only = service_->Fetch(request);
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ((*only)[0].fields().size(), 1u);
}

TEST_F(RegistryServiceTest, RelocatedPersonIsInTheNewHouseholdOnly) {
  const std::string& person = Demo("relocated_person_id");
  auto records = Fetch(kHousehold, person);
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].fields().at("household_no").string_value(),
            Demo("relocated_new_household_no"));
  EXPECT_EQ(
      (*records)[0].fields().at("head_name").string_value(),
      One("SELECT XM FROM HJ_RY WHERE GMSFHM = ? AND RYZT = '0'", person));
  // The old registration (迁出注销) is kept but is no key to the person:
  // with the old RYID the current household still comes back.
  std::string old_ryid =
      One("SELECT RYID FROM HJ_RY WHERE GMSFHM = ? AND RYZT = '2'", person);
  ASSERT_FALSE(old_ryid.empty());
  auto with_old = FetchWithLocalId(kHousehold, person, old_ryid);
  ASSERT_TRUE(with_old.ok());
  ASSERT_EQ(with_old->size(), 1u);
  EXPECT_EQ((*with_old)[0].fields().at("household_no").string_value(),
            Demo("relocated_new_household_no"));
  // The old household lists only its current members.
  auto parents = Fetch(
      kHousehold, One("SELECT GMSFHM FROM HJ_RY WHERE HH = ? AND RYZT = '0' "
                      "AND YHZGX = '02'",
                      Demo("relocated_old_household_no")));
  ASSERT_TRUE(parents.ok());
  ASSERT_EQ(parents->size(), 1u);
  EXPECT_EQ((*parents)[0].fields().at("household_no").string_value(),
            Demo("relocated_old_household_no"));
  for (const v1::Record& m :
       (*parents)[0].fields().at("members").list_value().records()) {
    EXPECT_NE(m.fields().at("id_number").string_value(), person);
  }
}

TEST_F(RegistryServiceTest, ResidentIdentityOfTheDemoSeller) {
  auto records = Fetch(kResident, Demo("seller_id"));
  ASSERT_TRUE(records.ok()) << records.status();
  ASSERT_EQ(records->size(), 1u);
  const v1::Record& r = (*records)[0];
  EXPECT_TRUE(CheckRecord(kResident, r).ok()) << CheckRecord(kResident, r);
  const auto& f = r.fields();
  const std::string& id = Demo("seller_id");
  EXPECT_EQ(f.at("name").string_value(), Demo("seller_name"));
  EXPECT_EQ(f.at("id_number").string_value(), id);
  // GB 11643: the 17th digit is odd for men; digits 7-14 are the birth date.
  EXPECT_EQ(f.at("sex").string_value(), (id[16] - '0') % 2 == 1 ? "男" : "女");
  EXPECT_EQ(f.at("birth_date").date_value(),
            id.substr(6, 4) + "-" + id.substr(10, 2) + "-" + id.substr(12, 2));
  EXPECT_TRUE(absl::EndsWith(f.at("ethnicity").string_value(), "族"))
      << f.at("ethnicity").string_value();
  EXPECT_EQ(f.at("household_no").string_value(), Demo("seller_household_no"));
  EXPECT_EQ(f.at("address").string_value(), Demo("property_location"));
  EXPECT_EQ(f.at("status").string_value(), "正常");

  // The relocated person: the current registration.
  auto moved = Fetch(kResident, Demo("relocated_person_id"));
  ASSERT_TRUE(moved.ok());
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ((*moved)[0].fields().at("household_no").string_value(),
            Demo("relocated_new_household_no"));
  EXPECT_EQ((*moved)[0].fields().at("status").string_value(), "正常");
}

TEST_F(RegistryServiceTest, ResidentShowsEndedRegistrationsWithTheirStatus) {
  std::string dead = One("SELECT GMSFHM FROM HJ_RY WHERE RYZT = '1'");
  ASSERT_FALSE(dead.empty());
  auto records = Fetch(kResident, dead);
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_TRUE(CheckRecord(kResident, (*records)[0]).ok())
      << CheckRecord(kResident, (*records)[0]);
  EXPECT_EQ((*records)[0].fields().at("status").string_value(), "死亡注销");
  // Household data is for registered residents only.
  auto household = Fetch(kHousehold, dead);
  ASSERT_TRUE(household.ok());
  EXPECT_TRUE(household->empty());
  auto unknown = Fetch(kResident, Demo("unknown_id"));
  ASSERT_TRUE(unknown.ok());
  EXPECT_TRUE(unknown->empty());
  auto only = Fetch(kResident, Demo("buyer_id"), {"status"});
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->size(), 1u);
  EXPECT_EQ((*only)[0].fields().size(), 1u);
  EXPECT_EQ(Fetch(kResident, Demo("buyer_id"), {"MZ"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryServiceTest, ListLocalIdsExportsCurrentRegistrations) {
  std::vector<v1::LocalIdAssertion> all = CheckLocalIdPaging();
  const int current =
      std::stoi(One("SELECT count(*) FROM HJ_RY WHERE RYZT = '0'"));
  EXPECT_EQ(all.size(), 2u * current);
  std::map<std::string, std::vector<const v1::LocalIdAssertion*>> by_subject;
  for (const v1::LocalIdAssertion& a : all) {
    EXPECT_TRUE(a.kind() == "person_number" || a.kind() == "household_number")
        << a.kind();
    EXPECT_EQ(a.primary(), a.kind() == "person_number");
    by_subject[a.subject()].push_back(&a);
  }
  // The relocated person: the new RYID and the new household only.
  const auto& moved = by_subject[Demo("relocated_person_id")];
  ASSERT_EQ(moved.size(), 2u);
  EXPECT_EQ(moved[0]->kind(), "person_number");
  EXPECT_EQ(moved[0]->value(),
            One("SELECT RYID FROM HJ_RY WHERE GMSFHM = ? AND RYZT = '0'",
                Demo("relocated_person_id")));
  EXPECT_EQ(moved[1]->kind(), "household_number");
  EXPECT_EQ(moved[1]->value(), Demo("relocated_new_household_no"));
  EXPECT_EQ(moved[0]->basis().rfind("HJ_RY registration ", 0), 0u);
  // The deceased are not exported.
  std::string dead = One("SELECT GMSFHM FROM HJ_RY WHERE RYZT = '1'");
  EXPECT_EQ(by_subject.count(dead), 0u);
  // The exported RYID is a key Fetch accepts.
  auto records = FetchWithLocalId(kHousehold, Demo("relocated_person_id"),
                                  moved[0]->value());
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  // A token of another department's listing is refused.
  auto page = ListPage(
      "7461782e444a5f4e535258587c307c3131303130385a3030303030303030303131", 10);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryServiceTest, EmptyStoreListsNothing) {
  ExpectEmptyStoreListsNothing(SchemaSql());
}

TEST(RegistryServiceOpenTest, MissingAndForeignStoresAreRefused) {
  datagen::testing::ExpectMissingAndForeignStoresRefused<RegistryService>(
      "registry.db", "tax.db", "HJ_HU");
}

}  // namespace
}  // namespace registry
}  // namespace datarun
