// The tax bureau's adapter: serves tax.deed_tax_assessment and
// tax.payment_certificate from the bureau's legacy SQLite store (schema.sql:
// DJ_NSRXX taxpayers, QS_SBXX deed tax filings, WSZM payment certificates).
// The column -> field mapping is documented in
// docs/reference-departments.md.
//
// Everything in the store is keyed by the bureau's taxpayer number
// (NSRSBH). A subject is resolved to its taxpayer numbers through
// DJ_NSRXX.ZJHM, under its 18-digit number or, for registrations of the old
// system, its legacy 15-digit form; when the exchange passes
// FetchRequest.local_id, it is used as the NSRSBH, provided DJ_NSRXX
// confirms it belongs to the subject (otherwise the identity number lookup
// is used). Identity numbers in records are always 18 characters.
//
// ListLocalIds exports kind "taxpayer_number" (DJ_NSRXX.NSRSBH) for every
// registered person and organisation.
//
// Thread-safe: each Fetch borrows its own read-only connection.
#ifndef DATARUN_ADAPTERS_TAX_TAX_SERVICE_H_
#define DATARUN_ADAPTERS_TAX_TAX_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/legacy_store/sqlite_pool.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "adapters/sdk/department_service.h"

namespace datarun {
namespace tax {

inline constexpr char kDeedTaxAssessment[] = "tax.deed_tax_assessment";
inline constexpr char kPaymentCertificate[] = "tax.payment_certificate";

class TaxService : public adapter::DepartmentService {
 public:
  // Opens the store at `store_path` read-only with `connections` pooled
  // connections and checks that it has the tax bureau's tables.
  // Errors: NOT_FOUND when the file does not exist; FAILED_PRECONDITION
  // naming the first missing table; DATA_LOSS when it is not SQLite.
  static absl::StatusOr<std::unique_ptr<TaxService>> Open(
      absl::string_view store_path, int connections = 4);

  std::string department() const override { return "tax"; }
  std::vector<std::string> datasets() const override;

  // tax.deed_tax_assessment: the subject's deed tax filings, oldest first.
  // tax.payment_certificate: the subject's payment certificates (valid and
  // voided), oldest first.
  // Only the requested fields are returned (all when none are requested).
  // Errors: INVALID_ARGUMENT for an unknown dataset or field; UNAVAILABLE
  // when the store is locked or unreadable; DATA_LOSS (reported by the SDK
  // as INTERNAL) when a stored value cannot be converted.
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) override;

  // One page of "taxpayer_number" assertions: one per DJ_NSRXX row of a
  // person (ZJLX 201) or organisation (800), in NSRSBH order, subject =
  // DJ_NSRXX.ZJHM as stored (15 digits for some old registrations), primary
  // for the subject's earliest registration, basis "DJ_NSRXX registration
  // <DJRQ>". Errors: INVALID_ARGUMENT "page_token ..." for a token this
  // listing did not issue; UNAVAILABLE when the store is unreadable.
  absl::StatusOr<v1::ListLocalIdsResponse> ListLocalIds(
      const v1::ListLocalIdsRequest& request) override;

  // Performs a case step from the department's own data (see
  // adapters/tax/tax_review.h for the steps and what each writes).
  // Errors: INVALID_ARGUMENT for a step this department does not perform or
  // a missing material or field; UNAVAILABLE when the store is unreadable.
  absl::StatusOr<v1::ReviewResponse> Review(
      const v1::ReviewRequest& request) override;

 private:
  TaxService(std::unique_ptr<legacy::SqlitePool> pool,
             std::unique_ptr<legacy::SqliteWriter> writer)
      : pool_(std::move(pool)), writer_(std::move(writer)) {}

  std::unique_ptr<legacy::SqlitePool> pool_;
  // The one connection case steps write through (with a busy timeout).
  std::unique_ptr<legacy::SqliteWriter> writer_;
};

}  // namespace tax
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_TAX_TAX_SERVICE_H_
