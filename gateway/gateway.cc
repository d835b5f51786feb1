#include "gateway/gateway.h"

#include <utility>

#include "common/log.h"
#include "common/status_macros.h"
#include "gateway/handlers.h"

namespace datarun::gateway {

absl::StatusOr<std::unique_ptr<Gateway>> Gateway::Start(
    const v1::GatewayConfig& config) {
  std::unique_ptr<Gateway> gateway(new Gateway);
  gateway->config_ = config;
  const v1::GatewayLimits& limits = gateway->config_.limits();
  ASSIGN_OR_RETURN(gateway->accounts_, Accounts::Create(config.accounts()));
  gateway->sessions_ = std::make_unique<SessionStore>(
      absl::Seconds(limits.session_idle_seconds()));
  gateway->codes_ = std::make_unique<CitizenCodes>();
  ASSIGN_OR_RETURN(gateway->clients_, ExchangeClients::Create(config));
  gateway->workers_ = std::make_unique<WorkerPool>(2, 256);

  ApiContext context;
  context.config = &gateway->config_;
  context.clients = gateway->clients_.get();
  context.sessions = gateway->sessions_.get();
  context.codes = gateway->codes_.get();
  context.accounts = gateway->accounts_.get();
  context.stats = &gateway->stats_;
  context.streams = &gateway->streams_;
  WorkerPool* workers = gateway->workers_.get();
  context.run_blocking = [workers](std::function<void()> task) {
    return workers->Submit(std::move(task));
  };
  gateway->api_ =
      std::make_unique<Api>(context, StaticFiles(config.web_root()));
  Api* api = gateway->api_.get();
  RETURN_IF_ERROR(AddSessionRoutes(api));
  RETURN_IF_ERROR(AddCatalogRoutes(api));
  RETURN_IF_ERROR(AddCaseRoutes(api));
  RETURN_IF_ERROR(AddAuditRoutes(api));
  RETURN_IF_ERROR(AddCitizenRoutes(api));
  RETURN_IF_ERROR(AddStatusRoutes(api));

  HttpServer::Options server_options;
  server_options.listen_address = config.listen_address();
  server_options.cert_file = config.browser_tls().cert();
  server_options.key_file = config.browser_tls().key();
  server_options.io_threads = limits.io_threads();
  server_options.max_connections = limits.max_connections();
  server_options.session.max_body_bytes =
      static_cast<size_t>(limits.max_body_bytes());
  server_options.session.max_header_bytes =
      static_cast<size_t>(limits.max_header_bytes());
  server_options.session.idle_timeout =
      absl::Seconds(limits.idle_connection_seconds());
  ASSIGN_OR_RETURN(
      gateway->server_,
      HttpServer::Start(
          server_options,
          [api](HttpRequest request, std::shared_ptr<Responder> responder) {
            api->Handle(std::move(request), std::move(responder));
          },
          &gateway->stats_));
  LogLine("gateway_started")
      .Int("port", gateway->server_->port())
      .Str("exchange", config.exchange_address())
      .Int("accounts", static_cast<int64_t>(gateway->accounts_->size()))
      .Str("web_root", config.web_root());
  return gateway;
}

Gateway::~Gateway() { Shutdown(); }

void Gateway::Shutdown() {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->Shutdown();
  streams_.CancelAll();
  clients_->WaitIdle(absl::Milliseconds(config_.limits().request_timeout_ms()) +
                     absl::Seconds(2));
  LogLine("gateway_stopped");
}

}  // namespace datarun::gateway
