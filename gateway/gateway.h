// The running gateway: accounts, sessions, exchange clients, the API and
// the HTTPS server wired together. gateway_main.cc only parses flags and
// calls Start / Shutdown.
#ifndef DATARUN_GATEWAY_GATEWAY_H_
#define DATARUN_GATEWAY_GATEWAY_H_

#include <memory>

#include "absl/status/statusor.h"
#include "datarun/v1/gateway.pb.h"
#include "gateway/accounts.h"
#include "gateway/api.h"
#include "gateway/citizen_codes.h"
#include "gateway/exchange_clients.h"
#include "gateway/gateway_stats.h"
#include "gateway/http_server.h"
#include "gateway/session_store.h"
#include "gateway/stream_registry.h"
#include "gateway/worker_pool.h"

namespace datarun::gateway {

class Gateway {
 public:
  // Builds everything from `config` (from LoadGatewayConfig) and starts
  // serving. Errors: INVALID_ARGUMENT for bad accounts or TLS files (named),
  // UNAVAILABLE when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Gateway>> Start(
      const v1::GatewayConfig& config);

  ~Gateway();

  int port() const { return server_->port(); }

  // Stops accepting, closes connections, cancels exchange streams and waits
  // (up to the request timeout) for calls in flight. Idempotent.
  void Shutdown();

 private:
  Gateway() = default;

  // Declaration order is destruction order reversed: the server goes first.
  v1::GatewayConfig config_;
  GatewayStats stats_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<SessionStore> sessions_;
  std::unique_ptr<CitizenCodes> codes_;
  std::unique_ptr<ExchangeClients> clients_;
  StreamRegistry streams_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> server_;
  // Destroyed first: its last tasks may still answer through the server.
  std::unique_ptr<WorkerPool> workers_;
  bool shut_down_ = false;
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_GATEWAY_H_
