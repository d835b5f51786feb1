#include "adapters/housing/housing_review.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace housing {
namespace {

using adapter::RecordBuilder;
using legacy::FieldText;
using legacy::SqliteDb;
using legacy::SqliteRow;

struct Contract {
  std::string htbh, unit, status;
};

absl::StatusOr<v1::ReviewResponse> ContractReview(
    SqliteDb& db, const v1::ReviewRequest& request) {
  ASSIGN_OR_RETURN(const v1::CaseParty* seller,
                   legacy::RequireParty(request, "seller"));
  ASSIGN_OR_RETURN(const v1::CaseParty* buyer,
                   legacy::RequireParty(request, "buyer"));
  const legacy::SubjectForms s = legacy::StoreForms(seller->subject());
  const legacy::SubjectForms b = legacy::StoreForms(buyer->subject());
  // Contracts naming the seller as 出卖人 and the buyer as 买受人, filed
  // ones first, newest first.
  std::vector<Contract> contracts;
  RETURN_IF_ERROR(db.Query(
      "SELECT h.HTBH, h.BDCDYH, h.BAZT FROM HT_BA h WHERE EXISTS (SELECT 1 "
      "FROM HT_JYF j WHERE j.BAID = h.BAID AND j.JYFLB = '1' AND j.ZJHM IN "
      "(?1, ?2)) AND EXISTS (SELECT 1 FROM HT_JYF j WHERE j.BAID = h.BAID "
      "AND j.JYFLB = '2' AND j.ZJHM IN (?3, ?4)) "
      "ORDER BY h.BAZT = '1' DESC, h.BARQ DESC, h.BAID DESC",
      {s.current, s.legacy, b.current, b.legacy}, [&](const SqliteRow& row) {
        contracts.push_back({std::string(row.Text(0)), std::string(row.Text(1)),
                             std::string(row.Text(2))});
        return absl::OkStatus();
      }));
  std::string wanted;
  if (const v1::StepMaterial* m =
          legacy::FindMaterial(request, "sale_contract")) {
    if (m->records_size() > 0) wanted = FieldText(m->records(0), "contract_no");
  }
  const Contract* contract = nullptr;
  for (const Contract& c : contracts) {
    if (wanted.empty() || c.htbh == wanted) {
      contract = &c;
      break;
    }
  }
  if (contract == nullptr) {
    return legacy::Reject(
        contracts.empty()
            ? "no sale contract between the seller and the buyer is filed "
              "with the housing bureau"
            : "the sale contract handed in is not one between the seller "
              "and the buyer",
        v1::Record());
  }
  RecordBuilder findings;
  findings.Str("contract_no", contract->htbh)
      .Str("property_unit_no", contract->unit)
      .Bool("filed", contract->status == "1")
      .Bool("parties_match", true);
  if (contract->status != "1") {
    return legacy::Reject("the sale contract's filing was cancelled (已撤销)",
                          std::move(findings).Build());
  }
  absl::optional<bool> seized;
  if (const v1::StepMaterial* title =
          legacy::FindMaterial(request, "title_certificate")) {
    for (const v1::Record& r : title->records()) {
      const std::string unit = FieldText(r, "property_unit_no");
      if (unit.empty() || unit == contract->unit) {
        seized = legacy::FieldBool(r, "seized");
        if (seized.has_value() && *seized) break;
      }
    }
  }
  if (seized.has_value()) {
    findings.Bool("seized", *seized);
  } else {
    findings.Str("seizure_check", "no title material: not checked");
  }
  if (seized.has_value() && *seized) {
    return legacy::Reject("the unit sold is seized (查封): it cannot be sold",
                          std::move(findings).Build());
  }
  return legacy::Approve(std::move(findings).Build());
}

}  // namespace

absl::StatusOr<v1::ReviewResponse> ReviewHousingStep(
    legacy::SqliteDb& db, legacy::SqliteWriter& writer,
    const v1::ReviewRequest& request) {
  (void)writer;
  if (request.step() == "contract_review") return ContractReview(db, request);
  return legacy::UnknownStep("housing", request, "contract_review");
}

}  // namespace housing
}  // namespace datarun
