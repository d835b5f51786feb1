// One routed Adapter.Fetch: up to two attempts over the gRPC callback API,
// error mapping and circuit-breaker bookkeeping. Internal to the router.
#ifndef DATARUN_EXCHANGE_ROUTER_FETCH_CALL_H_
#define DATARUN_EXCHANGE_ROUTER_FETCH_CALL_H_

#include <memory>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "datarun/v1/adapter.pb.h"
#include "exchange/router/department_channels.h"

namespace datarun::router {

class FetchCall {
 public:
  using Done = absl::AnyInvocable<void(absl::StatusOr<v1::FetchResponse>)>;

  // Sends `request` to `department`, whose breaker has already admitted the
  // call (`probe` as returned by CircuitBreaker::Admit). Runs `done` exactly
  // once, on a gRPC callback thread, then frees the call. The call keeps
  // `department` alive until then.
  static void Start(std::shared_ptr<DepartmentChannels> department, bool probe,
                    v1::FetchRequest request, absl::Time deadline, Done done);

  FetchCall(const FetchCall&) = delete;
  FetchCall& operator=(const FetchCall&) = delete;

 private:
  FetchCall(std::shared_ptr<DepartmentChannels> department, bool probe,
            v1::FetchRequest request, absl::Time deadline, Done done);

  // Issues one attempt on the next pooled channel.
  void StartAttempt();
  // gRPC callback of an attempt.
  void OnAttemptDone(const grpc::Status& status);
  // Records the outcome, runs `done_` and deletes this.
  void Finish(absl::StatusOr<v1::FetchResponse> result);

  const std::shared_ptr<DepartmentChannels> department_;
  const bool probe_;
  const v1::FetchRequest request_;
  const absl::Time start_;
  const absl::Time deadline_;
  Done done_;
  int attempts_ = 0;
  // Fresh for every attempt (a ClientContext cannot be reused).
  std::unique_ptr<grpc::ClientContext> context_;
  v1::FetchResponse response_;
};

}  // namespace datarun::router

#endif  // DATARUN_EXCHANGE_ROUTER_FETCH_CALL_H_
