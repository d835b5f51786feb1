#include "gateway/exchange_clients.h"

#include "common/status_macros.h"
#include "exchange/security/names.h"
#include "exchange/security/tls_credentials.h"

namespace datarun::gateway {
namespace {

absl::StatusOr<ExchangeIdentity> Connect(const v1::GatewayConfig& config,
                                         const v1::TlsFiles& files) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                   security::MakeChannelCredentials(files));
  grpc::ChannelArguments args = security::ChannelArgsForServerName(
      security::ExchangeServerName(config.trust_domain()));
  // Each identity gets its own connection, never shared with the other.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  ExchangeIdentity identity;
  identity.channel =
      grpc::CreateCustomChannel(config.exchange_address(), credentials, args);
  identity.exchange = v1::Exchange::NewStub(identity.channel);
  identity.cases = v1::Case::NewStub(identity.channel);
  identity.intake = v1::Intake::NewStub(identity.channel);
  identity.audit = v1::Audit::NewStub(identity.channel);
  return identity;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExchangeClients>> ExchangeClients::Create(
    const v1::GatewayConfig& config) {
  std::unique_ptr<ExchangeClients> clients(new ExchangeClients);
  ASSIGN_OR_RETURN(clients->servicehall_,
                   Connect(config, config.servicehall_tls()));
  ASSIGN_OR_RETURN(clients->auditor_, Connect(config, config.audit_tls()));
  clients->timeout_ = absl::Milliseconds(config.limits().request_timeout_ms());
  return clients;
}

void ExchangeClients::Acquire() {
  absl::MutexLock lock(&mu_);
  ++in_flight_;
}

void ExchangeClients::Release() {
  absl::MutexLock lock(&mu_);
  --in_flight_;
}

void ExchangeClients::WaitIdle(absl::Duration limit) {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return in_flight_ == 0;
  };
  mu_.AwaitWithTimeout(absl::Condition(&idle), limit);
}

}  // namespace datarun::gateway
