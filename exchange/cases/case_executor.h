// The case engine's own threads: runs tasks now or at a given time, so that
// store writes and review bookkeeping never run on a gRPC thread.
//
// Thread-safe. The destructor drops delayed tasks not yet due, runs the
// ready ones, and joins the threads; it must not run on an executor thread.
#ifndef DATARUN_EXCHANGE_CASES_CASE_EXECUTOR_H_
#define DATARUN_EXCHANGE_CASES_CASE_EXECUTOR_H_

#include <cstdint>
#include <deque>
#include <map>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace datarun::cases {

class CaseExecutor {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  // Starts `threads` threads (at least 1).
  explicit CaseExecutor(int threads);
  CaseExecutor(const CaseExecutor&) = delete;
  CaseExecutor& operator=(const CaseExecutor&) = delete;
  ~CaseExecutor();

  // Runs `task` once on an executor thread, as soon as one is free.
  void Post(Task task);

  // Runs `task` once on an executor thread at or after `when` (dropped if
  // the executor is destroyed first).
  void PostAt(absl::Time when, Task task);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<Task> ready_ ABSL_GUARDED_BY(mu_);
  std::multimap<absl::Time, Task> delayed_ ABSL_GUARDED_BY(mu_);
  // Bumped by PostAt so a sleeping thread recomputes its wake-up time.
  uint64_t delayed_version_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace datarun::cases

#endif  // DATARUN_EXCHANGE_CASES_CASE_EXECUTOR_H_
