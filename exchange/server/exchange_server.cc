#include "exchange/server/exchange_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>

#include <chrono>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "exchange/security/tls_credentials.h"

namespace datarun::server {

absl::StatusOr<std::unique_ptr<ExchangeServer>> ExchangeServer::Start(
    const v1::ExchangeConfig& config) {
  std::unique_ptr<ExchangeServer> server(new ExchangeServer);
  ASSIGN_OR_RETURN(server->catalog_,
                   catalog::Catalog::LoadFile(config.catalog_file()));
  ASSIGN_OR_RETURN(
      server->policy_,
      policy::PolicyEngine::LoadFile(config.policy_file(), *server->catalog_));
  for (const v1::AdapterEndpoint& endpoint : config.adapters()) {
    if (!server->catalog_->HasDepartment(endpoint.department())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "adapters: department '", endpoint.department(),
          "' is not declared in the catalog ", config.catalog_file()));
    }
  }

  RETURN_IF_ERROR(MakeDirs(config.audit_dir()));
  ASSIGN_OR_RETURN(server->hasher_,
                   audit::SubjectHasher::OpenOrCreate(config.audit_key_file()));
  audit::AuditLog::Options audit_options;
  audit_options.path = config.audit_dir();
  audit_options.signing_key_file = config.audit_signing_key_file();
  audit_options.origin = absl::StrCat(config.trust_domain(), "/audit");
  audit_options.checkpoint_interval =
      absl::Milliseconds(config.checkpoint_interval_ms());
  ASSIGN_OR_RETURN(server->audit_, audit::AuditLog::Open(audit_options));

  ASSIGN_OR_RETURN(
      std::shared_ptr<grpc::ChannelCredentials> channel_credentials,
      security::MakeChannelCredentials(config.tls()));
  router::Router::Options router_options;
  router_options.endpoints.assign(config.adapters().begin(),
                                  config.adapters().end());
  router_options.credentials = channel_credentials;
  router_options.trust_domain = config.trust_domain();
  ASSIGN_OR_RETURN(server->router_, router::Router::Create(router_options));

  security::Authenticator::Options auth_options;
  auth_options.trust_domain = config.trust_domain();
  auth_options.ca_cert_path = config.tls().ca_cert();
  auth_options.crl_path = config.tls().crl();
  auth_options.known_departments = server->catalog_->DepartmentIds();
  ASSIGN_OR_RETURN(server->authenticator_,
                   security::Authenticator::Create(auth_options));

  query::QueryProcessor::Options query_options;
  query_options.catalog = server->catalog_.get();
  query_options.policy = server->policy_.get();
  query_options.router = server->router_.get();
  query_options.audit = server->audit_.get();
  query_options.subject_hasher = server->hasher_.get();
  query_options.max_fields = config.limits().max_fields();
  server->processor_ = std::make_unique<query::QueryProcessor>(query_options);

  ExchangeService::Options service_options;
  service_options.catalog = server->catalog_.get();
  service_options.processor = server->processor_.get();
  service_options.authenticator = server->authenticator_.get();
  service_options.default_deadline =
      absl::Milliseconds(config.limits().default_deadline_ms());
  service_options.max_deadline =
      absl::Milliseconds(config.limits().max_deadline_ms());
  server->service_ = std::make_unique<ExchangeService>(service_options);

  AuditService::Options audit_service_options;
  audit_service_options.log = server->audit_.get();
  audit_service_options.subject_hasher = server->hasher_.get();
  audit_service_options.authenticator = server->authenticator_.get();
  audit_service_options.access.audit_readers.assign(
      config.audit_readers().begin(), config.audit_readers().end());
  audit_service_options.known_departments = server->catalog_->DepartmentIds();
  ASSIGN_OR_RETURN(server->audit_service_,
                   AuditService::Create(audit_service_options));

  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> server_credentials,
                   security::MakeServerCredentials(config.tls()));
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen_address(), server_credentials,
                           &server->port_);
  builder.SetMaxReceiveMessageSize(config.limits().max_request_bytes());
  builder.RegisterService(server->service_.get());
  builder.RegisterService(server->audit_service_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address(),
                     " (address in use or not a local address?)"));
  }
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  LogLine("exchange_started")
      .Int("port", server->port_)
      .Int("datasets", server->catalog_->ListDatasets().size())
      .Int("grants", server->policy_->proto().grants_size())
      .Int("audit_entries", static_cast<int64_t>(server->audit_->size()));
  return server;
}

ExchangeServer::~ExchangeServer() { Shutdown(); }

void ExchangeServer::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  LogLine("exchange_stopped");
}

}  // namespace datarun::server
