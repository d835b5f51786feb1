// Registry of a router's in-flight Fetch calls, so that destroying the router
// can cancel them and wait until every `done` callback has returned (gRPC
// channels must not be destroyed from their own callbacks). Internal to the
// router.
#ifndef DATARUN_EXCHANGE_ROUTER_INFLIGHT_CALLS_H_
#define DATARUN_EXCHANGE_ROUTER_INFLIGHT_CALLS_H_

#include <cstdint>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace datarun::router {

class FetchCall;

// Thread-safe.
class InflightCalls {
 public:
  InflightCalls() = default;
  InflightCalls(const InflightCalls&) = delete;
  InflightCalls& operator=(const InflightCalls&) = delete;

  // Registers a call that is about to start.
  void Add(const std::shared_ptr<FetchCall>& call);
  // Unregisters `call` (it will not be cancelled any more); its `done`
  // callback is about to run. Must precede Finished().
  void Remove(FetchCall* call);
  // Marks that a removed call's `done` callback has returned.
  void Finished();

  // Cancels every registered call and blocks until all added calls have
  // Finished(). Must not run on a thread that is inside a `done` callback.
  void CancelAllAndWait();

  // Returns the number of calls whose `done` has not returned yet.
  int64_t active() const;

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<FetchCall*, std::weak_ptr<FetchCall>> calls_
      ABSL_GUARDED_BY(mu_);
  int64_t active_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace datarun::router

#endif  // DATARUN_EXCHANGE_ROUTER_INFLIGHT_CALLS_H_
