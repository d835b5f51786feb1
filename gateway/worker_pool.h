// A few threads for slow CPU work (password hashing) so that the I/O
// threads never wait on it. Bounded queue; thread-safe.
#ifndef DATARUN_GATEWAY_WORKER_POOL_H_
#define DATARUN_GATEWAY_WORKER_POOL_H_

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace datarun::gateway {

class WorkerPool {
 public:
  // Starts `threads` workers; at most `max_queued` tasks wait.
  WorkerPool(int threads, size_t max_queued);
  // Runs the queued tasks, then joins the workers.
  ~WorkerPool();

  // Queues `task`. RESOURCE_EXHAUSTED when the queue is full (the task is
  // not run).
  absl::Status Submit(std::function<void()> task);

 private:
  void Run();

  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_WORKER_POOL_H_
