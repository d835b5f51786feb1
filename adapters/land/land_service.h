// The land registry's adapter: serves land.property_title and land.parcel
// from the registry's legacy SQLite store (schema.sql: BDC_QZ certificates,
// BDC_QLR right holders, BDC_FW units, BDC_ZD parcels, BDC_DYA mortgages,
// BDC_CF seizures). The column -> field mapping is documented in
// docs/reference-departments.md.
//
// The land registry keeps no person master table: subjects are looked up by
// the identity number / credit code stored with each right holder (the old
// system recorded some holders under their legacy 15-digit number, which is
// looked up too; records always show 18 digits), and
// FetchRequest.local_id is not used.
//
// ListLocalIds exports "title_certificate" (BDC_QZ.QZH) for every holder of
// a certificate in force; none is primary.
//
// Thread-safe: each call borrows its own read-only connection.
#ifndef DATARUN_ADAPTERS_LAND_LAND_SERVICE_H_
#define DATARUN_ADAPTERS_LAND_LAND_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/legacy_store/sqlite_pool.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "adapters/sdk/department_service.h"

namespace datarun {
namespace land {

inline constexpr char kPropertyTitle[] = "land.property_title";
inline constexpr char kParcel[] = "land.parcel";

// The land.property_title records (all fields) of the certificates in force
// on which `subject` is a right holder, oldest first. Errors: store errors;
// DATA_LOSS when a stored value cannot be converted.
absl::StatusOr<std::vector<v1::Record>> PropertyTitlesOf(
    legacy::SqliteDb& db, absl::string_view subject);

class LandService : public adapter::DepartmentService {
 public:
  // Opens the store at `store_path` read-only with `connections` pooled
  // connections and checks that it has the land registry's tables.
  // Errors: NOT_FOUND when the file does not exist; FAILED_PRECONDITION
  // naming the first missing table; DATA_LOSS when it is not SQLite.
  static absl::StatusOr<std::unique_ptr<LandService>> Open(
      absl::string_view store_path, int connections = 4);

  std::string department() const override { return "land"; }
  std::vector<std::string> datasets() const override;

  // land.property_title: one record per certificate in force on which the
  // subject is a right holder (with all co-owners), oldest first.
  // land.parcel: the parcels under those certificates' units.
  // Only the requested fields are returned (all when none are requested).
  // Errors: INVALID_ARGUMENT for an unknown dataset or field; UNAVAILABLE
  // when the store is locked or unreadable; DATA_LOSS (reported by the SDK
  // as INTERNAL) when a stored value cannot be converted.
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) override;

  // One page of "title_certificate" assertions: one per right holder
  // (BDC_QLR row) of a certificate in force (BDC_QZ.QSZT = 1), in QLRID
  // order, subject = BDC_QLR.ZJHM as stored (15 digits for some old
  // titles), value = BDC_QZ.QZH, not primary, basis "BDC_QZ registered
  // <DJSJ date>". Errors: INVALID_ARGUMENT "page_token ..." for a token this
  // listing did not issue; UNAVAILABLE when the store is unreadable.
  absl::StatusOr<v1::ListLocalIdsResponse> ListLocalIds(
      const v1::ListLocalIdsRequest& request) override;

  // Performs a case step from the department's own data (see
  // adapters/land/land_review.h for the steps and what each writes).
  // Errors: INVALID_ARGUMENT for a step this department does not perform or
  // a missing material or field; UNAVAILABLE when the store is unreadable.
  absl::StatusOr<v1::ReviewResponse> Review(
      const v1::ReviewRequest& request) override;

 private:
  LandService(std::unique_ptr<legacy::SqlitePool> pool,
              std::unique_ptr<legacy::SqliteWriter> writer)
      : pool_(std::move(pool)), writer_(std::move(writer)) {}

  std::unique_ptr<legacy::SqlitePool> pool_;
  // The one connection case steps write through (with a busy timeout).
  std::unique_ptr<legacy::SqliteWriter> writer_;
};

}  // namespace land
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LAND_LAND_SERVICE_H_
