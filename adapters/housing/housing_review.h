// The housing bureau's case step (HousingService::Review):
//   contract_review (property_transfer): a sale contract between the seller
//   (出卖人) and the buyer (买受人) is filed (HT_BA status 1), its number
//   matches the sale_contract material when one is given, and the unit is
//   not seized according to the title_certificate material. Read-only.
#ifndef DATARUN_ADAPTERS_HOUSING_HOUSING_REVIEW_H_
#define DATARUN_ADAPTERS_HOUSING_HOUSING_REVIEW_H_

#include "absl/status/statusor.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "datarun/v1/adapter.pb.h"

namespace datarun {
namespace housing {

// Performs request.step(). Errors: INVALID_ARGUMENT for an unknown step or
// a missing party; store errors.
absl::StatusOr<v1::ReviewResponse> ReviewHousingStep(
    legacy::SqliteDb& db, legacy::SqliteWriter& writer,
    const v1::ReviewRequest& request);

}  // namespace housing
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_HOUSING_HOUSING_REVIEW_H_
