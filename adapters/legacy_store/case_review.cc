#include "adapters/legacy_store/case_review.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status_macros.h"

namespace datarun {
namespace legacy {

const v1::StepMaterial* FindMaterial(const v1::ReviewRequest& request,
                                     absl::string_view id) {
  for (const v1::StepMaterial& m : request.materials()) {
    if (m.material() == id) return &m;
  }
  for (const v1::StepMaterial& m : request.issued_before()) {
    if (m.material() == id) return &m;
  }
  return nullptr;
}

const v1::CaseParty* FindParty(const v1::ReviewRequest& request,
                               absl::string_view role) {
  for (const v1::CaseParty& p : request.parties()) {
    if (p.role() == role) return &p;
  }
  return nullptr;
}

absl::StatusOr<const v1::CaseParty*> RequireParty(
    const v1::ReviewRequest& request, absl::string_view role) {
  const v1::CaseParty* party = FindParty(request, role);
  if (party == nullptr || party->subject().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("case '", request.case_id(), "' step '", request.step(),
                     "' has no party '", role, "'"));
  }
  return party;
}

std::string FieldText(const v1::Record& record, absl::string_view field) {
  auto it = record.fields().find(std::string(field));
  if (it == record.fields().end()) return "";
  const v1::Value& v = it->second;
  switch (v.kind_case()) {
    case v1::Value::kStringValue:
      return v.string_value();
    case v1::Value::kDecimalValue:
      return v.decimal_value();
    case v1::Value::kDateValue:
      return v.date_value();
    case v1::Value::kIntValue:
      return absl::StrCat(v.int_value());
    default:
      return "";
  }
}

absl::optional<bool> FieldBool(const v1::Record& record,
                               absl::string_view field) {
  auto it = record.fields().find(std::string(field));
  if (it == record.fields().end() ||
      it->second.kind_case() != v1::Value::kBoolValue) {
    return absl::nullopt;
  }
  return it->second.bool_value();
}

absl::StatusOr<int64_t> ParseHundredths(absl::string_view text,
                                        absl::string_view what) {
  absl::string_view whole = text, fraction;
  const size_t dot = text.find('.');
  if (dot != absl::string_view::npos) {
    whole = text.substr(0, dot);
    fraction = text.substr(dot + 1);
  }
  int64_t units = 0;
  int64_t hundredths = 0;
  bool ok = !whole.empty() && fraction.size() <= 2 &&
            absl::SimpleAtoi(whole, &units) && units >= 0;
  for (size_t i = 0; ok && i < 2; ++i) {
    int digit = 0;
    if (i < fraction.size()) {
      ok = absl::ascii_isdigit(fraction[i]);
      digit = fraction[i] - '0';
    }
    hundredths = hundredths * 10 + digit;
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " '", text,
                     "' is not a decimal with at most two fraction digits"));
  }
  return units * 100 + hundredths;
}

v1::ReviewResponse Approve(v1::Record findings) {
  v1::ReviewResponse r;
  r.set_decision(v1::REVIEW_DECISION_APPROVE);
  *r.mutable_findings() = std::move(findings);
  return r;
}

v1::ReviewResponse Reject(absl::string_view reason, v1::Record findings) {
  v1::ReviewResponse r;
  r.set_decision(v1::REVIEW_DECISION_REJECT);
  r.set_reason(std::string(reason));
  *r.mutable_findings() = std::move(findings);
  return r;
}

v1::ReviewResponse NeedsSupplement(absl::string_view material,
                                   absl::string_view reason) {
  v1::ReviewResponse r;
  r.set_decision(v1::REVIEW_DECISION_NEEDS_SUPPLEMENT);
  r.set_reason(std::string(reason));
  r.add_missing_materials(std::string(material));
  return r;
}

absl::Status UnknownStep(absl::string_view department,
                         const v1::ReviewRequest& request,
                         absl::string_view steps_performed) {
  return absl::InvalidArgumentError(
      absl::StrCat("department '", department, "' performs no step '",
                   request.step(), "' of case type '", request.case_type(),
                   "' (it performs ", steps_performed, ")"));
}

absl::Status MissingField(const v1::ReviewRequest& request,
                          absl::string_view material, absl::string_view field) {
  const v1::StepMaterial* m = FindMaterial(request, material);
  return absl::InvalidArgumentError(absl::StrCat(
      "step '", request.step(), "': material '", material, "'",
      m != nullptr && !m->dataset().empty()
          ? absl::StrCat(" (", m->dataset(), ")")
          : std::string(),
      m == nullptr ? " is missing"
                   : absl::StrCat(" lacks field '", field,
                                  "'; the case type must request it")));
}

absl::Status EnsureCaseStepLedger(SqliteDb& db) {
  return db.Exec(
      "CREATE TABLE IF NOT EXISTS DR_CASE_STEP ("
      "  CASE_ID TEXT NOT NULL,"
      "  STEP TEXT NOT NULL,"
      "  DOC_NO TEXT NOT NULL,"
      "  WRITTEN_AT TEXT NOT NULL,"
      "  PRIMARY KEY (CASE_ID, STEP))");
}

absl::StatusOr<std::unique_ptr<SqliteWriter>> OpenCaseStepWriter(
    absl::string_view store_path) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteWriter> writer,
                   SqliteWriter::Open(store_path));
  RETURN_IF_ERROR(writer->WithConnection(EnsureCaseStepLedger));
  return writer;
}

absl::StatusOr<absl::optional<std::string>> FindCaseStep(
    SqliteDb& db, absl::string_view case_id, absl::string_view step) {
  absl::optional<std::string> doc;
  RETURN_IF_ERROR(
      db.Query("SELECT DOC_NO FROM DR_CASE_STEP WHERE CASE_ID = ? AND STEP = ?",
               {case_id, step}, [&](const SqliteRow& row) {
                 doc = std::string(row.Text(0));
                 return absl::OkStatus();
               }));
  return doc;
}

absl::Status RecordCaseStep(SqliteDb& db, absl::string_view case_id,
                            absl::string_view step, absl::string_view doc_no) {
  const std::string now =
      absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::Now(), absl::LocalTimeZone());
  return db.Execute(
      "INSERT INTO DR_CASE_STEP (CASE_ID, STEP, DOC_NO, WRITTEN_AT) "
      "VALUES (?, ?, ?, ?)",
      {case_id, step, doc_no, now});
}

}  // namespace legacy
}  // namespace datarun
