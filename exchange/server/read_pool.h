// A fixed set of threads that run blocking reads (RocksDB lookups of the
// audit log) for gRPC callback services, so that no reactor blocks a gRPC
// callback thread. Tasks wait in a bounded FIFO queue.
//
// Thread-safe: every method may be called from any thread, except that the
// destructor must not run on a pool thread.
#ifndef DATARUN_EXCHANGE_SERVER_READ_POOL_H_
#define DATARUN_EXCHANGE_SERVER_READ_POOL_H_

#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace datarun::server {

class ReadPool {
 public:
  // Starts `num_threads` threads (at least 1). At most `max_queue` tasks
  // (at least 1) wait for a thread at any time. `name` appears in errors.
  ReadPool(absl::string_view name, int num_threads, int max_queue);
  ReadPool(const ReadPool&) = delete;
  ReadPool& operator=(const ReadPool&) = delete;
  // Runs every queued task, then joins the threads.
  ~ReadPool();

  // Queues `task` to run once on a pool thread. Errors (the task is then
  // destroyed without running):
  //   RESOURCE_EXHAUSTED  `max_queue` tasks are already waiting ("<name>:
  //                       N reads already waiting; retry later").
  absl::Status Submit(absl::AnyInvocable<void() &&> task);

 private:
  void Loop();

  const std::string name_;
  const int max_queue_;
  absl::Mutex mu_;
  absl::CondVar work_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_READ_POOL_H_
