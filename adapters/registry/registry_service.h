// The household registry's adapter: serves registry.household,
// registry.marriage and registry.resident from the registry's legacy SQLite
// store (schema.sql: HJ_HU households, HJ_RY persons, HY_DJ marriage
// registrations). The column -> field mapping is documented in
// docs/reference-departments.md.
//
// Persons are keyed by the registry's local person id (RYID). A subject is
// resolved through HJ_RY.GMSFHM (its 18-digit number, or a legacy 15-digit
// form) among currently registered persons; when the exchange passes
// FetchRequest.local_id it is used as the RYID, provided the register
// confirms it belongs to the subject (otherwise the identity number lookup
// is used). A person who moved between households has one current row (the
// new household) and keeps the old one with status 迁出注销; only the
// current one counts. People whose registration ended (death, moving away)
// have no household or marriage records; registry.resident still shows
// their last registration with its status.
//
// ListLocalIds exports, per current registration, "person_number" (RYID,
// primary) and "household_number" (HH).
//
// Thread-safe: each call borrows its own read-only connection.
#ifndef DATARUN_ADAPTERS_REGISTRY_REGISTRY_SERVICE_H_
#define DATARUN_ADAPTERS_REGISTRY_REGISTRY_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/legacy_store/sqlite_pool.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "adapters/registry/resident_record.h"  // kResident
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

  // registry.household: the household the subject is currently registered
  // in, with its current members (head first, then by birth).
  // registry.marriage: the subject's marital status; for 已婚 the spouse and
  // marriage registration, for 离异 the former spouse and the divorce
  // registration, for 丧偶 the late spouse, the date of death and the
  // marriage's registration office.
  // registry.resident: the subject's current registration or, when none,
  // the latest ended one (see resident_record.h).
  // Only the requested fields are returned (all when none are requested).
  // Errors: INVALID_ARGUMENT for an unknown dataset or field; UNAVAILABLE
  // when the store is locked or unreadable; DATA_LOSS (reported by the SDK
  // as INTERNAL) when a stored value cannot be converted.
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) override;

  // One page of assertions, two per current registration (HJ_RY rows with
  // RYZT '0', in RYID order): "person_number" = RYID (primary, unless the
  // subject has a later current registration) and "household_number" = HH
  // (the current household; old households of people who moved are not
  // exported). Subject = HJ_RY.GMSFHM; basis "HJ_RY registration <QRRQ>" /
  // "HJ_RY member of the household since <QRRQ>". Errors: INVALID_ARGUMENT
  // "page_token ..." for a token this listing did not issue; UNAVAILABLE
  // when the store is unreadable.
  absl::StatusOr<v1::ListLocalIdsResponse> ListLocalIds(
      const v1::ListLocalIdsRequest& request) override;

  // Performs a case step from the department's own data (see
  // adapters/registry/registry_review.h for the steps and what each writes).
  // Errors: INVALID_ARGUMENT for a step this department does not perform or
  // a missing material or field; UNAVAILABLE when the store is unreadable.
  absl::StatusOr<v1::ReviewResponse> Review(
      const v1::ReviewRequest& request) override;

 private:
  RegistryService(std::unique_ptr<legacy::SqlitePool> pool,
                  std::unique_ptr<legacy::SqliteWriter> writer)
      : pool_(std::move(pool)), writer_(std::move(writer)) {}

  std::unique_ptr<legacy::SqlitePool> pool_;
  // The one connection case steps write through (with a busy timeout).
  std::unique_ptr<legacy::SqliteWriter> writer_;
};

}  // namespace registry
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_REGISTRY_REGISTRY_SERVICE_H_
