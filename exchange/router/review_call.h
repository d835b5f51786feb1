// One routed Adapter.Review (a case step's review): one attempt over the gRPC
// callback API with error mapping. Retries are the case engine's (with the
// same idempotency key), so none here; not counted by the circuit breaker
// (a review is not a query). Internal to the router.
#ifndef DATARUN_EXCHANGE_ROUTER_REVIEW_CALL_H_
#define DATARUN_EXCHANGE_ROUTER_REVIEW_CALL_H_

#include <grpcpp/client_context.h>

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "datarun/v1/adapter.pb.h"
#include "exchange/router/department_channels.h"

namespace datarun::router {

// Review calls in flight, so the router can cancel them and wait for their
// `done` callbacks before closing channels. Thread-safe.
class ReviewCalls {
 public:
  // Registers `context` of a starting call; false when shutting down.
  bool Add(const std::shared_ptr<grpc::ClientContext>& context);
  // Unregisters it; its `done` has returned.
  void Finished(grpc::ClientContext* context);
  // Cancels every call and blocks until all have Finished().
  void CancelAllAndWait();

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<grpc::ClientContext*, std::weak_ptr<grpc::ClientContext>>
      calls_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

using ReviewDone = absl::AnyInvocable<void(absl::StatusOr<v1::ReviewResponse>)>;

// Sends `request` to `department` (not owned; alive until `calls` says every
// call finished) with `deadline`; runs `done` exactly once, on a gRPC
// callback thread or (when shutting down) the calling thread. Errors:
// UNAVAILABLE "department 'x' is unavailable: ...", DEADLINE_EXCEEDED
// "department 'x' did not answer the review within N ms", CANCELLED at
// shutdown, other codes prefixed with "department 'x': ".
void StartReviewCall(DepartmentChannels* department,
                     std::shared_ptr<ReviewCalls> calls,
                     v1::ReviewRequest request, absl::Time deadline,
                     ReviewDone done);

}  // namespace datarun::router

#endif  // DATARUN_EXCHANGE_ROUTER_REVIEW_CALL_H_
