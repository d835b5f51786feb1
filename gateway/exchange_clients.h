// The gateway's two mTLS identities towards the exchange: the service-hall
// department (clerks, officers, citizens, administrators) and the audit
// department (auditors), each one channel with stubs of every service.
//
// CallUnary runs one unary RPC with the gRPC callback API: it never blocks
// the calling thread; `done` runs on a gRPC thread when the call ends.
// Thread-safe. Destroy only after every call has finished (WaitIdle).
#ifndef DATARUN_GATEWAY_EXCHANGE_CLIENTS_H_
#define DATARUN_GATEWAY_EXCHANGE_CLIENTS_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/grpc_status.h"
#include "datarun/v1/audit_service.grpc.pb.h"
#include "datarun/v1/case.grpc.pb.h"
#include "datarun/v1/exchange.grpc.pb.h"
#include "datarun/v1/gateway.pb.h"
#include "datarun/v1/intake.grpc.pb.h"

namespace datarun::gateway {

// Stubs of one identity.
struct ExchangeIdentity {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Exchange::Stub> exchange;
  std::unique_ptr<v1::Case::Stub> cases;
  std::unique_ptr<v1::Intake::Stub> intake;
  std::unique_ptr<v1::Audit::Stub> audit;
};

class ExchangeClients {
 public:
  // Makes both channels from config.servicehall_tls / audit_tls to
  // config.exchange_address, verifying the exchange's certificate name
  // "exchange.<trust_domain>". Connects lazily.
  // Errors: those of security::MakeChannelCredentials, naming the field
  // and file (e.g. "tls.cert /x.pem: not a PEM certificate").
  static absl::StatusOr<std::unique_ptr<ExchangeClients>> Create(
      const v1::GatewayConfig& config);

  ExchangeIdentity& servicehall() { return servicehall_; }
  ExchangeIdentity& auditor() { return auditor_; }

  // Deadline of every call.
  absl::Duration timeout() const { return timeout_; }

  // Counts a call in flight (CallUnary and streams do it); Release when it
  // ended. WaitIdle blocks until none is left or `limit` passed.
  void Acquire();
  void Release();
  void WaitIdle(absl::Duration limit);

 private:
  ExchangeClients() = default;

  ExchangeIdentity servicehall_;
  ExchangeIdentity auditor_;
  absl::Duration timeout_ = absl::Seconds(10);
  absl::Mutex mu_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

// One unary call's state, alive until its callback ran.
template <typename Request, typename Response>
struct UnaryCall {
  grpc::ClientContext context;
  Request request;
  Response response;
};

// Starts `start(&context, &request, &response, callback)` (a lambda calling
// stub->async()->Method) with the clients' deadline, and calls
// `done(absl::Status, Response)` from a gRPC thread when it ends.
template <typename Request, typename Response, typename Start, typename Done>
void CallUnary(ExchangeClients* clients, Start start, Request request,
               Done done) {
  auto* call = new UnaryCall<Request, Response>;
  call->request = std::move(request);
  call->context.set_deadline(
      absl::ToChronoTime(absl::Now() + clients->timeout()));
  clients->Acquire();
  start(&call->context, &call->request, &call->response,
        [call, clients, done = std::move(done)](grpc::Status status) mutable {
          std::unique_ptr<UnaryCall<Request, Response>> owned(call);
          done(FromGrpcStatus(status), std::move(owned->response));
          clients->Release();
        });
}

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_EXCHANGE_CLIENTS_H_
