#include "adapters/sdk/adapter_server.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "adapters/sdk/adapter_service.h"
#include "adapters/sdk/review_store.h"
#include "adapters/sdk/worker_pool.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server_builder.h"

#ifndef DATARUN_VERSION
#define DATARUN_VERSION "unknown"
#endif

namespace datarun {
namespace adapter {
namespace {

constexpr char kAdapterServiceName[] = "datarun.v1.Adapter";

// Returns OK when `address` looks like host:port with a port in 0..65535.
absl::Status CheckListenAddress(absl::string_view address,
                                absl::string_view department) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (address.empty() || colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen address '", address, "' of adapter '", department,
        "' is not host:port (e.g. 127.0.0.1:7101, port 0 picks a free one)"));
  }
  return absl::OkStatus();
}

absl::Status CheckDatasets(const std::vector<std::string>& datasets,
                           const std::string& department) {
  if (datasets.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("adapter '", department, "' serves no dataset"));
  }
  std::set<std::string> seen;
  for (const std::string& dataset : datasets) {
    if (!absl::StartsWith(dataset, department + ".") ||
        dataset.size() == department.size() + 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("dataset '", dataset, "' of adapter '", department,
                       "' must be named '", department, ".<name>'"));
    }
    if (!seen.insert(dataset).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "adapter '", department, "' lists dataset '", dataset, "' twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckOptions(const AdapterServer::Options& options,
                          const std::string& department) {
  if (options.credentials == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "adapter '", department, "': no server credentials given"));
  }
  if (options.worker_threads < 1 || options.max_queue < 0 ||
      options.max_request_bytes < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "adapter '", department, "': worker_threads (", options.worker_threads,
        ") must be >= 1, max_queue (", options.max_queue,
        ") >= 0 and max_request_bytes (", options.max_request_bytes, ") >= 1"));
  }
  if (options.config.delay_ms() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("adapter '", department, "': delay_ms (",
                     options.config.delay_ms(), ") must be >= 0"));
  }
  if (options.review_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "adapter '", department, "': review_delay (",
        absl::FormatDuration(options.review_delay), ") must be >= 0"));
  }
  return CheckListenAddress(options.config.listen_address(), department);
}

std::string ReviewStorePath(const AdapterServer::Options& options) {
  if (!options.review_store_path.empty()) return options.review_store_path;
  if (!options.config.store_path().empty()) {
    return absl::StrCat(options.config.store_path(), ".reviews.sqlite");
  }
  return ":memory:";
}

}  // namespace

absl::StatusOr<std::unique_ptr<AdapterServer>> AdapterServer::Start(
    Options options, std::unique_ptr<DepartmentService> service) {
  if (service == nullptr) {
    return absl::InvalidArgumentError("no DepartmentService given");
  }
  const std::string department = service->department();
  if (department.empty()) {
    return absl::InvalidArgumentError(
        "the DepartmentService returned an empty department id");
  }
  if (!options.config.department().empty() &&
      options.config.department() != department) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the adapter config is for department '", options.config.department(),
        "' but the service serves department '", department, "'"));
  }
  RETURN_IF_ERROR(CheckOptions(options, department));
  std::vector<std::string> datasets = service->datasets();
  RETURN_IF_ERROR(CheckDatasets(datasets, department));

  const std::string review_store_path = ReviewStorePath(options);
  absl::StatusOr<std::unique_ptr<ReviewStore>> review_store =
      ReviewStore::Open(review_store_path);
  if (!review_store.ok()) {
    return absl::Status(review_store.status().code(),
                        absl::StrCat("adapter '", department,
                                     "': cannot open the review answer store: ",
                                     review_store.status().message()));
  }

  std::unique_ptr<AdapterServer> server(new AdapterServer);
  server->department_ = department;
  server->review_store_path_ = review_store_path;
  server->review_store_ = std::move(*review_store);
  server->shutdown_grace_ = options.shutdown_grace;
  server->department_service_ = std::move(service);
  server->pool_ =
      std::make_unique<WorkerPool>(options.worker_threads, options.max_queue);
  AdapterService::Options service_options;
  service_options.department = department;
  service_options.datasets = datasets;
  service_options.authenticator = options.authenticator;
  service_options.delay = absl::Milliseconds(options.config.delay_ms());
  service_options.review_delay = options.review_delay;
  service_options.review_store = server->review_store_.get();
  service_options.software_version = DATARUN_VERSION;
  server->service_ = std::make_unique<AdapterService>(
      std::move(service_options), server->department_service_.get(),
      server->pool_.get());

  // Both are process-wide switches read by every ServerBuilder.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  const std::string& address = options.config.listen_address();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, options.credentials, &server->port_);
  builder.RegisterService(server->service_.get());
  builder.SetMaxReceiveMessageSize(options.max_request_bytes);
  // Two processes silently sharing one port would split the exchange's
  // traffic between them; make the second one fail instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    if (server->server_ != nullptr) {
      server->server_->Shutdown();
      server->server_->Wait();
      server->server_.reset();  // So that the destructor has nothing to do.
    }
    server->pool_->Shutdown();
    return absl::UnavailableError(
        absl::StrCat("adapter '", department, "' cannot listen on '", address,
                     "' (address in use, or not an address of this machine)"));
  }
  grpc::HealthCheckServiceInterface* health =
      server->server_->GetHealthCheckService();
  if (health != nullptr) {
    health->SetServingStatus(true);
    health->SetServingStatus(kAdapterServiceName, true);
  }
  LogLine("serving")
      .Str("department", department)
      .Str("address", address)
      .Int("port", server->port_)
      .Str("datasets", absl::StrJoin(datasets, ","))
      .Int("workers", options.worker_threads)
      .Int("delay_ms", options.config.delay_ms())
      .Int("review_delay_ms", absl::ToInt64Milliseconds(options.review_delay))
      .Str("review_store", review_store_path)
      .Bool("authenticated", options.authenticator != nullptr);
  return server;
}

AdapterServer::~AdapterServer() { Shutdown(); }

int AdapterServer::queued_requests() const { return pool_->queued(); }

void AdapterServer::Shutdown() {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  LogLine("shutting_down")
      .Str("department", department_)
      .Int("grace_ms", absl::ToInt64Milliseconds(shutdown_grace_));
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health != nullptr) {
    health->SetServingStatus(false);
    health->SetServingStatus(kAdapterServiceName, false);
  }
  // Returns once every accepted call has finished; the workers keep running
  // meanwhile, and gRPC cancels what is left when the grace period ends.
  server_->Shutdown(absl::ToChronoTime(absl::Now() + shutdown_grace_));
  pool_->Shutdown();
  server_->Wait();
  LogLine("stopped").Str("department", department_);
}

}  // namespace adapter
}  // namespace datarun
