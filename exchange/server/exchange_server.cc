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
#include "common/textproto_file.h"
#include "datarun/v1/workflow.pb.h"
#include "exchange/security/tls_credentials.h"
#include "exchange/server/exchange_config.h"

namespace datarun::server {

absl::StatusOr<std::unique_ptr<ExchangeServer>> ExchangeServer::Start(
    const v1::ExchangeConfig& config, absl::string_view config_path) {
  std::unique_ptr<ExchangeServer> server(new ExchangeServer);
  ASSIGN_OR_RETURN(server->catalog_,
                   catalog::Catalog::LoadFile(config.catalog_file()));
  // Case-bound grants are accepted when case types are configured; the
  // engine checks each binding (CaseEngine::CheckCaseBinding).
  policy::PolicyOptions policy_options;
  policy_options.case_types.emplace();
  if (!config.case_types_file().empty()) {
    v1::CaseTypes case_types;
    RETURN_IF_ERROR(
        TextProtoFile::Load(config.case_types_file(), &case_types).status());
    for (const v1::CaseType& type : case_types.case_types()) {
      policy_options.case_types->insert(type.id());
    }
  }
  ASSIGN_OR_RETURN(server->policy_, policy::PolicyEngine::LoadFile(
                                        config.policy_file(), *server->catalog_,
                                        policy_options));
  RETURN_IF_ERROR(
      CheckConfigDepartments(config_path, config, *server->catalog_));

  RETURN_IF_ERROR(MakeDirs(config.audit_dir()));
  ASSIGN_OR_RETURN(server->hasher_,
                   audit::SubjectHasher::OpenOrCreate(config.audit_key_file()));
  audit::AuditLog::Options audit_options;
  audit_options.path = config.audit_dir();
  audit_options.sync = !config.unsafe_audit_no_sync();
  if (config.unsafe_audit_no_sync()) {
    LogLine("audit_durability_off", LogLevel::kWarning)
        .Str("config", "unsafe_audit_no_sync")
        .Str("risk",
             "accesses are acknowledged before they are durable: a crash may "
             "lose audit entries of released data; for benchmarks only");
  }
  audit_options.signing_key_file = config.audit_signing_key_file();
  audit_options.origin = absl::StrCat(config.trust_domain(), "/audit");
  audit_options.checkpoint_interval =
      absl::Milliseconds(config.checkpoint_interval_ms());
  ASSIGN_OR_RETURN(server->audit_, audit::AuditLog::Open(audit_options));

  identity::IdentityRegistry::Options identity_options;
  identity_options.path = config.identity_dir();
  identity_options.hasher = server->hasher_.get();
  for (const v1::Department& department :
       server->catalog_->proto().departments()) {
    for (const v1::LocalIdKind& kind : department.local_ids()) {
      if (kind.shared()) {
        identity_options.shared_kinds.push_back(
            absl::StrCat(department.id(), ".", kind.kind()));
      }
    }
  }
  ASSIGN_OR_RETURN(server->identity_,
                   identity::IdentityRegistry::Open(identity_options));
  if (config.case_types_file().empty()) {
    server->case_types_ = cases::CaseTypeSet::Empty();
  } else {
    ASSIGN_OR_RETURN(server->case_types_,
                     cases::CaseTypeSet::LoadFile(config.case_types_file(),
                                                  *server->catalog_,
                                                  server->policy_->proto()));
  }

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
  query_options.local_id = [registry = server->identity_.get()](
                               absl::string_view subject,
                               absl::string_view department) {
    return registry->PrimaryLocalId(subject, department);
  };
  // A cached subject is answered on the gRPC thread; one that needs a
  // RocksDB read is looked up on lookup_pool_.
  query_options.cached_local_id = [registry = server->identity_.get()](
                                      absl::string_view subject,
                                      absl::string_view department) {
    return registry->CachedPrimaryLocalId(subject, department);
  };
  server->lookup_pool_ =
      std::make_unique<ReadPool>("identity lookups", 2, 4096);
  query_options.offload =
      [pool = server->lookup_pool_.get()](absl::AnyInvocable<void() &&> task) {
        return pool->Submit(std::move(task));
      };
  query_options.case_binding = [server = server.get()](
                                   absl::string_view case_id,
                                   absl::string_view case_type,
                                   absl::string_view subject) -> absl::Status {
    const cases::CaseEngine* engine = server->binding_engine_.load();
    if (engine == nullptr) {
      return absl::UnavailableError("the case engine is not running");
    }
    return engine->CheckCaseBinding(case_id, case_type, subject);
  };
  server->processor_ = std::make_unique<query::QueryProcessor>(query_options);

  ExchangeService::Options service_options;
  service_options.catalog = server->catalog_.get();
  service_options.policy = &server->policy_->proto();
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

  IdentityService::Options identity_service_options;
  identity_service_options.registry = server->identity_.get();
  identity_service_options.catalog = server->catalog_.get();
  identity_service_options.router = server->router_.get();
  identity_service_options.authenticator = server->authenticator_.get();
  identity_service_options.access = server->policy_->proto().identity();
  ASSIGN_OR_RETURN(server->identity_service_,
                   IdentityService::Create(identity_service_options));

  intake::IntakeChecker::Options intake_options;
  intake_options.case_types = server->case_types_.get();
  intake_options.catalog = server->catalog_.get();
  intake_options.query =
      [processor = server->processor_.get()](
          const std::string& consumer, const v1::QueryRequest& request,
          absl::Time deadline, intake::IntakeChecker::QueryDone done) {
        processor->Query(consumer, request, deadline, std::move(done));
      };
  server->intake_ = std::make_unique<intake::IntakeChecker>(intake_options);
  IntakeService::Options intake_service_options;
  intake_service_options.checker = server->intake_.get();
  intake_service_options.authenticator = server->authenticator_.get();
  intake_service_options.default_deadline = service_options.default_deadline;
  intake_service_options.max_deadline = service_options.max_deadline;
  server->intake_service_ =
      std::make_unique<IntakeService>(intake_service_options);

  // Cases: the durable engine resumes open cases before the server starts.
  ASSIGN_OR_RETURN(server->case_store_,
                   cases::CaseStore::Open(
                       {config.cases_dir(), true, server->hasher_.get()}));
  cases::CaseEngine::Options engine_options;
  engine_options.case_types = server->case_types_.get();
  engine_options.catalog = server->catalog_.get();
  engine_options.store = server->case_store_.get();
  engine_options.review =
      [router = server->router_.get()](
          const std::string& department, const v1::ReviewRequest& request,
          absl::Time deadline, cases::CaseEngine::ReviewDone done) {
        router->Review(department, request, deadline, std::move(done));
      };
  engine_options.query = intake_options.query;
  engine_options.local_id = query_options.local_id;
  engine_options.on_created = [server =
                                   server.get()](cases::CaseEngine* engine) {
    server->binding_engine_.store(engine);
  };
  engine_options.audit_readers.assign(config.audit_readers().begin(),
                                      config.audit_readers().end());
  ASSIGN_OR_RETURN(server->case_engine_,
                   cases::CaseEngine::Start(engine_options));
  CaseService::Options case_service_options;
  case_service_options.engine = server->case_engine_.get();
  case_service_options.case_types = server->case_types_.get();
  case_service_options.authenticator = server->authenticator_.get();
  server->case_service_ = std::make_unique<CaseService>(case_service_options);

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
  builder.RegisterService(server->identity_service_.get());
  builder.RegisterService(server->intake_service_.get());
  builder.RegisterService(server->case_service_.get());
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
      .Int("audit_entries", static_cast<int64_t>(server->audit_->size()))
      .Int("case_types", server->case_types_->ids().size());
  return server;
}

ExchangeServer::~ExchangeServer() {
  Shutdown();
  binding_engine_.store(nullptr);
}

void ExchangeServer::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  LogLine("exchange_stopped");
}

}  // namespace datarun::server
