// The exchange streams a gateway has open (case watches, exports), so that
// shutdown can cancel them all. Thread-safe.
#ifndef DATARUN_GATEWAY_STREAM_REGISTRY_H_
#define DATARUN_GATEWAY_STREAM_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>

#include "absl/synchronization/mutex.h"

namespace datarun::gateway {

class StreamRegistry {
 public:
  // Registers `cancel`; returns the id to Remove it with.
  uint64_t Add(std::function<void()> cancel) {
    absl::MutexLock lock(&mu_);
    cancels_[++next_] = std::move(cancel);
    return next_;
  }

  void Remove(uint64_t id) {
    absl::MutexLock lock(&mu_);
    cancels_.erase(id);
  }

  // Calls every registered cancel function (once each) and forgets them.
  void CancelAll() {
    std::map<uint64_t, std::function<void()>> cancels;
    {
      absl::MutexLock lock(&mu_);
      cancels.swap(cancels_);
    }
    for (auto& [id, cancel] : cancels) cancel();
  }

 private:
  absl::Mutex mu_;
  uint64_t next_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<uint64_t, std::function<void()>> cancels_ ABSL_GUARDED_BY(mu_);
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_STREAM_REGISTRY_H_
