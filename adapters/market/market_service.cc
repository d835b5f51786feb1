#include "adapters/market/market_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/legacy_store/local_id_pager.h"
#include "adapters/market/market_review.h"
#include "common/status_macros.h"

namespace datarun {
namespace market {
namespace {

constexpr const char* kTables[] = {"SC_ZTDJ", "SC_YYZZ", "SC_DJJL",
                                   "DM_ZTLX", "DM_DJZT", "DM_XZQH"};

// Entities in existence, in ZTSFDM order.
constexpr char kLocalIdsSql[] =
    "SELECT ZTSFDM, TYSHXYDM, ZTLX, FDDBRZJHM, CLRQ FROM SC_ZTDJ "
    "WHERE DJZT = '1' AND ZTSFDM >= ?1 ORDER BY ZTSFDM LIMIT ?2";

absl::Status EntityAssertions(const legacy::SqliteRow& row,
                              std::vector<v1::LocalIdAssertion>* out) {
  v1::LocalIdAssertion entity;
  entity.set_subject(std::string(row.Text(1)));
  entity.set_kind("entity_id");
  entity.set_value(std::string(row.Text(0)));
  entity.set_basis(legacy::RegistrationBasis("SC_ZTDJ established", row, 4));
  out->push_back(std::move(entity));
  if (row.Text(2) == "9600") {
    v1::LocalIdAssertion operator_of;
    operator_of.set_subject(std::string(row.Text(3)));
    operator_of.set_kind("sole_proprietorship");
    operator_of.set_value(std::string(row.Text(0)));
    operator_of.set_basis(
        legacy::RegistrationBasis("SC_ZTDJ operator since", row, 4));
    out->push_back(std::move(operator_of));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<MarketService>> MarketService::Open(
    absl::string_view store_path, int connections) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<legacy::SqlitePool> pool,
      legacy::OpenDepartmentStore(
          store_path, kTables,
          "a market regulation store (see adapters/market/schema.sql)",
          connections));
  ASSIGN_OR_RETURN(std::unique_ptr<legacy::SqliteWriter> writer,
                   legacy::OpenCaseStepWriter(store_path));
  return std::unique_ptr<MarketService>(
      new MarketService(std::move(pool), std::move(writer)));
}

std::vector<std::string> MarketService::datasets() const {
  return {kBusinessLicence};
}

absl::StatusOr<std::vector<v1::Record>> MarketService::Fetch(
    const v1::FetchRequest& request) {
  if (request.dataset() != kBusinessLicence) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the market adapter does not serve dataset '", request.dataset(), "'"));
  }
  RETURN_IF_ERROR(
      legacy::CheckRequestedFields(kBusinessLicence, request, kLicenceFields));
  legacy::SqlitePool::Lease db = pool_->Acquire();
  ASSIGN_OR_RETURN(std::vector<v1::Record> records,
                   LicenceRecordsOf(*db, request.subject()));
  legacy::KeepRequestedFields(request, &records);
  return records;
}

absl::StatusOr<v1::ListLocalIdsResponse> MarketService::ListLocalIds(
    const v1::ListLocalIdsRequest& request) {
  static const legacy::LocalIdPager* const pager = new legacy::LocalIdPager(
      "market.SC_ZTDJ", legacy::LocalIdPager::KeyType::kText);
  legacy::SqlitePool::Lease db = pool_->Acquire();
  return pager->Page(*db, request, kLocalIdsSql, EntityAssertions);
}

absl::StatusOr<v1::ReviewResponse> MarketService::Review(
    const v1::ReviewRequest& request) {
  return ReviewMarketStep(*writer_, request,
                          absl::ToCivilDay(absl::Now(), absl::LocalTimeZone()));
}

}  // namespace market
}  // namespace datarun
