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

#include "absl/status/statusor.h"
#include "absl/time/time.h"
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
    // FetchRequest.local_id; "" when none is known. Called on the calling
    // thread; must be fast (a cache hit) and thread-safe. An error is
    // logged and the adapter does its own lookup.
    std::function<absl::StatusOr<std::string>(absl::string_view subject,
                                              absl::string_view department)>
        local_id;
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
