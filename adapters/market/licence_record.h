// market.business_licence (营业执照): one registered entity as the market
// store's SC_ZTDJ row and its latest licence (SC_YYZZ) hold it, mapped to
// the catalog's fields. Used by MarketService::Fetch and by the case steps
// to issue the licence they wrote.
//
// Thread-compatible: `db` must be used by one thread at a time.
#ifndef DATARUN_ADAPTERS_MARKET_LICENCE_RECORD_H_
#define DATARUN_ADAPTERS_MARKET_LICENCE_RECORD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "datarun/v1/types.pb.h"

namespace datarun {
namespace market {

inline constexpr char kBusinessLicence[] = "market.business_licence";

// The catalog fields of market.business_licence.
inline constexpr const char* kLicenceFields[] = {
    "credit_code",
    "name",
    "entity_type",
    "legal_representative",
    "legal_representative_id_number",
    "address",
    "premises_certificate_no",
    "registered_capital",
    "business_scope",
    "established_on",
    "registration_authority",
    "status",
    "deregistered_on",
    "licence_no",
    "licence_issued_on",
    "licence_status"};

// The records of the entities `subject` denotes, oldest first: for a
// credit code, the entity holding it (any status); for an identity number,
// the sole proprietorships (个体工商户) the person runs or ran, under the
// 18-digit number or its legacy 15-digit form. Errors: the store's;
// DATA_LOSS naming the field and column when a stored value cannot be
// converted.
absl::StatusOr<std::vector<v1::Record>> LicenceRecordsOf(
    legacy::SqliteDb& db, absl::string_view subject);

// The record of entity `entity_id` (SC_ZTDJ.ZTSFDM); empty when unknown.
// Errors as LicenceRecordsOf.
absl::StatusOr<std::vector<v1::Record>> LicenceRecordOfEntity(
    legacy::SqliteDb& db, const std::string& entity_id);

// Registered capital as the store writes it (万元, up to six decimals:
// "50", "12.5") in yuan with two decimals ("500000.00", "125000.00").
// INVALID_ARGUMENT quoting the text otherwise.
absl::StatusOr<std::string> WanYuanToYuan(absl::string_view text);

}  // namespace market
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_MARKET_LICENCE_RECORD_H_
