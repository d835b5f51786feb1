// The household registry's case step (RegistryService::Review):
//   relocation (household_relocation): the applicant is registered (RYZT 0)
//   in a household; approves with the current household in the findings.
//   The move itself (new HJ_RY row, old one 迁出注销) is not written yet:
//   the target household is not part of the request.
#ifndef DATARUN_ADAPTERS_REGISTRY_REGISTRY_REVIEW_H_
#define DATARUN_ADAPTERS_REGISTRY_REGISTRY_REVIEW_H_

#include "absl/status/statusor.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "datarun/v1/adapter.pb.h"

namespace datarun {
namespace registry {

// Performs request.step(). Errors: INVALID_ARGUMENT for an unknown step or
// a missing party; store errors.
absl::StatusOr<v1::ReviewResponse> ReviewRegistryStep(
    legacy::SqliteDb& db, legacy::SqliteWriter& writer,
    const v1::ReviewRequest& request);

}  // namespace registry
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_REGISTRY_REGISTRY_REVIEW_H_
