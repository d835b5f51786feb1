// The request mix of the load generator: every grant of the policy that can
// be exercised without a case (consumer, dataset, purpose, granted fields),
// each with a pool of subjects that the owner department's legacy store
// really holds, read from <data_dir>/<owner>.db.
//
// Thread-safety: immutable after Load; Pick is const and may be called from
// any thread with that thread's own random state.
#ifndef DATARUN_BENCH_LOADGEN_WORKLOAD_H_
#define DATARUN_BENCH_LOADGEN_WORKLOAD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace datarun::bench {

// One kind of request: what a consumer asks of a dataset, and for whom.
struct WorkItem {
  std::string grant_id;
  std::string consumer;
  std::string dataset;
  std::string owner;  // the department owning `dataset`
  std::string purpose;
  std::vector<std::string> fields;
  std::vector<std::string> subjects;
};

class Workload {
 public:
  // Reads the grants of `policy_file` and, for each dataset, up to
  // `subjects_per_dataset` subjects from its owner's store under `data_dir`.
  // Grants bound to a case type, outside their validity window at `now`, or
  // on a dataset without a known subject query are left out (and listed by
  // skipped()). Errors: NOT_FOUND / INVALID_ARGUMENT naming the policy file,
  // the store's error naming the .db file, FAILED_PRECONDITION when no grant
  // is usable.
  static absl::StatusOr<std::unique_ptr<Workload>> Load(
      absl::string_view policy_file, absl::string_view data_dir,
      int subjects_per_dataset, absl::Time now);

  // Builds a workload from explicit items (tests). Items without subjects
  // are dropped; FAILED_PRECONDITION when none is left.
  static absl::StatusOr<std::unique_ptr<Workload>> FromItems(
      std::vector<WorkItem> items);

  // Picks an item uniformly, then one of its subjects uniformly, advancing
  // `rng` (a caller-owned splitmix64 state).
  struct Pick {
    const WorkItem* item;
    const std::string* subject;
  };
  Pick Next(uint64_t& rng) const;

  const std::vector<WorkItem>& items() const { return items_; }
  // "grant_id: reason" for each grant left out.
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  Workload() = default;

  std::vector<WorkItem> items_;
  std::vector<std::string> skipped_;
};

// splitmix64: returns the next pseudo-random value and advances `state`.
uint64_t NextRandom(uint64_t& state);

}  // namespace datarun::bench

#endif  // DATARUN_BENCH_LOADGEN_WORKLOAD_H_
