// The market regulator's adapter: serves market.business_licence from the
// bureau's legacy enterprise registration store (schema.sql: SC_ZTDJ
// registered entities, SC_YYZZ licences, SC_DJJL the registration
// history) and performs the case steps that register a company and cancel
// a sole proprietorship (market_review.h). The column -> field mapping is
// documented in docs/reference-departments.md.
//
// A credit code subject is looked up as SC_ZTDJ.TYSHXYDM; a person subject
// by the operator's identity number of sole proprietorships (个体工商户),
// under the 18-digit number or its legacy 15-digit form. The credit code is
// the bureau's key for the entity already, so FetchRequest.local_id is not
// used.
//
// ListLocalIds exports, per entity in existence (存续), "entity_id"
// (主体身份代码 SC_ZTDJ.ZTSFDM) for its credit code and, for a sole
// proprietorship, "sole_proprietorship" (the same ZTSFDM) for its operator.
// None is primary.
//
// Thread-safe: each Fetch borrows its own read-only connection; case steps
// write through one writer connection.
#ifndef DATARUN_ADAPTERS_MARKET_MARKET_SERVICE_H_
#define DATARUN_ADAPTERS_MARKET_MARKET_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/legacy_store/sqlite_pool.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "adapters/market/licence_record.h"  // kBusinessLicence
#include "adapters/sdk/department_service.h"

namespace datarun {
namespace market {

class MarketService : public adapter::DepartmentService {
 public:
  // Opens the store at `store_path` read-only with `connections` pooled
  // connections plus one writer connection, checks that it has the market
  // regulator's tables and adds the case-step ledger (DR_CASE_STEP) when
  // missing. Errors: NOT_FOUND when the file does not exist;
  // FAILED_PRECONDITION naming the first missing table; DATA_LOSS when it is
  // not SQLite.
  static absl::StatusOr<std::unique_ptr<MarketService>> Open(
      absl::string_view store_path, int connections = 4);

  std::string department() const override { return "market"; }
  std::vector<std::string> datasets() const override;

  // market.business_licence: one record per entity the subject denotes
  // (see LicenceRecordsOf), oldest first. Only the requested fields are
  // returned (all when none are requested). Errors: INVALID_ARGUMENT for an
  // unknown dataset or field; UNAVAILABLE when the store is locked or
  // unreadable; DATA_LOSS (reported by the SDK as INTERNAL) when a stored
  // value cannot be converted.
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) override;

  // One page of assertions, in ZTSFDM order, for entities with DJZT '1'
  // (存续): "entity_id" = ZTSFDM for subject TYSHXYDM (basis "SC_ZTDJ
  // established <CLRQ>") and, for a 个体工商户 (ZTLX 9600),
  // "sole_proprietorship" = ZTSFDM for subject FDDBRZJHM as stored (basis
  // "SC_ZTDJ operator since <CLRQ>"); none primary. Errors:
  // INVALID_ARGUMENT "page_token ..." for a token this listing did not
  // issue; UNAVAILABLE when the store is unreadable.
  absl::StatusOr<v1::ListLocalIdsResponse> ListLocalIds(
      const v1::ListLocalIdsRequest& request) override;

  // Performs a case step (see adapters/market/market_review.h for the
  // steps and what each writes), dated today in the local time zone.
  // Errors: INVALID_ARGUMENT for a step this department does not perform
  // or a missing material or field; UNAVAILABLE when the store is
  // unreadable.
  absl::StatusOr<v1::ReviewResponse> Review(
      const v1::ReviewRequest& request) override;

 private:
  MarketService(std::unique_ptr<legacy::SqlitePool> pool,
                std::unique_ptr<legacy::SqliteWriter> writer)
      : pool_(std::move(pool)), writer_(std::move(writer)) {}

  std::unique_ptr<legacy::SqlitePool> pool_;
  std::unique_ptr<legacy::SqliteWriter> writer_;
};

}  // namespace market
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_MARKET_MARKET_SERVICE_H_
