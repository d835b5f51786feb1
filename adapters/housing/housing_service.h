// The housing bureau's adapter: serves housing.sale_contract and
// housing.dwelling_count from the bureau's legacy SQLite store (schema.sql:
// HT_BA contract filings, HT_JYF their parties, FW_TJ dwelling counts,
// FW_TJ_CY counted family members). The column -> field mapping is
// documented in docs/reference-departments.md.
//
// The bureau keeps no person master table: subjects are looked up by the
// identity number stored with each party or family member (18 digits, or a
// legacy 15-digit form; records always show 18). FetchRequest.local_id is
// the family number (FW_TJ.JTBH) of housing.dwelling_count, used only when
// the store confirms the subject is a member of that family.
//
// ListLocalIds exports "family_number" (FW_TJ.JTBH) for every counted
// family member.
//
// Thread-safe: each call borrows its own read-only connection.
#ifndef DATARUN_ADAPTERS_HOUSING_HOUSING_SERVICE_H_
#define DATARUN_ADAPTERS_HOUSING_HOUSING_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/legacy_store/sqlite_pool.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "adapters/sdk/department_service.h"

namespace datarun {
namespace housing {

inline constexpr char kSaleContract[] = "housing.sale_contract";
inline constexpr char kDwellingCount[] = "housing.dwelling_count";

class HousingService : public adapter::DepartmentService {
 public:
  // Opens the store at `store_path` read-only with `connections` pooled
  // connections and checks that it has the housing bureau's tables.
  // Errors: NOT_FOUND when the file does not exist; FAILED_PRECONDITION
  // naming the first missing table; DATA_LOSS when it is not SQLite.
  static absl::StatusOr<std::unique_ptr<HousingService>> Open(
      absl::string_view store_path, int connections = 4);

  std::string department() const override { return "housing"; }
  std::vector<std::string> datasets() const override;

  // housing.sale_contract: every filed contract (in force or cancelled) in
  // which the subject is a seller or a buyer, oldest first; seller_* and
  // buyer_* name the first party of each side.
  // housing.dwelling_count: the counts of the families the subject belongs
  // to, newest first (one in the reference data); only the family
  // `local_id` when given and the subject is its member.
  // Only the requested fields are returned (all when none are requested).
  // Errors: INVALID_ARGUMENT for an unknown dataset or field; UNAVAILABLE
  // when the store is locked or unreadable; DATA_LOSS (reported by the SDK
  // as INTERNAL) when a stored value cannot be converted.
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) override;

  // One page of "family_number" assertions: one per FW_TJ_CY row (a counted
  // family member), in CYID order, subject = FW_TJ_CY.ZJHM, value =
  // FW_TJ_CY.JTBH, primary for the member's newest count, basis "FW_TJ
  // dwelling count <HCRQ>". Errors: INVALID_ARGUMENT "page_token ..." for a
  // token this listing did not issue; UNAVAILABLE when the store is
  // unreadable.
  absl::StatusOr<v1::ListLocalIdsResponse> ListLocalIds(
      const v1::ListLocalIdsRequest& request) override;

  // Performs a case step from the department's own data (see
  // adapters/housing/housing_review.h for the steps and what each writes).
  // Errors: INVALID_ARGUMENT for a step this department does not perform or
  // a missing material or field; UNAVAILABLE when the store is unreadable.
  absl::StatusOr<v1::ReviewResponse> Review(
      const v1::ReviewRequest& request) override;

 private:
  HousingService(std::unique_ptr<legacy::SqlitePool> pool,
                 std::unique_ptr<legacy::SqliteWriter> writer)
      : pool_(std::move(pool)), writer_(std::move(writer)) {}

  std::unique_ptr<legacy::SqlitePool> pool_;
  // The one connection case steps write through (with a busy timeout).
  std::unique_ptr<legacy::SqliteWriter> writer_;
};

}  // namespace housing
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_HOUSING_HOUSING_SERVICE_H_
