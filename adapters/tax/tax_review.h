// The tax bureau's case steps (TaxService::Review):
//   deed_tax          (property_transfer): assesses the buyer's deed tax
//                     from the versioned rate table (deed_tax_rates.h),
//                     reports the seller's income-tax exemption ("满五唯一")
//                     and issues the payment certificate: writes QS_SBXX and
//                     WSZM (and DJ_NSRXX for an unregistered buyer) in one
//                     transaction, idempotent by case id (DR_CASE_STEP);
//                     returns it in `issued` as "deed_tax_certificate".
//   tax_clearance     (sole_proprietor_deregistration): no assessment without
//                     a valid payment certificate; issues the clearance
//                     certificate (清税证明 "京税清〔<year>〕<6 digits>号",
//                     its number recorded in DR_CASE_STEP, once per case) as
//                     "tax_clearance" (certificate_no, tax_type 清税,
//                     issued_on, status 已清税).
//   tax_registration  (business_establishment): registers the company of
//                     the business licence issued in the case as a taxpayer
//                     (DJ_NSRXX, taxpayer number = credit code, 单位, under
//                     the tax office of the registering region), idempotent
//                     by case id; findings name the number, the office and
//                     whether the founder is a registered taxpayer.
// Thread-safe as far as the connections passed are.
#ifndef DATARUN_ADAPTERS_TAX_TAX_REVIEW_H_
#define DATARUN_ADAPTERS_TAX_TAX_REVIEW_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "datarun/v1/adapter.pb.h"

namespace datarun {
namespace tax {

// Performs request.step(); `today` dates the assessment and payment.
// Errors: INVALID_ARGUMENT for an unknown step or a missing material or
// field (named); store errors (UNAVAILABLE ...).
absl::StatusOr<v1::ReviewResponse> ReviewTaxStep(
    legacy::SqliteDb& db, legacy::SqliteWriter& writer,
    const v1::ReviewRequest& request, absl::CivilDay today);

}  // namespace tax
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_TAX_TAX_REVIEW_H_
