#include "exchange/server/read_pool.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace datarun::server {

ReadPool::ReadPool(absl::string_view name, int num_threads, int max_queue)
    : name_(name), max_queue_(std::max(1, max_queue)) {
  const int n = std::max(1, num_threads);
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Loop(); });
}

ReadPool::~ReadPool() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    work_.SignalAll();
  }
  for (std::thread& thread : threads_) thread.join();
}

absl::Status ReadPool::Submit(absl::AnyInvocable<void() &&> task) {
  absl::MutexLock lock(&mu_);
  if (static_cast<int>(queue_.size()) >= max_queue_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        name_, ": ", queue_.size(), " reads already waiting; retry later"));
  }
  queue_.push_back(std::move(task));
  work_.Signal();
  return absl::OkStatus();
}

void ReadPool::Loop() {
  for (;;) {
    absl::AnyInvocable<void() &&> task;
    {
      absl::MutexLock lock(&mu_);
      while (queue_.empty() && !stopping_) work_.Wait(&mu_);
      // Drain the queue before stopping.
      if (queue_.empty()) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(task)();
  }
}

}  // namespace datarun::server
