// The query path: validation, catalog, policy, routing, masking and audit.
//
// QueryProcessor owns no I/O of its own: it composes the capability
// libraries. The gRPC service (exchange/server) authenticates the caller and
// translates; everything a query decides is decided here.
//
// Invariant: every call of Query() appends exactly one audit entry before
// `done` runs (allowed or denied, with its outcome), and no record is handed
// to `done` unless its audit entry is durable.
#ifndef DATARUN_EXCHANGE_QUERY_QUERY_PROCESSOR_H_
#define DATARUN_EXCHANGE_QUERY_QUERY_PROCESSOR_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "datarun/v1/exchange.pb.h"
#include "exchange/audit/audit_sink.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/catalog/catalog.h"
#include "exchange/policy/policy_engine.h"
#include "exchange/router/fetcher.h"

namespace datarun::query {

class QueryProcessor {
 public:
  struct Options {
    // Not owned; must outlive the processor.
    const catalog::Catalog* catalog = nullptr;
    policy::PolicyEngine* policy = nullptr;
    router::Fetcher* router = nullptr;
    audit::AuditSink* audit = nullptr;
    const audit::SubjectHasher* subject_hasher = nullptr;
    // Optional: the department-local key of a subject at a department (the
    // identity registry's primary link), passed to the owner's adapter as
    // FetchRequest.local_id; "" when none is known. May read storage; must
    // be thread-safe. An error is logged and the adapter does its own
    // lookup. Called through `offload` when `cached_local_id` cannot
    // answer and `offload` is set, else on the calling thread.
    std::function<absl::StatusOr<std::string>(absl::string_view subject,
                                              absl::string_view department)>
        local_id;
    // Optional: `local_id` from memory only, on the calling thread; nullopt
    // when it would need a storage read. Must never block.
    std::function<absl::optional<std::string>(absl::string_view subject,
                                              absl::string_view department)>
        cached_local_id;
    // Optional: runs a task that may block (the `local_id` storage read)
    // off the calling thread, so that a gRPC reactor calling Query never
    // waits for I/O. An error means the task was dropped without running;
    // the query then goes on without the local key.
    std::function<absl::Status(absl::AnyInvocable<void() &&> task)> offload;
    // Optional: checks a case-bound grant's binding (policy::QueryIntent::
    // check_case): OK when `case_id` is an open case of `case_type` in which
    // `subject` (upper-cased) is a party. Called on the calling thread while
    // the policy decides; must be thread-safe and must not call Query.
    // Without it, case-bound grants never match.
    std::function<absl::Status(absl::string_view case_id,
                               absl::string_view case_type,
                               absl::string_view subject)>
        case_binding;
    // Largest number of fields one query may name.
    int max_fields = 64;
    // Time kept back from the caller's deadline for masking and the audit
    // append, so that an owner that uses its whole budget still yields our
    // own DEADLINE_EXCEEDED naming it rather than the caller's timer.
    absl::Duration audit_reserve = absl::Milliseconds(100);
    // Clock, replaceable in tests.
    std::function<absl::Time()> now = [] { return absl::Now(); };
  };

  using Done = std::function<void(absl::StatusOr<v1::QueryResponse>)>;

  explicit QueryProcessor(Options options);
  QueryProcessor(const QueryProcessor&) = delete;
  QueryProcessor& operator=(const QueryProcessor&) = delete;

  // Runs one query for `consumer` (the department proven by its certificate)
  // and calls `done` exactly once, possibly on another thread; `done` must
  // not block. `deadline` is the caller's absolute deadline (already capped
  // by the server). Errors are those documented on Exchange.Query in
  // proto/datarun/v1/exchange.proto; in addition UNAVAILABLE "audit log ..."
  // when the access could not be recorded (nothing is released then).
  // Thread-safe.
  void Query(const std::string& consumer, const v1::QueryRequest& request,
             absl::Time deadline, Done done);

 private:
  struct Call;

  // Validates the request and asks the policy; OK means "fetch".
  absl::Status Decide(Call& call);
  // Sets fetch.local_id from options_.local_id (may read storage).
  void AddLocalId(const Call& call, v1::FetchRequest& fetch) const;
  // Asks the owner's adapter; OnFetched follows.
  void SendFetch(std::shared_ptr<Call> call, v1::FetchRequest fetch,
                 absl::Time deadline);
  void OnFetched(std::shared_ptr<Call> call,
                 absl::StatusOr<v1::FetchResponse> fetched);
  // Appends the call's audit entry, then completes it with `result` (or
  // with the audit failure if the entry could not be made durable).
  void AuditAndFinish(std::shared_ptr<Call> call,
                      absl::StatusOr<v1::QueryResponse> result);

  Options options_;
};

}  // namespace datarun::query

#endif  // DATARUN_EXCHANGE_QUERY_QUERY_PROCESSOR_H_
