#include "adapters/registry/registry_review.h"

#include <string>

#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace registry {
namespace {

absl::StatusOr<v1::ReviewResponse> Relocation(
    legacy::SqliteDb& db, const v1::ReviewRequest& request) {
  ASSIGN_OR_RETURN(const v1::CaseParty* applicant,
                   legacy::RequireParty(request, "applicant"));
  const legacy::SubjectForms forms = legacy::StoreForms(applicant->subject());
  std::string household;
  RETURN_IF_ERROR(db.Query(
      "SELECT HH FROM HJ_RY WHERE GMSFHM IN (?1, ?2) AND RYZT = '0' "
      "ORDER BY QRRQ DESC LIMIT 1",
      {forms.current, forms.legacy}, [&](const legacy::SqliteRow& row) {
        household = std::string(row.Text(0));
        return absl::OkStatus();
      }));
  if (household.empty()) {
    return legacy::Reject(
        "the applicant has no current household registration to move",
        v1::Record());
  }
  return legacy::Approve(adapter::RecordBuilder()
                             .Str("current_household_no", household)
                             .Str("move", "approved; not yet written")
                             .Build());
}

}  // namespace

absl::StatusOr<v1::ReviewResponse> ReviewRegistryStep(
    legacy::SqliteDb& db, legacy::SqliteWriter& writer,
    const v1::ReviewRequest& request) {
  (void)writer;
  if (request.step() == "relocation") return Relocation(db, request);
  return legacy::UnknownStep("registry", request, "relocation");
}

}  // namespace registry
}  // namespace datarun
