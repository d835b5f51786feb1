#include "adapters/registry/registry_review.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/optional.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/registry/resident_record.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace registry {
namespace {

using legacy::FieldText;
using legacy::SqliteDb;
using legacy::SqliteRow;

struct Dwelling {
  std::string address, unit_no;
};

// The dwellings (住宅) among the dwelling_title records, in their order.
absl::StatusOr<std::vector<Dwelling>> Dwellings(
    const v1::ReviewRequest& request) {
  const v1::StepMaterial* titles =
      legacy::FindMaterial(request, "dwelling_title");
  if (titles == nullptr) {
    return legacy::MissingField(request, "dwelling_title", "");
  }
  std::vector<Dwelling> out;
  for (const v1::Record& title : titles->records()) {
    const std::string usage = FieldText(title, "usage");
    if (usage.empty()) {
      return legacy::MissingField(request, "dwelling_title", "usage");
    }
    if (usage != "住宅") continue;
    Dwelling d{FieldText(title, "location"),
               FieldText(title, "property_unit_no")};
    if (d.address.empty()) {
      return legacy::MissingField(request, "dwelling_title", "location");
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::string Compact(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

// The one text value of `sql`; "" when there is no row or it is NULL.
absl::StatusOr<std::string> One(SqliteDb& db, absl::string_view sql,
                                absl::Span<const legacy::SqlValue> params) {
  std::string value;
  RETURN_IF_ERROR(db.Query(sql, params, [&](const SqliteRow& row) {
    if (!row.IsNull(0)) value = std::string(row.Text(0));
    return absl::OkStatus();
  }));
  return value;
}

// max(<column>) + 1 among the values "<prefix><digits digits>".
absl::StatusOr<std::string> NextNumber(SqliteDb& db, absl::string_view table,
                                       absl::string_view column,
                                       absl::string_view prefix, int digits) {
  ASSIGN_OR_RETURN(
      std::string last,
      One(db,
          absl::StrCat("SELECT MAX(", column, ") FROM ", table, " WHERE ",
                       column, " LIKE ?1 || '%' AND length(", column, ") = ?2"),
          {prefix, static_cast<int64_t>(prefix.size() + digits)}));
  int64_t n = 0;
  if (!last.empty()) (void)absl::SimpleAtoi(last.substr(prefix.size()), &n);
  return absl::StrCat(prefix, absl::StrFormat("%0*d", digits, n + 1));
}

// Moves registration `ryid` to `to`; returns the new RYID.
absl::StatusOr<std::string> Move(SqliteDb& w, const std::string& ryid,
                                 const Dwelling& to, absl::CivilDay today,
                                 const std::string& case_id) {
  const std::string date = Compact(today);
  std::string old_household, relation;
  RETURN_IF_ERROR(w.Query("SELECT HH, YHZGX FROM HJ_RY WHERE RYID = ?", {ryid},
                          [&](const SqliteRow& row) {
                            old_household = std::string(row.Text(0));
                            relation = std::string(row.Text(1));
                            return absl::OkStatus();
                          }));
  ASSIGN_OR_RETURN(
      std::string household,
      One(w,
          "SELECT h.HH FROM HJ_HU h WHERE h.ZZ = ? AND EXISTS (SELECT 1 FROM "
          "HJ_RY r WHERE r.HH = h.HH AND r.RYZT = '0') ORDER BY h.LHRQ, h.HH "
          "LIMIT 1",
          {to.address}));
  ASSIGN_OR_RETURN(std::string new_ryid,
                   NextNumber(w, "HJ_RY", "RYID", "RY", 10));
  const bool heads = household.empty();
  if (heads) {
    ASSIGN_OR_RETURN(household, NextNumber(w, "HJ_HU", "HH", "", 9));
    std::string district = to.unit_no.substr(0, 6);
    if (district.size() != 6 ||
        district.find_first_not_of("0123456789") != std::string::npos) {
      ASSIGN_OR_RETURN(district, One(w, "SELECT QXDM FROM HJ_HU WHERE HH = ?",
                                     {old_household}));
    }
    ASSIGN_OR_RETURN(std::string station,
                     One(w,
                         "SELECT PCS FROM HJ_HU WHERE QXDM = ? GROUP BY PCS "
                         "ORDER BY count(*) DESC, PCS LIMIT 1",
                         {district}));
    if (station.empty()) {
      ASSIGN_OR_RETURN(station, One(w, "SELECT PCS FROM HJ_HU WHERE HH = ?",
                                    {old_household}));
    }
    RETURN_IF_ERROR(
        w.Execute("INSERT INTO HJ_HU (HH, HLB, ZZ, QXDM, PCS, HZRYID, LHRQ) "
                  "VALUES (?, '1', ?, ?, ?, ?, ?)",
                  {household, to.address, district, station, new_ryid, date}));
  }
  RETURN_IF_ERROR(w.Execute(
      "INSERT INTO HJ_RY (RYID, GMSFHM, XM, XB, MZ, CSRQ, HH, YHZGX, HYZK, "
      "QRRQ, RYZT, ZXRQ, QWDZ) SELECT ?1, GMSFHM, XM, XB, MZ, CSRQ, ?2, ?3, "
      "HYZK, ?4, '0', NULL, NULL FROM HJ_RY WHERE RYID = ?5",
      {new_ryid, household, heads ? "02" : "99", date, ryid}));
  RETURN_IF_ERROR(w.Execute(
      "UPDATE HJ_RY SET RYZT = '2', ZXRQ = ?, QWDZ = ? WHERE RYID = ?",
      {date, to.address, ryid}));
  // A head who leaves is succeeded by the spouse, else the eldest member.
  ASSIGN_OR_RETURN(std::string head, One(w,
                                         "SELECT HZRYID FROM HJ_HU "
                                         "WHERE HH = ?",
                                         {old_household}));
  if (head == ryid) {
    ASSIGN_OR_RETURN(std::string successor,
                     One(w,
                         "SELECT RYID FROM HJ_RY WHERE HH = ? AND RYZT = '0' "
                         "ORDER BY YHZGX = '10' DESC, CSRQ, RYID LIMIT 1",
                         {old_household}));
    if (!successor.empty()) {
      RETURN_IF_ERROR(w.Execute("UPDATE HJ_HU SET HZRYID = ? WHERE HH = ?",
                                {successor, old_household}));
      RETURN_IF_ERROR(w.Execute("UPDATE HJ_RY SET YHZGX = '02' WHERE RYID = ?",
                                {successor}));
    }
  }
  RETURN_IF_ERROR(legacy::RecordCaseStep(w, case_id, "relocation", new_ryid));
  return new_ryid;
}

// The answer for a move to registration `new_ryid`, read back from the
// store (the same on a repeat).
absl::StatusOr<v1::ReviewResponse> Moved(SqliteDb& w,
                                         const std::string& new_ryid) {
  ASSIGN_OR_RETURN(std::vector<v1::Record> registration,
                   ResidentRecords(w, new_ryid));
  std::string id_number, household, moved_on, relation;
  RETURN_IF_ERROR(
      w.Query("SELECT GMSFHM, HH, QRRQ, YHZGX FROM HJ_RY WHERE RYID = ?",
              {new_ryid}, [&](const SqliteRow& row) {
                id_number = std::string(row.Text(0));
                household = std::string(row.Text(1));
                moved_on = std::string(row.Text(2));
                relation = std::string(row.Text(3));
                return absl::OkStatus();
              }));
  if (registration.size() != 1 || moved_on.size() != 8) {
    return absl::DataLossError(absl::StrCat("registry store: registration ",
                                            new_ryid, " of a case is missing"));
  }
  ASSIGN_OR_RETURN(
      std::string from,
      One(w,
          "SELECT HH FROM HJ_RY WHERE GMSFHM = ? AND RYZT = '2' AND ZXRQ = ? "
          "AND RYID <> ? ORDER BY RYID DESC LIMIT 1",
          {id_number, moved_on, new_ryid}));
  v1::ReviewResponse response = legacy::Approve(
      adapter::RecordBuilder()
          .Str("old_household_no", from)
          .Str("new_household_no", household)
          .Bool("head_of_household", relation == "02")
          .Date("moved_on",
                absl::StrCat(moved_on.substr(0, 4), "-", moved_on.substr(4, 2),
                             "-", moved_on.substr(6, 2)))
          .Build());
  v1::StepMaterial* issued = response.add_issued();
  issued->set_material("new_registration");
  issued->set_dataset(kResident);
  issued->set_reference(household);  // the household register's number
  *issued->add_records() = std::move(registration[0]);
  return response;
}

absl::StatusOr<v1::ReviewResponse> Relocation(legacy::SqliteWriter& writer,
                                              const v1::ReviewRequest& request,
                                              absl::CivilDay today) {
  ASSIGN_OR_RETURN(const v1::CaseParty* applicant,
                   legacy::RequireParty(request, "applicant"));
  ASSIGN_OR_RETURN(std::vector<Dwelling> dwellings, Dwellings(request));
  const legacy::SubjectForms forms = legacy::StoreForms(applicant->subject());
  absl::optional<v1::ReviewResponse> answer;
  RETURN_IF_ERROR(writer.Write([&](SqliteDb& w) -> absl::Status {
    ASSIGN_OR_RETURN(absl::optional<std::string> done,
                     legacy::FindCaseStep(w, request.case_id(), "relocation"));
    std::string new_ryid;
    if (done.has_value()) {
      new_ryid = *done;
    } else {
      ASSIGN_OR_RETURN(
          std::string ryid,
          One(w,
              "SELECT RYID FROM HJ_RY WHERE GMSFHM IN (?1, ?2) AND RYZT = '0' "
              "ORDER BY QRRQ DESC, RYID DESC LIMIT 1",
              {forms.current, forms.legacy}));
      ASSIGN_OR_RETURN(
          std::string address,
          One(w,
              "SELECT h.ZZ FROM HJ_HU h JOIN HJ_RY r ON r.HH = h.HH "
              "WHERE r.RYID = ?",
              {ryid}));
      const Dwelling* target = nullptr;
      for (const Dwelling& d : dwellings) {
        if (target == nullptr && d.address != address) target = &d;
      }
      const char* refusal = nullptr;
      if (ryid.empty()) {
        refusal = "the applicant has no current household registration to move";
      } else if (dwellings.empty()) {
        refusal =
            "the applicant holds no dwelling (住宅) title to move the "
            "registration to";
      } else if (target == nullptr) {
        refusal =
            "the applicant is already registered at the address of the "
            "dwelling";
      }
      if (refusal != nullptr) {
        answer = legacy::Reject(refusal, v1::Record());
        return absl::OkStatus();  // nothing written
      }
      ASSIGN_OR_RETURN(new_ryid,
                       Move(w, ryid, *target, today, request.case_id()));
    }
    ASSIGN_OR_RETURN(answer, Moved(w, new_ryid));
    return absl::OkStatus();
  }));
  return *std::move(answer);
}

}  // namespace

absl::StatusOr<v1::ReviewResponse> ReviewRegistryStep(
    legacy::SqliteWriter& writer, const v1::ReviewRequest& request,
    absl::CivilDay today) {
  if (request.step() == "relocation") {
    return Relocation(writer, request, today);
  }
  return legacy::UnknownStep("registry", request, "relocation");
}

}  // namespace registry
}  // namespace datarun
