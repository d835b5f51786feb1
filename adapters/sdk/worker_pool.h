// A fixed set of threads running submitted tasks from a bounded FIFO queue.
//
// The adapter SDK uses it so that gRPC callback threads never block: a
// reactor validates a request and submits the work; a worker thread runs the
// department's (possibly slow) legacy lookup and finishes the call.
//
// Thread-safe: every method may be called from any thread, except that
// Shutdown() and the destructor must not be called from a worker thread.
#ifndef DATARUN_ADAPTERS_SDK_WORKER_POOL_H_
#define DATARUN_ADAPTERS_SDK_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace datarun {
namespace adapter {

class WorkerPool {
 public:
  // Starts `num_threads` worker threads (at least 1). At most `max_queue`
  // tasks (at least 0) may wait for a free worker at any time; tasks being
  // run do not count.
  WorkerPool(int num_threads, int max_queue);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  // Calls Shutdown().
  ~WorkerPool();

  // Queues `task` to run once on a worker thread. Returns OK when queued.
  // Errors:
  //   RESOURCE_EXHAUSTED   `max_queue` tasks are already waiting;
  //   FAILED_PRECONDITION  Shutdown() has started.
  // A task that was not queued is destroyed without running.
  absl::Status Submit(std::function<void()> task);

  // Stops accepting tasks, runs every task already queued, and joins the
  // worker threads. Idempotent; later calls return at once.
  void Shutdown();

  // Returns the number of tasks waiting for a worker (for monitoring).
  int queued() const;

  // Returns the number of tasks being run right now (for monitoring).
  int running() const;

 private:
  void WorkerLoop();

  const int num_threads_;
  const int max_queue_;
  mutable absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  int running_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::CondVar work_available_;
  // Serializes Shutdown() calls.
  absl::Mutex shutdown_mu_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(shutdown_mu_);
};

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_WORKER_POOL_H_
