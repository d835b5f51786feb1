// The market regulator's case steps (MarketService::Review):
//   licence         (business_establishment, after premises_review): the
//                   founder is a natural person, an adult, registered as
//                   a current resident (founder_identity material); one of
//                   the founder's titles (premises_title material) is a
//                   shop or an office (商业, 办公) and lies in a district
//                   this bureau registers; the declared name (name_declaration
//                   material) carries an organisation form and is not
//                   registered to an entity in existence, nor to one
//                   cancelled within a year. Registers the company
//                   (有限责任公司(自然人独资)) with a new entity id,
//                   organisation code and GB 32100 credit code, issues its
//                   licence, logs 设立登记 and DR_CASE_STEP in one
//                   transaction, idempotent by case id; returns the licence
//                   as "business_licence" (market.business_licence; its
//                   reference is the licence number).
//   deregistration  (sole_proprietor_deregistration, after tax_clearance):
//                   the tax clearance certificate issued in the case
//                   (tax_clearance) is present; the proprietor runs a sole
//                   proprietorship in existence (the one the surrendered
//                   licence, licence_original, names by credit code or
//                   licence number when there are several). Marks it 注销
//                   with the date, takes its licence back (缴销), logs
//                   注销登记 and DR_CASE_STEP in one transaction, idempotent
//                   by case id; returns the cancelled registration as
//                   "deregistration_notice" (market.business_licence; its
//                   reference is the credit code).
// A repeated step (same case id) answers from what the first one wrote.
//
// Thread-compatible: the writer serializes the writes.
#ifndef DATARUN_ADAPTERS_MARKET_MARKET_REVIEW_H_
#define DATARUN_ADAPTERS_MARKET_MARKET_REVIEW_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "datarun/v1/adapter.pb.h"

namespace datarun {
namespace market {

// Performs request.step(); `today` dates the registration. Errors:
// INVALID_ARGUMENT for an unknown step or a missing material or field
// (named); store errors (UNAVAILABLE ...); DATA_LOSS when a written entity
// cannot be read back.
absl::StatusOr<v1::ReviewResponse> ReviewMarketStep(
    legacy::SqliteWriter& writer, const v1::ReviewRequest& request,
    absl::CivilDay today);

// The steps, for ReviewMarketStep (licence_step.cc, deregistration_step.cc).
absl::StatusOr<v1::ReviewResponse> LicenceStep(legacy::SqliteWriter& writer,
                                               const v1::ReviewRequest& request,
                                               absl::CivilDay today);
absl::StatusOr<v1::ReviewResponse> DeregistrationStep(
    legacy::SqliteWriter& writer, const v1::ReviewRequest& request,
    absl::CivilDay today);

// The approval of a step that wrote entity `entity_id`: its
// market.business_licence record, read back from `db`, issued as
// `material`, and findings with its credit code, name, status and licence
// number (plus `extra` fields). DATA_LOSS when the entity is missing.
absl::StatusOr<v1::ReviewResponse> EntityAnswer(legacy::SqliteDb& db,
                                                const std::string& entity_id,
                                                absl::string_view material,
                                                const v1::Record& extra);

}  // namespace market
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_MARKET_MARKET_REVIEW_H_
