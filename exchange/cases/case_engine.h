// The durable parallel case engine (proto/datarun/v1/case.proto).
//
// Submit validates one application against its case type, persists it,
// checks that each dataset-backed material is held (in parallel, as the
// submitting department under the case type's purpose, asking only the
// material's identifying fields), then starts every step whose `after` steps
// are approved and whose materials are present, in parallel, by calling the
// owning department's review. Before a step starts, its department reads
// the dataset-backed materials the step lists (in parallel, for that step,
// inside the case, under its own case-bound grants); those records go to
// that step's reviews only, and are stored in the batch that makes the step
// RUNNING. It joins the reviews, retries technical
// failures with the same idempotency key ("<case_id>/<step>", plus "/<n>"
// for the n-th review round after a supplement), and finishes the case.
// Every transition is committed to the CaseStore before it is acted on; on
// start the engine resumes every RUNNING or WAITING case, re-sending each
// durably RUNNING review with its stored key.
//
// Threads: review and pull callbacks only queue work; bookkeeping and store
// writes run on the engine's own threads (CaseExecutor) or on the thread of
// the public call. Submit, Supplement and Cancel block on a synced store
// write: call them off gRPC callback threads. Only open cases are kept in
// memory; finished ones are read from the store.
//
// Thread-safe.
#ifndef DATARUN_EXCHANGE_CASES_CASE_ENGINE_H_
#define DATARUN_EXCHANGE_CASES_CASE_ENGINE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "datarun/v1/adapter.pb.h"
#include "datarun/v1/case.pb.h"
#include "datarun/v1/exchange.pb.h"
#include "exchange/cases/case_executor.h"
#include "exchange/cases/case_store.h"
#include "exchange/cases/case_type_set.h"
#include "exchange/catalog/catalog.h"

namespace datarun::cases {

class CaseEngine {
 public:
  using ReviewDone = std::function<void(absl::StatusOr<v1::ReviewResponse>)>;
  // Sends one review to `department`'s adapter; `done` runs exactly once,
  // on any thread, possibly before ReviewFn returns (the engine only queues
  // work in it).
  using ReviewFn = std::function<void(const std::string& department,
                                      const v1::ReviewRequest& request,
                                      absl::Time deadline, ReviewDone done)>;
  using QueryDone = std::function<void(absl::StatusOr<v1::QueryResponse>)>;
  // Runs one query as `consumer` (QueryProcessor::Query).
  using QueryFn = std::function<void(const std::string& consumer,
                                     const v1::QueryRequest& request,
                                     absl::Time deadline, QueryDone done)>;
  // `department`'s primary local id of `subject`, or "".
  using LocalIdFn = std::function<absl::StatusOr<std::string>(
      absl::string_view subject, absl::string_view department)>;
  // Receives events of a watched case, in order; runs under the case's lock:
  // must not block nor call the engine.
  using EventSink = std::function<void(const v1::CaseEvent&)>;

  struct Options {
    // Not owned; must outlive the engine.
    const CaseTypeSet* case_types = nullptr;
    const catalog::Catalog* catalog = nullptr;
    CaseStore* store = nullptr;
    ReviewFn review;
    QueryFn query;
    // Optional.
    LocalIdFn local_id;
    // Departments that may read every case.
    std::vector<std::string> audit_readers;
    // Engine threads. They mostly wait for synced store commits, so more
    // threads let RocksDB group more transitions into one fsync
    // (bench/README.md: 8 threads carry 1.3-1.9x the cases of 2).
    int threads = 8;
    // Attempts of one review round on UNAVAILABLE / DEADLINE_EXCEEDED.
    int max_attempts = 3;
    // Wait before the second attempt; doubles for each further one.
    absl::Duration retry_backoff = absl::Milliseconds(200);
    // Cap on one review call's deadline (a step's SLA may be days).
    absl::Duration max_review_wait = absl::Seconds(30);
    absl::Duration pull_deadline = absl::Seconds(10);
    // Length of one "day" of Material.defer_days (tests shorten it).
    absl::Duration defer_day = absl::Hours(24);
    // Optional: called once with the new engine before open cases resume,
    // for wiring that must reach the engine during resume (the query path's
    // CheckCaseBinding, asked by resumed pulls).
    std::function<void(CaseEngine*)> on_created;
  };

  // Validates `options`, then loads every open case from the store and
  // resumes it (a RESUMED event each). Errors: INVALID_ARGUMENT for a
  // missing option; store errors; FAILED_PRECONDITION when an open case
  // names a case type that is no longer configured.
  static absl::StatusOr<std::unique_ptr<CaseEngine>> Start(Options options);

  CaseEngine(const CaseEngine&) = delete;
  CaseEngine& operator=(const CaseEngine&) = delete;
  // Stops the engine's threads. Reviews answered later are dropped (their
  // cases resume from the store on the next start).
  ~CaseEngine();

  // Takes one application from `submitter` (its certificate's department).
  // Returns the persisted case (created=false when request_id was seen).
  // Errors: see Case.Submit in case.proto; INTERNAL on store failures.
  absl::StatusOr<v1::SubmitCaseResponse> Submit(
      const std::string& submitter, const v1::SubmitCaseRequest& request);

  // Returns the case with live metrics. NOT_FOUND; PERMISSION_DENIED when
  // `caller` may not read it (see CanRead).
  absl::StatusOr<v1::CaseRecord> Get(const std::string& caller,
                                     absl::string_view case_id) const;

  // Cases visible to `caller`, newest first, filtered (by party through the
  // store's party index); with per-type aggregates over the visible cases
  // scanned (at most 10000). INVALID_ARGUMENT naming party_subject (never
  // echoing it) or page_token; FAILED_PRECONDITION for a party filter on a
  // store without a hasher.
  absl::StatusOr<v1::ListCasesResponse> List(
      const std::string& caller, const v1::ListCasesRequest& request) const;

  // Supplies a material (by the submitter). FAILED_PRECONDITION when the
  // case is finished or does not wait for it; INVALID_ARGUMENT for a
  // material the case type lacks or an empty reference.
  absl::StatusOr<v1::CaseRecord> Supplement(
      const std::string& caller, const v1::SupplementRequest& request);

  // Cancels an open case (by the submitter). FAILED_PRECONDITION when
  // already finished.
  absl::StatusOr<v1::CaseRecord> Cancel(const std::string& caller,
                                        const v1::CancelCaseRequest& request);

  // Checks a case-bound grant's binding for the query path: OK when
  // `case_id` is an open case of type `case_type` in which `subject` (in
  // canonical spelling) is a party. FAILED_PRECONDITION otherwise, saying
  // which: the case is unknown or finished, of another type, or the subject
  // is not one of its parties (never echoing the subject). Never blocks on
  // the store; safe to call from any thread, including inside a pull.
  absl::Status CheckCaseBinding(absl::string_view case_id,
                                absl::string_view case_type,
                                absl::string_view subject) const;

  struct WatchStart {
    // Pass to Unwatch; 0 when the case is finished (no live events follow).
    uint64_t id = 0;
  };
  // Delivers the case's events with sequence > `after` to `sink` (on the
  // calling thread), then, while the case is open, every new one (on
  // engine threads) up to and including FINISHED. Errors as Get.
  absl::StatusOr<WatchStart> Watch(const std::string& caller,
                                   absl::string_view case_id, uint64_t after,
                                   EventSink sink);
  // Stops delivering to watcher `id` of `case_id`; after it returns the sink
  // is never called again.
  void Unwatch(absl::string_view case_id, uint64_t id);

  // Number of cases held in memory (open, or finished with reviews still
  // outstanding). For tests and metrics.
  int open_cases() const;

 private:
  struct OpenCase;
  struct Txn;
  struct Gate;

  explicit CaseEngine(Options options);

  // The completion of an asynchronous call (a review or a query) that runs
  // then(engine, answer) on an engine thread while the engine is alive and
  // is dropped once it stopped (the Gate). Defined in
  // case_engine_internal.h.
  template <typename Answer, typename Then>
  std::function<void(Answer)> OnEngineThread(Then then) const;

  // -- case_engine.cc
  absl::Status Resume();
  std::shared_ptr<OpenCase> Find(absl::string_view case_id) const;
  absl::StatusOr<v1::CaseRecord> Snapshot(absl::string_view case_id) const;
  absl::Status CheckRead(const std::string& caller,
                         const v1::CaseRecord& record) const;

  // The first half of Supplement and Cancel, changes only the submitter
  // may make to an open case. Returns the case `case_id` held in memory
  // (open, or finishing: check it with CheckChangeLocked). When none is, the
  // case is unknown or finished: NOT_FOUND from the store, PERMISSION_DENIED
  // when `caller` may not read it (CheckRead), else FAILED_PRECONDITION
  // "case '<id>' <finished> (<state>)", `finished` being e.g. "is finished".
  absl::StatusOr<std::shared_ptr<OpenCase>> FindForChange(
      const std::string& caller, absl::string_view case_id,
      absl::string_view finished) const;
  // Under c.mu, the second half: OK when `caller` submitted the case and it
  // is still open. PERMISSION_DENIED "only the submitting department '<d>'
  // may <verb> case '<id>'"; FAILED_PRECONDITION as FindForChange.
  absl::Status CheckChangeLocked(const OpenCase& c, const std::string& caller,
                                 absl::string_view verb,
                                 absl::string_view finished) const;

  // -- case_engine_pulls.cc (each takes the case's lock)
  // The submission check: asks the submitter's query whether each
  // dataset-backed material is held (identifying fields only).
  void StartPulls(const std::shared_ptr<OpenCase>& c);
  void OnPullDone(const std::string& case_id, const std::string& material,
                  absl::StatusOr<v1::QueryResponse> result);
  // Under c.mu: the query reading `material` for `step` as its department.
  v1::QueryRequest StepPullQuery(const OpenCase& c, const v1::Step& step,
                                 const v1::Material& material) const;
  void SendStepPull(const std::string& case_id, const std::string& step,
                    const std::string& material, const std::string& department,
                    const v1::QueryRequest& query);
  void OnStepPullDone(const std::string& case_id, const std::string& step,
                      const std::string& material,
                      absl::StatusOr<v1::QueryResponse> result);
  void RetryStepPull(const std::string& case_id, const std::string& step,
                     const std::string& material);
  // Under c.mu: starts the steps of pull group `group` (steps that became
  // ready together) whose pulls have all answered, in one batch in `txn`
  // (RecordStepPulls each, then Advance). Waits (returns false, `txn`
  // untouched) while a pull of the group is still on its way; a pull
  // waiting for its retry does not hold back the others, so a department
  // that is down delays only its own step. Returns whether steps started.
  bool StartPulledSteps(OpenCase& c, Txn& txn, uint64_t group) const;
  // Under c.mu, once every pull of `step` answered: records what was read
  // (or marks deferrable materials deferred) in `txn` and forgets the
  // step's pulls. The caller advances the case.
  void RecordStepPulls(OpenCase& c, Txn& txn, const std::string& step) const;

  // -- case_engine_run.cc (each takes the case's lock)
  void AdvanceNow(const std::string& case_id);
  void OnReviewDone(const std::string& case_id, const std::string& step,
                    const std::string& key,
                    absl::StatusOr<v1::ReviewResponse> result);
  // Under c.mu: records one review answer; false when there is nothing to
  // dispatch (stale answer or a failed write).
  bool ApplyReview(OpenCase& c, Txn& txn, const std::string& step,
                   const std::string& key,
                   absl::StatusOr<v1::ReviewResponse> result);
  void Resend(const std::string& case_id, const std::string& step,
              const std::string& key);
  void CheckDeadline(const std::string& case_id);

  // Under c->mu: starts ready steps, marks waiting ones, finishes the case.
  void Advance(OpenCase& c, Txn& txn) const;
  void FinishCase(OpenCase& c, Txn& txn, v1::CaseState state,
                  const std::string& reason) const;
  v1::CaseEvent* AddEvent(OpenCase& c, Txn& txn, v1::CaseEventKind kind) const;
  v1::ReviewRequest BuildReview(const OpenCase& c, const v1::Step& step,
                                const std::string& key) const;
  // Under c->mu: commits txn, notifies watchers; afterwards (no lock)
  // Dispatch sends its reviews and schedules its timers.
  absl::Status CommitLocked(OpenCase& c, Txn& txn) const;
  void Dispatch(const std::shared_ptr<OpenCase>& c, Txn& txn);
  void MaybeEvict(const std::string& case_id);
  int64_t NowMicros() const;

  const Options options_;
  std::unique_ptr<CaseExecutor> executor_;
  // Lets late callbacks find out that the engine is gone.
  std::shared_ptr<Gate> gate_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<OpenCase>> open_
      ABSL_GUARDED_BY(mu_);
  // "<submitter>/<request_id>" being submitted right now.
  absl::flat_hash_set<std::string> submitting_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> next_watch_{1};
};

// True when `caller` may read `record` (of `type`): its submitter, an audit
// reader, or a department performing one of the type's steps.
bool CanRead(const std::string& caller, const v1::CaseRecord& record,
             const v1::CaseType* type,
             const std::vector<std::string>& audit_readers);

// Returns the idempotency key of `step`'s review round `round` (1-based).
std::string ReviewKey(absl::string_view case_id, absl::string_view step,
                      int round);

}  // namespace datarun::cases

#endif  // DATARUN_EXCHANGE_CASES_CASE_ENGINE_H_
