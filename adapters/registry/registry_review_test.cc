// RegistryService::Review (relocation) over a copy of the shared generated
// data set's registry store; the dwelling titles come from its land store,
// as the case engine would pull them.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "adapters/datagen/testing/department_service_test.h"
#include "adapters/datagen/testing/review_request.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/legacy_store/legacy_format.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/registry/registry_service.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace datarun {
namespace registry {
namespace {

using datagen::testing::CaseReviewRequest;
using datagen::testing::CheckRecord;
using datagen::testing::SharedTestDataDir;
using google::protobuf::util::MessageDifferencer;
using ::testing::HasSubstr;

std::string Text(const v1::Record& r, const std::string& field) {
  auto it = r.fields().find(field);
  if (it == r.fields().end()) return "<absent>";
  const v1::Value& v = it->second;
  return v.has_date_value() ? v.date_value() : v.string_value();
}

class RegistryReviewTest
    : public datagen::testing::DepartmentServiceTest<RegistryService> {
 protected:
  RegistryReviewTest() : DepartmentServiceTest("registry.db") {}

  void SetUp() override {
    DepartmentServiceTest::SetUp();
    copy_ = OpenStoreCopy();
    ASSERT_NE(copy_, nullptr);
    const absl::CivilDay today =
        absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
    today_ = absl::FormatCivilTime(today);
    compact_today_ = absl::StrCat(today_.substr(0, 4), today_.substr(5, 2),
                                  today_.substr(8, 2));
  }

  // The subject's titles in force as land.property_title records with the
  // fields the household_relocation case type pulls.
  v1::StepMaterial Titles(const std::string& subject) {
    v1::StepMaterial m;
    m.set_material("dwelling_title");
    m.set_dataset("land.property_title");
    auto db = legacy::SqliteDb::Open(SharedTestDataDir() + "/land.db",
                                     legacy::SqliteDb::Mode::kReadOnly);
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return m;
    const std::string legacy15 = legacy::LegacyResidentIdForm(subject);
    EXPECT_TRUE(
        (*db)
            ->Query(
                "SELECT z.QZH, z.BDCDYH, f.ZL, y.MC FROM BDC_QLR q JOIN "
                "BDC_QZ z ON z.QZID = q.QZID JOIN BDC_FW f ON f.BDCDYH = "
                "z.BDCDYH LEFT JOIN DM_FWYT y ON y.DM = f.GHYT WHERE q.ZJHM "
                "IN (?1, ?2) AND z.QSZT = 1 ORDER BY z.DJSJ, z.QZID",
                {subject, legacy15.empty() ? subject : legacy15},
                [&](const legacy::SqliteRow& row) {
                  auto& f = *m.add_records()->mutable_fields();
                  f["certificate_no"].set_string_value(
                      std::string(row.Text(0)));
                  f["property_unit_no"].set_string_value(
                      std::string(row.Text(1)));
                  f["location"].set_string_value(std::string(row.Text(2)));
                  f["usage"].set_string_value(std::string(row.Text(3)));
                  return absl::OkStatus();
                })
            .ok());
    return m;
  }

  v1::ReviewRequest Relocation(const std::string& case_id,
                               const std::string& applicant,
                               const v1::StepMaterial& titles) {
    v1::ReviewRequest r =
        CaseReviewRequest(case_id, "household_relocation", "relocation",
                          {{"applicant", applicant}});
    *r.add_materials() = titles;
    v1::StepMaterial* form = r.add_materials();
    form->set_material("relocation_application");
    form->set_reference("FORM-1");
    return r;
  }

  // Current registrations of `subject` in the copy.
  int64_t Current(const std::string& subject) {
    return CountInCopy(
        "SELECT count(*) FROM HJ_RY WHERE GMSFHM = ? AND RYZT = '0'",
        {subject});
  }

  std::unique_ptr<RegistryService> copy_;
  std::string today_, compact_today_;
};

TEST_F(RegistryReviewTest, RelocationMovesTheRegistrationOnce) {
  const std::string applicant = Demo("relocation_applicant_id");
  const v1::StepMaterial titles = Titles(applicant);
  ASSERT_EQ(titles.records_size(), 2);
  const int64_t rows = CountInCopy("SELECT count(*) FROM HJ_RY");
  const int64_t households = CountInCopy("SELECT count(*) FROM HJ_HU");
  auto first = copy_->Review(Relocation("case-move-1", applicant, titles));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->decision(), v1::REVIEW_DECISION_APPROVE) << first->reason();
  const v1::Record& f = first->findings();
  EXPECT_EQ(Text(f, "old_household_no"), Demo("relocation_from_household_no"));
  const std::string moved_to = Text(f, "new_household_no");
  EXPECT_NE(moved_to, Demo("relocation_from_household_no"));
  EXPECT_EQ(Text(f, "moved_on"), today_);
  EXPECT_TRUE(f.fields().at("head_of_household").bool_value());
  ASSERT_EQ(first->issued_size(), 1);
  EXPECT_EQ(first->issued(0).material(), "new_registration");
  const v1::Record& registration = first->issued(0).records(0);
  EXPECT_TRUE(CheckRecord(kResident, registration).ok())
      << CheckRecord(kResident, registration);
  EXPECT_EQ(Text(registration, "status"), "正常");
  EXPECT_EQ(Text(registration, "household_no"), moved_to);
  EXPECT_EQ(Text(registration, "address"), Demo("relocation_target_address"));
  EXPECT_EQ(Text(registration, "id_number"), applicant);

  // The store: one new row, the old one 迁出注销 with date and destination,
  // a new household at the dwelling in the unit's district.
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM HJ_RY"), rows + 1);
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM HJ_HU"), households + 1);
  EXPECT_EQ(Current(applicant), 1);
  EXPECT_EQ(
      CountInCopy("SELECT count(*) FROM HJ_RY WHERE GMSFHM = ? AND "
                  "RYZT = '2' AND ZXRQ = ? AND QWDZ = ? AND HH = ?",
                  {applicant, compact_today_, Demo("relocation_target_address"),
                   Demo("relocation_from_household_no")}),
      1);
  std::string unit;
  for (const v1::Record& r : titles.records()) {
    if (Text(r, "location") == Demo("relocation_target_address")) {
      unit = Text(r, "property_unit_no");
    }
  }
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM HJ_HU h JOIN HJ_RY r ON "
                        "r.RYID = h.HZRYID WHERE h.HH = ? AND h.ZZ = ? AND "
                        "h.QXDM = ? AND h.LHRQ = ? AND r.GMSFHM = ?",
                        {moved_to, Demo("relocation_target_address"),
                         unit.substr(0, 6), compact_today_, applicant}),
            1);
  // The applicant headed the old household: the spouse heads it now.
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM HJ_HU h JOIN HJ_RY r ON "
                        "r.RYID = h.HZRYID WHERE h.HH = ? AND r.RYZT = '0' "
                        "AND r.YHZGX = '02' AND r.GMSFHM <> ?",
                        {Demo("relocation_from_household_no"), applicant}),
            1);
  // Fetch follows the move.
  v1::FetchRequest fetch;
  fetch.set_dataset(kHousehold);
  fetch.set_subject(applicant);
  auto household = copy_->Fetch(fetch);
  ASSERT_TRUE(household.ok()) << household.status();
  ASSERT_EQ(household->size(), 1u);
  EXPECT_EQ(Text((*household)[0], "household_no"), moved_to);

  // The same case again: the same answer, nothing written.
  auto again = copy_->Review(Relocation("case-move-1", applicant, titles));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*again, *first));
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM HJ_RY"), rows + 1);
  EXPECT_EQ(Current(applicant), 1);
}

TEST_F(RegistryReviewTest, RelocationRefusals) {
  const int64_t rows = CountInCopy("SELECT count(*) FROM HJ_RY");
  // Nobody the registry knows.
  auto unknown = copy_->Review(Relocation(
      "case-r-1", Demo("unknown_id"), Titles(Demo("relocation_applicant_id"))));
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  EXPECT_EQ(unknown->decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(unknown->reason(), HasSubstr("no current household"));
  // The demo seller lives in the only flat they own.
  const v1::StepMaterial own = Titles(Demo("seller_id"));
  ASSERT_EQ(own.records_size(), 1);
  auto already = copy_->Review(Relocation("case-r-2", Demo("seller_id"), own));
  ASSERT_TRUE(already.ok()) << already.status();
  EXPECT_EQ(already->decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(already->reason(), HasSubstr("already registered"));
  // A buyer owning no dwelling.
  auto homeless = copy_->Review(
      Relocation("case-r-3", Demo("buyer_id"), Titles(Demo("buyer_id"))));
  ASSERT_TRUE(homeless.ok()) << homeless.status();
  EXPECT_EQ(homeless->decision(), v1::REVIEW_DECISION_REJECT);
  EXPECT_THAT(homeless->reason(), HasSubstr("no dwelling"));
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM HJ_RY"), rows);
  // No title material at all is the case type's mistake.
  v1::ReviewRequest bare =
      Relocation("case-r-4", Demo("seller_id"), v1::StepMaterial());
  bare.mutable_materials()->DeleteSubrange(0, 1);
  auto missing = copy_->Review(bare);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("dwelling_title"));
}

TEST_F(RegistryReviewTest, MovingToAnOccupiedAddressJoinsThatHousehold) {
  // The relocated child moves into the demo seller's flat, where the
  // seller's household is registered.
  v1::StepMaterial titles;
  titles.set_material("dwelling_title");
  auto& f = *titles.add_records()->mutable_fields();
  f["location"].set_string_value(Demo("property_location"));
  f["property_unit_no"].set_string_value(Demo("property_unit_no"));
  f["usage"].set_string_value("住宅");
  const std::string person = Demo("relocated_person_id");
  auto answer = copy_->Review(Relocation("case-join-1", person, titles));
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_EQ(answer->decision(), v1::REVIEW_DECISION_APPROVE)
      << answer->reason();
  EXPECT_EQ(Text(answer->findings(), "new_household_no"),
            Demo("seller_household_no"));
  EXPECT_FALSE(
      answer->findings().fields().at("head_of_household").bool_value());
  EXPECT_EQ(Text(answer->findings(), "old_household_no"),
            Demo("relocated_new_household_no"));
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM HJ_RY WHERE GMSFHM = ? AND "
                        "RYZT = '0' AND HH = ? AND YHZGX = '99'",
                        {person, Demo("seller_household_no")}),
            1);
  // The person headed a household alone: it keeps no current member.
  EXPECT_EQ(CountInCopy("SELECT count(*) FROM HJ_RY WHERE HH = ? AND "
                        "RYZT = '0'",
                        {Demo("relocated_new_household_no")}),
            0);
}

}  // namespace
}  // namespace registry
}  // namespace datarun
