// The household registry's adapter: serves registry.household and
// registry.marriage from the registry's legacy SQLite store (schema.sql:
// HJ_HU households, HJ_RY persons, HY_DJ marriage registrations). The
// column -> field mapping is documented in docs/reference-departments.md.
//
// Persons are keyed by the registry's local person id (RYID). A subject is
// resolved through HJ_RY.GMSFHM among currently registered persons; when the
// exchange passes FetchRequest.local_id it is used as the RYID, provided the
// register confirms it belongs to the subject (otherwise the identity number
// lookup is used). People whose registration ended (death, moving out) have
// no records.
//
// Thread-safe: each Fetch borrows its own read-only connection.
#ifndef DATARUN_ADAPTERS_REGISTRY_REGISTRY_SERVICE_H_
#define DATARUN_ADAPTERS_REGISTRY_REGISTRY_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/legacy_store/sqlite_pool.h"
#include "adapters/sdk/department_service.h"

namespace datarun {
namespace registry {

inline constexpr char kHousehold[] = "registry.household";
inline constexpr char kMarriage[] = "registry.marriage";

class RegistryService : public adapter::DepartmentService {
 public:
  // Opens the store at `store_path` read-only with `connections` pooled
  // connections and checks that it has the registry's tables.
  // Errors: NOT_FOUND when the file does not exist; FAILED_PRECONDITION
  // naming the first missing table; DATA_LOSS when it is not SQLite.
  static absl::StatusOr<std::unique_ptr<RegistryService>> Open(
      absl::string_view store_path, int connections = 4);

  std::string department() const override { return "registry"; }
  std::vector<std::string> datasets() const override;

  // registry.household: the household the subject is registered in, with
  // its current members (head first, then by birth).
  // registry.marriage: the subject's marital status; for 已婚 the spouse and
  // marriage registration, for 离异 the former spouse and the divorce
  // registration, for 丧偶 the late spouse, the date of death and the
  // marriage's registration office.
  // Only the requested fields are returned (all when none are requested).
  // Errors: INVALID_ARGUMENT for an unknown dataset or field; UNAVAILABLE
  // when the store is locked or unreadable; DATA_LOSS (reported by the SDK
  // as INTERNAL) when a stored value cannot be converted.
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) override;

 private:
  explicit RegistryService(std::unique_ptr<legacy::SqlitePool> pool)
      : pool_(std::move(pool)) {}

  std::unique_ptr<legacy::SqlitePool> pool_;
};

}  // namespace registry
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_REGISTRY_REGISTRY_SERVICE_H_
