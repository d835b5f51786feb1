// registry.resident (居民身份信息): one person's registration as the
// registry's HJ_RY row holds it, mapped to the catalog's fields. Used by
// RegistryService.
//
// Thread-compatible: `db` must be used by one thread at a time.
#ifndef DATARUN_ADAPTERS_REGISTRY_RESIDENT_RECORD_H_
#define DATARUN_ADAPTERS_REGISTRY_RESIDENT_RECORD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "datarun/v1/types.pb.h"

namespace datarun {
namespace registry {

inline constexpr char kResident[] = "registry.resident";

// The catalog fields of registry.resident.
inline constexpr const char* kResidentFields[] = {
    "name",      "sex",          "birth_date", "ethnicity",
    "id_number", "household_no", "address",    "status"};

// Returns the record of HJ_RY row `ryid` (none when there is no such row):
// name, sex (男/女), birth date, ethnicity (name from DM_MZ), identity
// number (18 characters), household number and address (HJ_HU.ZZ) of that
// registration, status (正常 / 死亡注销 / 迁出注销). Errors: the store's
// (UNAVAILABLE); DATA_LOSS naming the field and column when a date is not
// a date.
absl::StatusOr<std::vector<v1::Record>> ResidentRecords(
    legacy::SqliteDb& db, const std::string& ryid);

}  // namespace registry
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_REGISTRY_RESIDENT_RECORD_H_
