// GET /api/v1/status (administrators and auditors): uptime, sessions,
// streams, request counters, and whether the exchange answers each of the
// gateway's two identities right now.
#include <memory>
#include <utility>

#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "gateway/audit_calls.h"
#include "gateway/handlers.h"

namespace datarun::gateway {
namespace {

std::string Outcome(const absl::Status& status) {
  return GrpcCodeName(static_cast<grpc::StatusCode>(status.code()));
}

void Status(const ApiContext& context, const ApiCallPtr& call) {
  auto status = std::make_shared<v1::GatewayStatus>();
  const GatewayStats& stats = *context.stats;
  status->set_version("0.1.0");
  status->set_started_at(
      absl::FormatTime(absl::RFC3339_sec, stats.started, absl::UTCTimeZone()));
  status->set_uptime_seconds(absl::ToInt64Seconds(absl::Now() - stats.started));
  status->set_sessions(static_cast<int64_t>(context.sessions->size()));
  status->set_open_streams(stats.streams.load());
  status->set_open_connections(stats.connections.load());
  status->set_requests_total(stats.requests.load());
  status->set_responses_2xx(stats.responses_2xx.load());
  status->set_responses_4xx(stats.responses_4xx.load());
  status->set_responses_5xx(stats.responses_5xx.load());
  status->set_exchange_address(context.config->exchange_address());
  const absl::Time probe_started = absl::Now();
  ExchangeClients* clients = context.clients;
  GetCheckpoint(clients, clients->servicehall(),
                [clients, call, status, probe_started](
                    absl::Status hall, v1::GetCheckpointResponse) {
                  status->set_exchange_servicehall(Outcome(hall));
                  GetCheckpoint(
                      clients, clients->auditor(),
                      [call, status, probe_started](absl::Status audit,
                                                    v1::GetCheckpointResponse) {
                        status->set_exchange_audit(Outcome(audit));
                        status->set_exchange_probe_ms(absl::ToInt64Milliseconds(
                            absl::Now() - probe_started));
                        call->Reply(*status);
                      });
                });
}

}  // namespace

absl::Status AddStatusRoutes(Api* api) {
  const ApiContext& context = api->context();
  return api->Add(
      {"GET", "/api/v1/status", RoleBit(Role::kAdmin) | RoleBit(Role::kAuditor),
       "read the gateway status", true,
       [context](const ApiCallPtr& call) { Status(context, call); }});
}

}  // namespace datarun::gateway
