#include "exchange/router/inflight_calls.h"

#include <vector>

#include "exchange/router/fetch_call.h"

namespace datarun::router {

void InflightCalls::Add(const std::shared_ptr<FetchCall>& call) {
  absl::MutexLock lock(&mu_);
  calls_.emplace(call.get(), call);
  ++active_;
}

void InflightCalls::Remove(FetchCall* call) {
  absl::MutexLock lock(&mu_);
  calls_.erase(call);
}

void InflightCalls::Finished() {
  absl::MutexLock lock(&mu_);
  --active_;
}

void InflightCalls::CancelAllAndWait() {
  std::vector<std::shared_ptr<FetchCall>> calls;
  {
    absl::MutexLock lock(&mu_);
    for (const auto& [raw, weak] : calls_) {
      if (std::shared_ptr<FetchCall> call = weak.lock()) {
        calls.push_back(std::move(call));
      }
    }
  }
  // Outside mu_: a cancelled call may complete on this very thread.
  for (const auto& call : calls) call->Cancel();
  calls.clear();
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](int64_t* active) { return *active == 0; }, &active_));
}

int64_t InflightCalls::active() const {
  absl::MutexLock lock(&mu_);
  return active_;
}

}  // namespace datarun::router
