// The household registry's case step (RegistryService::Review):
//   relocation (household_relocation, after dwelling_review): the
//   applicant is registered (RYZT '0'); the dwelling_title material holds
//   a dwelling (住宅) of theirs at another address than their household's
//   (the first such title). Moves the registration in one transaction,
//   idempotent by case id (DR_CASE_STEP, document = the new RYID):
//     - the current HJ_RY row becomes 迁出注销 (RYZT '2', ZXRQ today,
//       QWDZ the dwelling's address);
//     - a new HJ_RY row (new RYID, QRRQ today) joins the household
//       registered at that address with current members (relation 99
//       其他), or heads a new household (new 户号; HJ_HU at the address,
//       the district from the unit number's first six digits, the police
//       station most of that district's households are registered at);
//     - when the applicant headed the old household and others remain, the
//       spouse (else the eldest remaining member) becomes head (02).
//   Rejects an applicant without a current registration, without a
//   dwelling title, or already registered at the dwelling's address.
//   Issues the new registration as "new_registration" (registry.resident;
//   its reference is the household number).
#ifndef DATARUN_ADAPTERS_REGISTRY_REGISTRY_REVIEW_H_
#define DATARUN_ADAPTERS_REGISTRY_REGISTRY_REVIEW_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "datarun/v1/adapter.pb.h"

namespace datarun {
namespace registry {

// Performs request.step(); `today` dates the move. Errors: INVALID_ARGUMENT
// for an unknown step, a missing party, material or field; store errors;
// DATA_LOSS when the registration written cannot be read back.
absl::StatusOr<v1::ReviewResponse> ReviewRegistryStep(
    legacy::SqliteWriter& writer, const v1::ReviewRequest& request,
    absl::CivilDay today);

}  // namespace registry
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_REGISTRY_REGISTRY_REVIEW_H_
