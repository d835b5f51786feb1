// Internal to the case engine (case_engine.cc, case_engine_run.cc).
#ifndef DATARUN_EXCHANGE_CASES_CASE_ENGINE_INTERNAL_H_
#define DATARUN_EXCHANGE_CASES_CASE_ENGINE_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "exchange/cases/case_engine.h"
#include "exchange/identity/subject_id.h"

namespace datarun::cases {

// What one transition of a case writes and then does.
struct CaseEngine::Txn {
  CaseStore::Change change;
  struct Send {
    std::string department;
    v1::ReviewRequest request;
    absl::Time deadline;
  };
  std::vector<Send> sends;
  // Times at which the case's deferred-material deadlines are checked.
  std::vector<absl::Time> deadline_checks;
  // Review retries: when, step, idempotency key.
  struct Retry {
    absl::Time when;
    std::string step;
    std::string key;
  };
  std::vector<Retry> retries;
  // Step pulls to send once committed: one dataset-backed material of a
  // step, read by the step's department.
  struct Pull {
    std::string step;
    std::string material;
    std::string department;
    v1::QueryRequest query;
  };
  std::vector<Pull> pulls;
};

// One case held in memory. Every field is guarded by `mu`.
struct CaseEngine::OpenCase {
  absl::Mutex mu;
  const v1::CaseType* type = nullptr;
  v1::CaseRecord record;
  // Material data handed to reviews (uploads, supplements, issued
  // documents; pulled records of cases stored before pulls were per step),
  // by material id.
  std::map<std::string, v1::StepMaterial> materials;
  // Records each step's department pulled for it: step -> material -> data.
  std::map<std::string, std::map<std::string, v1::StepMaterial>> step_materials;
  // One step's pulls in flight (not yet committed). Answers gather here;
  // the steps that became ready together (one `group`) are committed
  // together, in one batch, when the last of their pulls answers.
  struct StepPulls {
    uint64_t group = 0;
    int pending = 0;
    // Of `pending`, the pulls waiting to be retried (their department was
    // unavailable or slow): they do not hold back the group's other steps.
    int retrying = 0;
    // Attempts so far, by material.
    std::map<std::string, int> attempts;
    // Final answers, by material.
    std::map<std::string, absl::StatusOr<v1::QueryResponse>> results;
  };
  std::map<std::string, StepPulls> pulling;
  uint64_t last_pull_group = 0;
  // Once the case ended: forgets the pulls no longer awaited.
  void DropFinishedPulls() {
    for (auto it = pulling.begin(); it != pulling.end();) {
      it = it->second.pending <= 0 ? pulling.erase(it) : std::next(it);
    }
  }
  // Step id -> idempotency key of its latest review round.
  std::map<std::string, std::string> keys;
  // Party role -> kind of its subject.
  absl::flat_hash_map<std::string, identity::SubjectKind> kinds;
  // Submission checks (as the submitter, identifying fields only: does the
  // department hold the material?) not yet answered; no step starts before
  // they all are. Their
  // results gather in `pull_txn`, committed when the last one arrives.
  int pending_pulls = 0;
  Txn pull_txn;
  // Review calls in flight (the case stays in memory until they return).
  int outstanding = 0;
  std::map<uint64_t, EventSink> watchers;
};

// Late callbacks hold this; `engine` is null once the engine is gone.
struct CaseEngine::Gate {
  absl::Mutex mu;
  CaseEngine* engine ABSL_GUARDED_BY(mu) = nullptr;
};

template <typename Answer, typename Then>
std::function<void(Answer)> CaseEngine::OnEngineThread(Then then) const {
  return [gate = gate_, then = std::move(then)](Answer answer) {
    absl::MutexLock lock(&gate->mu);
    CaseEngine* engine = gate->engine;
    if (engine == nullptr) return;
    engine->executor_->Post(
        [engine, then, answer = std::move(answer)]() mutable {
          then(engine, std::move(answer));
        });
  };
}

bool IsOpenState(v1::CaseState state);

// The step `step`'s index in `type`, -1 when it has none.
int StepIndex(const v1::CaseType& type, absl::string_view step);

// The material record of `id` in `record`, null when there is none.
const v1::MaterialRecord* FindMaterialRecord(const v1::CaseRecord& record,
                                             absl::string_view id);

// The material record of `id` in `record`, added when missing.
v1::MaterialRecord* MaterialRecordOf(v1::CaseRecord* record,
                                     absl::string_view id);

// Whether a failed review or pull is worth another attempt (UNAVAILABLE,
// DEADLINE_EXCEEDED).
bool Transient(absl::StatusCode code);

// Whether the material record says the material is available to reviews.
bool IsPresentSource(absl::string_view source);

}  // namespace datarun::cases

#endif  // DATARUN_EXCHANGE_CASES_CASE_ENGINE_INTERNAL_H_
