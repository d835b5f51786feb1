// The datarun.v1.Identity gRPC service (proto/datarun/v1/identity.proto): a
// thin translator between callers and identity::IdentityRegistry.
//
// Each method authenticates the caller from its mTLS certificate, checks
// IdentityAccess, and runs on the service's own pool (registry writes are
// synced RocksDB writes and Sync pages through an adapter). One structured
// log line ("identity_request") per call; subjects and local identifier
// values are never logged.
#ifndef DATARUN_EXCHANGE_SERVER_IDENTITY_SERVICE_H_
#define DATARUN_EXCHANGE_SERVER_IDENTITY_SERVICE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "datarun/v1/identity.grpc.pb.h"
#include "exchange/catalog/catalog.h"
#include "exchange/identity_registry/identity_registry.h"
#include "exchange/router/router.h"
#include "exchange/security/authenticator.h"
#include "exchange/server/identity_access.h"
#include "exchange/server/pooled_call.h"
#include "exchange/server/read_pool.h"

namespace datarun::server {

class IdentityService final : public v1::Identity::CallbackService {
 public:
  struct Options {
    // Not owned; must outlive the service.
    identity::IdentityRegistry* registry = nullptr;
    // Declares each department's local id kinds; links of other kinds are
    // refused.
    const catalog::Catalog* catalog = nullptr;
    router::Router* router = nullptr;
    const security::Authenticator* authenticator = nullptr;
    // Who may do what (the policy's `identity` section, validated).
    v1::IdentityAccess access;
    int threads = 2;
    int max_queued = 256;
    // Assertions asked per ListLocalIds page, and the deadline of one page.
    int sync_page_size = 1000;
    absl::Duration sync_page_deadline = absl::Seconds(30);
  };

  // INVALID_ARGUMENT when a pointer is missing.
  static absl::StatusOr<std::unique_ptr<IdentityService>> Create(
      Options options);

  // Finishes the work still queued. The gRPC server must have been shut
  // down (Shutdown + Wait) first.
  ~IdentityService() override = default;

  grpc::ServerUnaryReactor* Resolve(
      grpc::CallbackServerContext* context,
      const v1::ResolveIdentityRequest* request,
      v1::ResolveIdentityResponse* response) override;
  grpc::ServerUnaryReactor* Link(grpc::CallbackServerContext* context,
                                 const v1::LinkIdentityRequest* request,
                                 v1::LinkIdentityResponse* response) override;
  grpc::ServerUnaryReactor* Retract(
      grpc::CallbackServerContext* context,
      const v1::RetractIdentityRequest* request,
      v1::RetractIdentityResponse* response) override;
  grpc::ServerUnaryReactor* Merge(grpc::CallbackServerContext* context,
                                  const v1::MergeIdentityRequest* request,
                                  v1::MergeIdentityResponse* response) override;
  grpc::ServerUnaryReactor* History(
      grpc::CallbackServerContext* context,
      const v1::IdentityHistoryRequest* request,
      v1::IdentityHistoryResponse* response) override;
  grpc::ServerUnaryReactor* ListConflicts(
      grpc::CallbackServerContext* context,
      const v1::ListIdentityConflictsRequest* request,
      v1::ListIdentityConflictsResponse* response) override;
  grpc::ServerUnaryReactor* Sync(grpc::CallbackServerContext* context,
                                 const v1::SyncIdentityRequest* request,
                                 v1::SyncIdentityResponse* response) override;

 private:
  explicit IdentityService(Options options);

  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                const char* method, PooledWork work);
  absl::Status DoResolve(const std::string& caller,
                         const v1::ResolveIdentityRequest& request,
                         v1::ResolveIdentityResponse* response);
  // Pages through `department`'s ListLocalIds, linking each page; `caller`
  // is recorded as the actor.
  absl::Status DoSync(const std::string& caller, const std::string& department,
                      v1::SyncIdentityResponse* response);

  // OK when the catalog declares `kind` for `department`; otherwise
  // INVALID_ARGUMENT naming `field` and the declared kinds.
  absl::Status CheckKind(absl::string_view field, absl::string_view department,
                         absl::string_view kind) const;

  const Options options_;
  const IdentityAccess access_;
  ReadPool pool_;
};

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_IDENTITY_SERVICE_H_
