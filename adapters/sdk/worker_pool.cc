#include "adapters/sdk/worker_pool.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace datarun {
namespace adapter {

WorkerPool::WorkerPool(int num_threads, int max_queue)
    : num_threads_(std::max(1, num_threads)),
      max_queue_(std::max(0, max_queue)) {
  absl::MutexLock lock(&shutdown_mu_);
  threads_.reserve(num_threads_);
  for (int i = 0; i < num_threads_; ++i) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
}

WorkerPool::~WorkerPool() { Shutdown(); }

absl::Status WorkerPool::Submit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) {
    return absl::FailedPreconditionError(
        "the worker pool is shutting down and accepts no new work");
  }
  if (static_cast<int>(queue_.size()) >= max_queue_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("all ", num_threads_, " workers are busy and ", max_queue_,
                     " requests are already waiting"));
  }
  queue_.push_back(std::move(task));
  work_available_.Signal();
  return absl::OkStatus();
}

void WorkerPool::Shutdown() {
  absl::MutexLock shutdown_lock(&shutdown_mu_);
  if (threads_.empty()) return;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    work_available_.SignalAll();
  }
  for (std::thread& thread : threads_) thread.join();
  threads_.clear();
}

int WorkerPool::queued() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(queue_.size());
}

int WorkerPool::running() const {
  absl::MutexLock lock(&mu_);
  return running_;
}

void WorkerPool::WorkerLoop() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      while (queue_.empty() && !stopping_) work_available_.Wait(&mu_);
      // Drain: stop only when asked to and nothing is left.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    task();
    task = nullptr;  // Destroy captured state outside the lock too.
    absl::MutexLock lock(&mu_);
    --running_;
  }
}

}  // namespace adapter
}  // namespace datarun
