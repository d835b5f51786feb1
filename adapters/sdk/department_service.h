// The interface an integrator implements to connect a department's legacy
// system to the exchange. The adapter SDK (AdapterServer, RunAdapterMain)
// turns one DepartmentService into a hardened datarun.v1.Adapter server.
#ifndef DATARUN_ADAPTERS_SDK_DEPARTMENT_SERVICE_H_
#define DATARUN_ADAPTERS_SDK_DEPARTMENT_SERVICE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datarun/v1/adapter.pb.h"
#include "datarun/v1/types.pb.h"

namespace datarun {
namespace adapter {

// ListLocalIds page sizes: what the SDK passes when the exchange asks for 0
// (its default), and the most it passes whatever the exchange asks for.
inline constexpr int kDefaultLocalIdPageSize = 1000;
inline constexpr int kMaxLocalIdPageSize = 10000;

// What an integrator implements: serve Fetch for the department's datasets
// and, optionally, export the department's local identifiers and perform
// case steps (Review).
class DepartmentService {
 public:
  virtual ~DepartmentService() = default;

  // Department id, e.g. "land". Must match the adapter certificate's SPIFFE
  // id and the `department` of the adapter config. Called once at start-up.
  virtual std::string department() const = 0;

  // Dataset ids served, e.g. {"land.property_title", "land.parcel"}. Every id
  // must start with "<department>.". Called once at start-up.
  virtual std::vector<std::string> datasets() const = 0;

  // Returns the department's records of request.dataset() about
  // request.subject() (empty vector = no record; the SDK maps that to
  // NOT_FOUND). Called on an SDK worker thread, never on a gRPC thread, so it
  // may block on the legacy store; calls may be concurrent (implementations
  // must be thread-safe). The SDK has already checked that the dataset is one
  // of datasets(), the caller is the exchange, and the deadline has not
  // passed.
  // Errors: INVALID_ARGUMENT (unknown field), UNAVAILABLE (store down);
  // NOT_FOUND and DEADLINE_EXCEEDED are passed on as they are; anything else
  // becomes INTERNAL. Messages reach the exchange's operators: name the
  // dataset and field, never the subject.
  virtual absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest& request) = 0;

  // Returns one page of the department-local identifiers (taxpayer numbers,
  // household numbers, ...) the department knows for its subjects, for the
  // exchange's identity registry (Identity.Sync). Optional: the default
  // implementation returns UNIMPLEMENTED ("does not export local
  // identifiers").
  //
  // Contract: pages come in a stable order (e.g. by the table's primary
  // key); request.page_token() is empty for the first page, otherwise a
  // next_page_token this method returned earlier (opaque to the exchange:
  // encode whatever lets you resume, e.g. the last key read); the returned
  // next_page_token is empty on the last page. Paging through all pages
  // must return every assertion exactly once while the store does not
  // change. Each assertion names the subject as the store holds it (a
  // validated identity number or credit code; a legacy 15-digit identity
  // number may be sent as found, the exchange upgrades it), a
  // lower_snake_case kind, the value, whether it is the key the department
  // wants in FetchRequest.local_id (at most one primary per subject) and
  // the basis (table and registration date).
  //
  // The SDK has already checked that the caller is the exchange and the
  // deadline has not passed, and sets request.page_size() to 1 ..
  // kMaxLocalIdPageSize (kDefaultLocalIdPageSize when the exchange asked
  // for 0); return at most that many assertions (fewer is fine, even on a
  // page that is not the last). Threading as Fetch: called on an SDK worker
  // thread, possibly concurrently with Fetch and other ListLocalIds calls.
  //
  // Errors: INVALID_ARGUMENT when the page token is malformed (message
  // starting "page_token"), UNAVAILABLE (store down); DEADLINE_EXCEEDED and
  // UNIMPLEMENTED are passed on as they are; anything else becomes
  // INTERNAL. Messages never contain a subject.
  virtual absl::StatusOr<v1::ListLocalIdsResponse> ListLocalIds(
      const v1::ListLocalIdsRequest& request) {
    (void)request;
    return absl::UnimplementedError(
        "the department does not export local identifiers");
  }

  // Performs step request.step() of case request.case_id() (of type
  // request.case_type()) from the case's parties and materials and the
  // department's own legacy data, and answers APPROVE, REJECT (with a reason
  // for the applicant) or NEEDS_SUPPLEMENT (naming missing_materials), with
  // the documents the step issued in `issued` and what it found in
  // `findings`. Optional: the default returns UNIMPLEMENTED ("performs no
  // case steps").
  //
  // Contract: the SDK makes the call idempotent by
  // request.idempotency_key(): an answered key is answered from the SDK's
  // answer store (<store>.reviews.sqlite) without calling this method, and
  // calls with the same key never run concurrently. But the answer is stored
  // only after this method returns, so a crash in between, or a store
  // failure, calls it again with the same case and step: every effect on
  // the legacy store (issuing a certificate, registering a transfer) must
  // itself be idempotent by case id (e.g. a UNIQUE case id on the row
  // written; a repeat finds the row and answers the same). Do the writes in
  // one legacy-store transaction. A business refusal is a REJECT answer,
  // not an error.
  //
  // The SDK has already checked the caller (the exchange only), that
  // case_id, case_type, step and idempotency_key are set and the deadline
  // has not passed, and waited the simulated review time
  // (--review_delay_ms). Threading as Fetch: called on an SDK worker
  // thread, possibly concurrently with other calls (other keys).
  //
  // Errors: INVALID_ARGUMENT for a case type or step this department does
  // not perform, or a material the step needs that is missing or lacks a
  // field (name the material and field); UNAVAILABLE (store down);
  // DEADLINE_EXCEEDED and UNIMPLEMENTED are passed on as they are; anything
  // else becomes INTERNAL. Errors are not stored: the exchange retries.
  // Messages and findings never contain a subject's identity number.
  virtual absl::StatusOr<v1::ReviewResponse> Review(
      const v1::ReviewRequest& request) {
    (void)request;
    return absl::UnimplementedError("the department performs no case steps");
  }
};

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_DEPARTMENT_SERVICE_H_
