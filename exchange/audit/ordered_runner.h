// Runs tasks one at a time, in the order they were posted, on a thread of
// its own. The audit writer hands each written batch's callbacks to one, so
// it can write the next batch while the callbacks of the last one run.
#ifndef DATARUN_EXCHANGE_AUDIT_ORDERED_RUNNER_H_
#define DATARUN_EXCHANGE_AUDIT_ORDERED_RUNNER_H_

#include <cstddef>
#include <deque>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace datarun::audit {

// Thread-safe.
class OrderedRunner {
 public:
  // At most `max_queued` (>= 1) posted tasks wait at a time; Post blocks
  // beyond that, which bounds the memory the tasks hold.
  explicit OrderedRunner(size_t max_queued);
  OrderedRunner(const OrderedRunner&) = delete;
  OrderedRunner& operator=(const OrderedRunner&) = delete;
  // Runs every task posted before, then stops the thread. Must not run on
  // the runner's own thread (inside a task).
  ~OrderedRunner();

  // Queues `task` to run after every task posted before it; blocks while
  // max_queued tasks are waiting.
  void Post(absl::AnyInvocable<void()> task);

 private:
  void Loop();

  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_ORDERED_RUNNER_H_
