#include "exchange/cases/case_executor.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace datarun::cases {

CaseExecutor::CaseExecutor(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    threads_.emplace_back([this] { Loop(); });
  }
}

CaseExecutor::~CaseExecutor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

void CaseExecutor::Post(Task task) {
  absl::MutexLock lock(&mu_);
  ready_.push_back(std::move(task));
}

void CaseExecutor::PostAt(absl::Time when, Task task) {
  absl::MutexLock lock(&mu_);
  delayed_.emplace(when, std::move(task));
  ++delayed_version_;
}

void CaseExecutor::Loop() {
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      while (true) {
        const absl::Time now = absl::Now();
        while (!delayed_.empty() && delayed_.begin()->first <= now) {
          ready_.push_back(std::move(delayed_.begin()->second));
          delayed_.erase(delayed_.begin());
        }
        if (!ready_.empty()) break;
        if (stopping_) return;
        const absl::Time wake = delayed_.empty() ? now + absl::Milliseconds(100)
                                                 : delayed_.begin()->first;
        struct Wait {
          CaseExecutor* self;
          uint64_t version;
        } wait{this, delayed_version_};
        mu_.AwaitWithDeadline(
            absl::Condition(
                +[](Wait* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                  return !w->self->ready_.empty() || w->self->stopping_ ||
                         w->self->delayed_version_ != w->version;
                },
                &wait),
            wake);
      }
      task = std::move(ready_.front());
      ready_.pop_front();
    }
    std::move(task)();
  }
}

}  // namespace datarun::cases
