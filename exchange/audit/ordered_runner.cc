#include "exchange/audit/ordered_runner.h"

#include <algorithm>
#include <utility>

namespace datarun::audit {

OrderedRunner::OrderedRunner(size_t max_queued)
    : max_queued_(std::max<size_t>(max_queued, 1)),
      thread_([this] { Loop(); }) {}

OrderedRunner::~OrderedRunner() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void OrderedRunner::Post(absl::AnyInvocable<void()> task) {
  absl::MutexLock lock(&mu_);
  auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return tasks_.size() < max_queued_;
  };
  mu_.Await(absl::Condition(&room));
  tasks_.push_back(std::move(task));
}

void OrderedRunner::Loop() {
  while (true) {
    absl::AnyInvocable<void()> task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !tasks_.empty() || stopping_;
      };
      mu_.Await(absl::Condition(&ready));
      if (tasks_.empty()) return;  // stopping, and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace datarun::audit
