// One routed Adapter.Fetch: up to two attempts over the gRPC callback API,
// error mapping and circuit-breaker bookkeeping. Internal to the router.
#ifndef DATARUN_EXCHANGE_ROUTER_FETCH_CALL_H_
#define DATARUN_EXCHANGE_ROUTER_FETCH_CALL_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "datarun/v1/adapter.pb.h"
#include "exchange/router/department_channels.h"
#include "exchange/router/inflight_calls.h"

namespace datarun::router {

// Owned by shared pointers: the gRPC callback of the current attempt holds
// one, so the call lives until its last callback returns. Thread-safe.
class FetchCall : public std::enable_shared_from_this<FetchCall> {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<v1::FetchResponse>)>;

  // Sends `request` to `department`, whose breaker has already admitted the
  // call (`probe` as returned by CircuitBreaker::Admit), registered in
  // `inflight` until `done` has returned. Runs `done` exactly once, normally
  // on a gRPC callback thread. `department` is not owned: the router keeps
  // it alive until `inflight` says every call has finished, and the call
  // drops its last gRPC object (the ClientContext, which refers to the
  // channel) before saying so, so channels are never destroyed on a gRPC
  // callback thread.
  static void Start(DepartmentChannels* department,
                    std::shared_ptr<InflightCalls> inflight, bool probe,
                    v1::FetchRequest request, absl::Time deadline, Done done);

  // Cancels the call: `done` gets CANCELLED "department 'x': call cancelled:
  // the router is shutting down" (unless it already finished). May run
  // `done` on the calling thread.
  void Cancel();

  FetchCall(const FetchCall&) = delete;
  FetchCall& operator=(const FetchCall&) = delete;

  // Use Start.
  FetchCall(DepartmentChannels* department,
            std::shared_ptr<InflightCalls> inflight, bool probe,
            v1::FetchRequest request, absl::Time deadline, Done done);

 private:
  // Issues one attempt on the next pooled channel.
  void StartAttempt();
  // gRPC callback of an attempt.
  void OnAttemptDone(const grpc::Status& status);
  // Records the outcome, releases the ClientContext and runs `done_`.
  void Finish(absl::StatusOr<v1::FetchResponse> result);
  bool cancelled() const;

  DepartmentChannels* const department_;
  const std::shared_ptr<InflightCalls> inflight_;
  const bool probe_;
  const v1::FetchRequest request_;
  const absl::Time start_;
  const absl::Time deadline_;
  Done done_;
  // Touched only by the attempt sequence (never concurrently).
  int attempts_ = 0;
  v1::FetchResponse response_;

  mutable absl::Mutex mu_;
  // Context of the current attempt (a ClientContext cannot be reused).
  std::shared_ptr<grpc::ClientContext> context_ ABSL_GUARDED_BY(mu_);
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace datarun::router

#endif  // DATARUN_EXCHANGE_ROUTER_FETCH_CALL_H_
