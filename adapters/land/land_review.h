// The land registry's case steps (LandService::Review):
//   title_review     (property_transfer): the seller holds the title of the
//                    unit sold (BDC_QLR of a certificate in force), the
//                    shares add up to 1, no mortgage (BDC_DYA) or seizure
//                    (BDC_CF) in force. Read-only.
//   transfer         (property_transfer, after the three reviews): needs
//                    the deed tax certificate in issued_before; registers
//                    the transfer in one transaction: a new BDC_QZ
//                    certificate (转移登记) with BDC_QLR rows for the buyer,
//                    the seller's certificate marked historical (QSZT 2),
//                    and DR_CASE_STEP, idempotent by case id; returns the
//                    new title as "new_title" (land.property_title).
//   premises_review  (business_establishment), dwelling_review
//                    (household_relocation): the party holds a title in
//                    force (for premises: of a non-residential use or with
//                    the land use permitting business). Read-only.
#ifndef DATARUN_ADAPTERS_LAND_LAND_REVIEW_H_
#define DATARUN_ADAPTERS_LAND_LAND_REVIEW_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "datarun/v1/adapter.pb.h"

namespace datarun {
namespace land {

// Performs request.step(); `today` dates the registration. Errors:
// INVALID_ARGUMENT for an unknown step or a missing material or field;
// store errors (UNAVAILABLE ...).
absl::StatusOr<v1::ReviewResponse> ReviewLandStep(
    legacy::SqliteDb& db, legacy::SqliteWriter& writer,
    const v1::ReviewRequest& request, absl::CivilDay today);

}  // namespace land
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LAND_LAND_REVIEW_H_
