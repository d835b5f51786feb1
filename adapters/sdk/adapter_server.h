// A running datarun.v1.Adapter gRPC server around one DepartmentService:
// mutual TLS (credentials supplied by the caller), caller authorization (the
// exchange only), a bounded worker pool so gRPC threads never block,
// deadlines, the grpc.health.v1 health service, server reflection, a
// request size limit and one structured log line per request.
//
//   AdapterServer::Options options;
//   options.config = config;                  // listen_address, delay_ms, ...
//   options.credentials = *security::MakeServerCredentials(config.tls());
//   options.authenticator = authenticator;    // null = accept all (tests)
//   ASSIGN_OR_RETURN(auto server,
//                    AdapterServer::Start(std::move(options), std::move(svc)));
//   ... WaitForTerminationSignal(); server->Shutdown();
//
// Thread-safe.
#ifndef DATARUN_ADAPTERS_SDK_ADAPTER_SERVER_H_
#define DATARUN_ADAPTERS_SDK_ADAPTER_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "adapters/sdk/department_service.h"
#include "datarun/v1/config.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"

namespace datarun {
namespace security {
class Authenticator;
}  // namespace security

namespace adapter {

class AdapterService;
class ReviewStore;
class WorkerPool;

class AdapterServer {
 public:
  struct Options {
    // Uses department (must equal the service's when set), listen_address
    // ("host:port"; port 0 picks a free port) and delay_ms. TLS file paths
    // are not read here: pass `credentials` built from them.
    v1::AdapterConfig config;
    // Required. security::MakeServerCredentials(config.tls()) in
    // production, grpc::InsecureServerCredentials() in unit tests.
    std::shared_ptr<grpc::ServerCredentials> credentials;
    // Decides who is calling; only peers with is_exchange are served.
    // May be null in unit tests = accept all.
    std::shared_ptr<security::Authenticator> authenticator;
    // Simulated review time per Review call (not the replayed ones), on top
    // of nothing else: config.delay_ms applies to Fetch only. >= 0.
    absl::Duration review_delay = absl::ZeroDuration();
    // The Review answer store (ReviewStore, SQLite). Empty: next to the
    // legacy store, "<config.store_path>.reviews.sqlite", or in memory when
    // the config has no store_path.
    std::string review_store_path;
    // Threads calling DepartmentService::Fetch, ListLocalIds and Review.
    int worker_threads = 4;
    // Requests allowed to wait for a worker; more get RESOURCE_EXHAUSTED.
    int max_queue = 1024;
    // Largest accepted request message.
    int max_request_bytes = 64 * 1024;
    // How long Shutdown() lets in-flight requests finish before cancelling
    // them.
    absl::Duration shutdown_grace = absl::Seconds(5);
  };

  // Validates the options and the service's department and datasets, binds
  // the listening port and starts serving (health status SERVING).
  // Errors:
  //   INVALID_ARGUMENT  missing credentials or service, bad limits, a
  //                     department mismatch, a dataset not named
  //                     "<department>.<name>", or a listen address that is
  //                     not host:port (the address is named);
  //   UNAVAILABLE       the address cannot be bound (in use, or not an
  //                     address of this machine); the address is named;
  //                     or the review answer store cannot be opened.
  static absl::StatusOr<std::unique_ptr<AdapterServer>> Start(
      Options options, std::unique_ptr<DepartmentService> service);

  AdapterServer(const AdapterServer&) = delete;
  AdapterServer& operator=(const AdapterServer&) = delete;
  // Calls Shutdown().
  ~AdapterServer();

  // Returns the bound TCP port (the chosen one when the config said 0).
  int port() const { return port_; }

  // Returns the path of the Review answer store (":memory:" when in memory).
  const std::string& review_store_path() const { return review_store_path_; }

  // Returns the department id served.
  const std::string& department() const { return department_; }

  // Returns the number of Fetch and ListLocalIds requests waiting for a
  // worker (monitoring).
  int queued_requests() const;

  // Graceful stop: health NOT_SERVING, no new calls accepted, in-flight and
  // queued calls finish (after `shutdown_grace` they are cancelled, which
  // ends simulated delays at once; a DepartmentService::Fetch already running
  // is still waited for), then the workers are joined. Idempotent; blocks
  // until done. Must not be called from a DepartmentService::Fetch.
  void Shutdown();

 private:
  AdapterServer() = default;

  std::string department_;
  std::string review_store_path_;
  int port_ = 0;
  absl::Duration shutdown_grace_;
  // Destroyed in reverse order: server first, the department service last.
  std::unique_ptr<DepartmentService> department_service_;
  std::unique_ptr<ReviewStore> review_store_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<AdapterService> service_;
  std::unique_ptr<grpc::Server> server_;

  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_ADAPTER_SERVER_H_
