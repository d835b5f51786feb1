#include "adapters/registry/registry_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/types/optional.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/legacy_store/local_id_pager.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/registry/registry_review.h"
#include "adapters/registry/resident_record.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace registry {
namespace {

using adapter::RecordBuilder;
using legacy::SetDate;
using legacy::SetIdNumber;
using legacy::SetText;
using legacy::Source;
using legacy::SqliteDb;
using legacy::SqliteRow;

constexpr const char* kHouseholdFields[] = {
    "household_no", "household_type", "address",      "police_station",
    "head_name",    "members",        "registered_on"};
constexpr const char* kMarriageFields[] = {"marital_status", "spouse_name",
                                           "spouse_id_number", "registered_on",
                                           "registration_office"};
constexpr const char* kTables[] = {"HJ_HU", "HJ_RY", "HY_DJ", "DM_YHZGX",
                                   "DM_MZ"};

struct Person {
  std::string ryid;
  std::string household_no;
  std::string marital_code;
};

// The subject as a currently registered person, if any; with `or_ended`,
// failing that, the subject's latest ended registration (deceased, or moved
// away).
absl::StatusOr<absl::optional<Person>> FindPerson(
    SqliteDb& db, const legacy::SubjectForms& subject,
    const std::string& local_id, bool or_ended) {
  absl::optional<Person> found;
  auto take = [&](const SqliteRow& row) {
    found = Person{std::string(row.Text(0)), std::string(row.Text(1)),
                   std::string(row.Text(2))};
    return absl::OkStatus();
  };
  if (!local_id.empty()) {
    RETURN_IF_ERROR(
        db.Query("SELECT RYID, HH, HYZK FROM HJ_RY "
                 "WHERE RYID = ?1 AND GMSFHM IN (?2, ?3) AND RYZT = '0'",
                 {local_id, subject.current, subject.legacy}, take));
    if (found.has_value()) return found;
  }
  RETURN_IF_ERROR(
      db.Query("SELECT RYID, HH, HYZK FROM HJ_RY WHERE GMSFHM IN (?1, ?2) "
               "AND RYZT = '0' ORDER BY QRRQ DESC, RYID DESC LIMIT 1",
               {subject.current, subject.legacy}, take));
  if (found.has_value() || !or_ended) return found;
  RETURN_IF_ERROR(
      db.Query("SELECT RYID, HH, HYZK FROM HJ_RY WHERE GMSFHM IN (?1, ?2) "
               "ORDER BY ZXRQ DESC, RYID DESC LIMIT 1",
               {subject.current, subject.legacy}, take));
  return found;
}

absl::StatusOr<std::vector<v1::Record>> Households(SqliteDb& db,
                                                   const Person& person) {
  auto src = [](absl::string_view field, absl::string_view column) {
    return Source{kHousehold, field, column};
  };
  std::vector<v1::Record> records;
  RETURN_IF_ERROR(db.Query(
      "SELECT h.HH, h.HLB, h.ZZ, h.PCS, r.XM, h.LHRQ FROM HJ_HU h "
      "LEFT JOIN HJ_RY r ON r.RYID = h.HZRYID WHERE h.HH = ?",
      {person.household_no}, [&](const SqliteRow& row) -> absl::Status {
        RecordBuilder b;
        SetText(b, src("household_no", "HJ_HU.HH"), row, 0);
        absl::string_view kind = row.Text(1);
        if (kind == "1") {
          b.Str("household_type", "家庭户");
        } else if (kind == "2") {
          b.Str("household_type", "集体户");
        } else {
          b.Null("household_type");
        }
        SetText(b, src("address", "HJ_HU.ZZ"), row, 2);
        SetText(b, src("police_station", "HJ_HU.PCS"), row, 3);
        SetText(b, src("head_name", "HJ_RY.XM"), row, 4);
        RETURN_IF_ERROR(SetDate(b, src("registered_on", "HJ_HU.LHRQ"), row, 5));
        std::vector<v1::Record> members;
        RETURN_IF_ERROR(db.Query(
            "SELECT r.XM, r.GMSFHM, g.MC, r.QRRQ FROM HJ_RY r "
            "LEFT JOIN DM_YHZGX g ON g.DM = r.YHZGX "
            "WHERE r.HH = ? AND r.RYZT = '0' "
            "ORDER BY r.YHZGX = '02' DESC, r.CSRQ, r.RYID",
            {person.household_no}, [&](const SqliteRow& m) -> absl::Status {
              RecordBuilder mb;
              SetText(mb, src("name", "HJ_RY.XM"), m, 0);
              SetIdNumber(mb, src("id_number", "HJ_RY.GMSFHM"), m, 1);
              SetText(mb, src("relation_to_head", "HJ_RY.YHZGX"), m, 2);
              RETURN_IF_ERROR(
                  SetDate(mb, src("moved_in_on", "HJ_RY.QRRQ"), m, 3));
              members.push_back(std::move(mb).Build());
              return absl::OkStatus();
            }));
        b.List("members", std::move(members));
        records.push_back(std::move(b).Build());
        return absl::OkStatus();
      }));
  return records;
}

// GB/T 2261.2 code -> the catalog's marital_status; empty when unknown.
std::string MaritalStatus(absl::string_view code) {
  if (code == "10") return "未婚";
  if (code == "20" || code == "21" || code == "22" || code == "23") {
    return "已婚";
  }
  if (code == "30") return "丧偶";
  if (code == "40") return "离异";
  return "";
}

absl::StatusOr<std::vector<v1::Record>> Marriages(
    SqliteDb& db, const legacy::SubjectForms& subject, const Person& person) {
  auto src = [](absl::string_view field, absl::string_view column) {
    return Source{kMarriage, field, column};
  };
  RecordBuilder b;
  std::string status = MaritalStatus(person.marital_code);
  if (status.empty()) {
    b.Null("marital_status");
  } else {
    b.Str("marital_status", status);
  }
  bool found = false;
  std::string spouse_id;
  if (status == "已婚" || status == "离异" || status == "丧偶") {
    // The latest registration of the kind behind the status: the divorce
    // for 离异, the marriage otherwise.
    const char* kind = status == "离异" ? "2" : "1";
    RETURN_IF_ERROR(db.Query(
        "SELECT CASE WHEN NFSFZ IN (?1, ?2) THEN NVXM ELSE NFXM END, "
        "CASE WHEN NFSFZ IN (?1, ?2) THEN NVSFZ ELSE NFSFZ END, DJRQ, DJJG "
        "FROM HY_DJ WHERE (NFSFZ IN (?1, ?2) OR NVSFZ IN (?1, ?2)) "
        "AND YWLB = ?3 ORDER BY DJRQ DESC, DJID DESC LIMIT 1",
        {subject.current, subject.legacy, kind},
        [&](const SqliteRow& row) -> absl::Status {
          found = true;
          spouse_id = legacy::UpgradeIfLegacy(row.Text(1));
          SetText(b, src("spouse_name", "HY_DJ.NFXM/NVXM"), row, 0);
          SetIdNumber(b, src("spouse_id_number", "HY_DJ.NFSFZ/NVSFZ"), row, 1);
          RETURN_IF_ERROR(
              SetDate(b, src("registered_on", "HY_DJ.DJRQ"), row, 2));
          SetText(b, src("registration_office", "HY_DJ.DJJG"), row, 3);
          return absl::OkStatus();
        }));
  }
  if (!found) {
    b.Null("spouse_name");
    b.Null("spouse_id_number");
    b.Null("registered_on");
    b.Null("registration_office");
  } else if (status == "丧偶") {
    // Widowhood dates from the spouse's death, as the register recorded it.
    b.Null("registered_on");
    legacy::SubjectForms spouse = legacy::StoreForms(spouse_id);
    RETURN_IF_ERROR(db.Query(
        "SELECT ZXRQ FROM HJ_RY WHERE GMSFHM IN (?1, ?2) AND RYZT = '1' "
        "ORDER BY ZXRQ DESC LIMIT 1",
        {spouse.current, spouse.legacy}, [&](const SqliteRow& row) {
          return SetDate(b, src("registered_on", "HJ_RY.ZXRQ"), row, 0);
        }));
  }
  std::vector<v1::Record> records;
  records.push_back(std::move(b).Build());
  return records;
}

// Current registrations (RYZT '0') in RYID order; the RYID is primary
// unless the subject has a later current registration (FindPerson's order).
constexpr char kLocalIdsSql[] =
    "SELECT r.RYID, r.GMSFHM, r.HH, r.QRRQ, "
    "(SELECT p.RYID FROM HJ_RY p WHERE p.GMSFHM = r.GMSFHM AND p.RYZT = '0' "
    "ORDER BY p.QRRQ DESC, p.RYID DESC LIMIT 1) = r.RYID "
    "FROM HJ_RY r WHERE r.RYZT = '0' AND r.RYID >= ?1 "
    "ORDER BY r.RYID LIMIT ?2";

// "person_number" (RYID) and "household_number" (HH) of one registration.
absl::Status PersonAssertions(const SqliteRow& row,
                              std::vector<v1::LocalIdAssertion>* out) {
  v1::LocalIdAssertion person;
  person.set_subject(std::string(row.Text(1)));
  person.set_kind("person_number");
  person.set_value(std::string(row.Text(0)));
  person.set_primary(row.Int(4) == 1);
  person.set_basis(legacy::RegistrationBasis("HJ_RY registration", row, 3));
  v1::LocalIdAssertion household;
  household.set_subject(person.subject());
  household.set_kind("household_number");
  household.set_value(std::string(row.Text(2)));
  household.set_basis(
      legacy::RegistrationBasis("HJ_RY member of the household since", row, 3));
  out->push_back(std::move(person));
  out->push_back(std::move(household));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RegistryService>> RegistryService::Open(
    absl::string_view store_path, int connections) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<legacy::SqlitePool> pool,
      legacy::OpenDepartmentStore(
          store_path, kTables,
          "a household registry store (see adapters/registry/schema.sql)",
          connections));
  ASSIGN_OR_RETURN(std::unique_ptr<legacy::SqliteWriter> writer,
                   legacy::OpenCaseStepWriter(store_path));
  return std::unique_ptr<RegistryService>(
      new RegistryService(std::move(pool), std::move(writer)));
}

std::vector<std::string> RegistryService::datasets() const {
  return {kHousehold, kMarriage, kResident};
}

absl::StatusOr<std::vector<v1::Record>> RegistryService::Fetch(
    const v1::FetchRequest& request) {
  const std::string& dataset = request.dataset();
  absl::Span<const char* const> fields;
  if (dataset == kHousehold) {
    fields = kHouseholdFields;
  } else if (dataset == kMarriage) {
    fields = kMarriageFields;
  } else if (dataset == kResident) {
    fields = kResidentFields;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "the registry adapter does not serve dataset '", dataset, "'"));
  }
  RETURN_IF_ERROR(legacy::CheckRequestedFields(dataset, request, fields));
  const legacy::SubjectForms subject = legacy::StoreForms(request.subject());
  legacy::SqlitePool::Lease db = pool_->Acquire();
  // Identity material covers ended registrations too (with their status);
  // household and marital data only living, registered residents.
  ASSIGN_OR_RETURN(absl::optional<Person> person,
                   FindPerson(*db, subject, request.local_id(),
                              /*or_ended=*/dataset == kResident));
  if (!person.has_value()) return std::vector<v1::Record>();
  std::vector<v1::Record> records;
  if (dataset == kHousehold) {
    ASSIGN_OR_RETURN(records, Households(*db, *person));
  } else if (dataset == kMarriage) {
    ASSIGN_OR_RETURN(records, Marriages(*db, subject, *person));
  } else {
    ASSIGN_OR_RETURN(records, ResidentRecords(*db, person->ryid));
  }
  legacy::KeepRequestedFields(request, &records);
  return records;
}

absl::StatusOr<v1::ListLocalIdsResponse> RegistryService::ListLocalIds(
    const v1::ListLocalIdsRequest& request) {
  static const legacy::LocalIdPager* const pager = new legacy::LocalIdPager(
      "registry.HJ_RY", legacy::LocalIdPager::KeyType::kText);
  legacy::SqlitePool::Lease db = pool_->Acquire();
  return pager->Page(*db, request, kLocalIdsSql, PersonAssertions);
}

absl::StatusOr<v1::ReviewResponse> RegistryService::Review(
    const v1::ReviewRequest& request) {
  return ReviewRegistryStep(
      *writer_, request, absl::ToCivilDay(absl::Now(), absl::LocalTimeZone()));
}

}  // namespace registry
}  // namespace datarun
