// The running exchange: every capability wired together behind one gRPC
// server. main.cc only parses flags and calls Start / Shutdown.
#ifndef DATARUN_EXCHANGE_SERVER_EXCHANGE_SERVER_H_
#define DATARUN_EXCHANGE_SERVER_EXCHANGE_SERVER_H_

#include <grpcpp/server.h>

#include <atomic>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/config.pb.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/cases/case_engine.h"
#include "exchange/cases/case_store.h"
#include "exchange/cases/case_type_set.h"
#include "exchange/catalog/catalog.h"
#include "exchange/identity_registry/identity_registry.h"
#include "exchange/intake/intake_checker.h"
#include "exchange/policy/policy_engine.h"
#include "exchange/query/query_processor.h"
#include "exchange/router/router.h"
#include "exchange/security/authenticator.h"
#include "exchange/server/audit_service.h"
#include "exchange/server/case_service.h"
#include "exchange/server/exchange_service.h"
#include "exchange/server/identity_service.h"
#include "exchange/server/intake_service.h"
#include "exchange/server/read_pool.h"

namespace datarun::server {

class ExchangeServer {
 public:
  // Loads the catalog, policy and case types, opens the audit log and the
  // identity registry, prepares TLS and the adapter channels, binds
  // config.listen_address() and starts serving (Exchange, Audit, Identity,
  // Intake, grpc.health.v1, reflection). `config` must come from
  // LoadExchangeConfig(config_path) (paths resolved, limits defaulted).
  // Errors: INVALID_ARGUMENT for bad catalog/policy/TLS files (file:line)
  // or a department the config names that the catalog lacks
  // (CheckConfigDepartments: config_path:line), UNAVAILABLE when the
  // address cannot be bound, and whatever opening the audit log or the
  // identity registry reports.
  static absl::StatusOr<std::unique_ptr<ExchangeServer>> Start(
      const v1::ExchangeConfig& config, absl::string_view config_path);

  ~ExchangeServer();

  // The bound TCP port.
  int port() const { return port_; }

  // Stops accepting calls, lets in-flight calls finish (up to `grace`),
  // then flushes the audit log. Idempotent.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

 private:
  ExchangeServer() = default;

  // Declaration order is destruction order in reverse: the server goes
  // first, then what it calls.
  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<policy::PolicyEngine> policy_;
  std::unique_ptr<audit::SubjectHasher> hasher_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<identity::IdentityRegistry> identity_;
  std::unique_ptr<cases::CaseTypeSet> case_types_;
  std::unique_ptr<router::Router> router_;
  std::unique_ptr<security::Authenticator> authenticator_;
  std::unique_ptr<query::QueryProcessor> processor_;
  // Identity-registry reads the query path must not make on a reactor (a
  // subject not yet cached). Destroyed (drained) before processor_.
  std::unique_ptr<ReadPool> lookup_pool_;
  std::unique_ptr<ExchangeService> service_;
  std::unique_ptr<AuditService> audit_service_;
  std::unique_ptr<IdentityService> identity_service_;
  std::unique_ptr<intake::IntakeChecker> intake_;
  std::unique_ptr<IntakeService> intake_service_;
  std::unique_ptr<cases::CaseStore> case_store_;
  std::unique_ptr<cases::CaseEngine> case_engine_;
  // The engine the query path asks about case-bound grants; published
  // before open cases resume, cleared at shutdown.
  std::atomic<const cases::CaseEngine*> binding_engine_{nullptr};
  std::unique_ptr<CaseService> case_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_EXCHANGE_SERVER_H_
