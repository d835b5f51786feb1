// The deregistration step of sole_proprietor_deregistration (see
// market_review.h).
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/market/market_codes.h"
#include "adapters/market/market_review.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace market {
namespace {

using legacy::SqliteDb;
using legacy::SqliteRow;

struct Proprietorship {
  std::string entity_id, credit_code, licence_no;
};

// The sole proprietorships in existence the subject runs, oldest first.
absl::StatusOr<std::vector<Proprietorship>> InExistence(
    SqliteDb& db, absl::string_view subject) {
  const legacy::SubjectForms forms = legacy::StoreForms(subject);
  std::vector<Proprietorship> found;
  RETURN_IF_ERROR(db.Query(
      "SELECT z.ZTSFDM, z.TYSHXYDM, (SELECT y.ZZBH FROM SC_YYZZ y WHERE "
      "y.ZTSFDM = z.ZTSFDM AND y.ZZZT = '1' ORDER BY y.FZRQ DESC LIMIT 1) "
      "FROM SC_ZTDJ z WHERE z.FDDBRZJHM IN (?1, ?2) AND z.ZTLX = '9600' "
      "AND z.DJZT = '1' ORDER BY z.CLRQ, z.ZTSFDM",
      {forms.current, forms.legacy}, [&](const SqliteRow& row) {
        found.push_back({std::string(row.Text(0)), std::string(row.Text(1)),
                         row.IsNull(2) ? "" : std::string(row.Text(2))});
        return absl::OkStatus();
      }));
  return found;
}

// The one to cancel: the one the surrendered licence names (by credit code
// or licence number), else the only one. Null when it cannot be told.
const Proprietorship* Chosen(const std::vector<Proprietorship>& all,
                             const v1::ReviewRequest& request) {
  const v1::StepMaterial* surrendered =
      legacy::FindMaterial(request, "licence_original");
  std::string named;
  if (surrendered != nullptr) {
    named = absl::AsciiStrToUpper(
        absl::StripAsciiWhitespace(surrendered->reference()));
    if (surrendered->records_size() > 0) {
      named = legacy::FieldText(surrendered->records(0), "credit_code");
    }
  }
  for (const Proprietorship& p : all) {
    if (!named.empty() && (named == p.credit_code || named == p.licence_no)) {
      return &p;
    }
  }
  return all.size() == 1 ? &all[0] : nullptr;
}

}  // namespace

absl::StatusOr<v1::ReviewResponse> DeregistrationStep(
    legacy::SqliteWriter& writer, const v1::ReviewRequest& request,
    absl::CivilDay today) {
  ASSIGN_OR_RETURN(const v1::CaseParty* proprietor,
                   legacy::RequireParty(request, "proprietor"));
  const v1::StepMaterial* clearance =
      legacy::FindMaterial(request, "tax_clearance");
  if (clearance == nullptr || clearance->records_size() == 0) {
    return legacy::MissingField(request, "tax_clearance", "");
  }
  const std::string clearance_no =
      legacy::FieldText(clearance->records(0), "certificate_no");
  if (clearance_no.empty()) {
    return legacy::MissingField(request, "tax_clearance", "certificate_no");
  }
  const v1::Record extra =
      adapter::RecordBuilder().Str("tax_clearance_no", clearance_no).Build();
  absl::optional<v1::ReviewResponse> answer;
  RETURN_IF_ERROR(writer.Write([&](SqliteDb& w) -> absl::Status {
    ASSIGN_OR_RETURN(
        absl::optional<std::string> done,
        legacy::FindCaseStep(w, request.case_id(), "deregistration"));
    std::string entity_id;
    if (done.has_value()) {
      entity_id = *done;
    } else {
      ASSIGN_OR_RETURN(std::vector<Proprietorship> all,
                       InExistence(w, proprietor->subject()));
      const Proprietorship* target = Chosen(all, request);
      if (target == nullptr) {
        answer = legacy::Reject(
            all.empty()
                ? "the proprietor holds no sole-proprietor business licence "
                  "in force: no 个体工商户 in existence (存续) is registered "
                  "to them"
                : absl::StrCat("the proprietor runs ", all.size(),
                               " sole proprietorships; the surrendered "
                               "licence (licence_original) must name the one "
                               "to cancel by its credit code"),
            extra);
        return absl::OkStatus();  // nothing written
      }
      entity_id = target->entity_id;
      const std::string date = StoreDate(today);
      RETURN_IF_ERROR(
          w.Execute("UPDATE SC_ZTDJ SET DJZT = '2', ZXRQ = ? WHERE ZTSFDM = ?",
                    {date, entity_id}));
      RETURN_IF_ERROR(w.Execute(
          "UPDATE SC_YYZZ SET ZZZT = '3' WHERE ZTSFDM = ? AND ZZZT = '1'",
          {entity_id}));
      RETURN_IF_ERROR(
          w.Execute("INSERT INTO SC_DJJL (ZTSFDM, YWLX, HZRQ, SLBH) VALUES (?, "
                    "'3', ?, ?)",
                    {entity_id, date, request.case_id()}));
      RETURN_IF_ERROR(legacy::RecordCaseStep(w, request.case_id(),
                                             "deregistration", entity_id));
    }
    ASSIGN_OR_RETURN(
        answer, EntityAnswer(w, entity_id, "deregistration_notice", extra));
    return absl::OkStatus();
  }));
  return *std::move(answer);
}

}  // namespace market
}  // namespace datarun
