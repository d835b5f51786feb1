#include "adapters/sdk/adapter_main.h"

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/call_once.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "adapters/sdk/adapter_config.h"
#include "adapters/sdk/adapter_server.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/shutdown.h"
#include "common/status_macros.h"
#include "exchange/security/authenticator.h"
#include "exchange/security/tls_credentials.h"

ABSL_FLAG(std::string, config, "",
          "Adapter configuration file (datarun.v1.AdapterConfig, text format)");
ABSL_FLAG(std::string, listen, "",
          "host:port to listen on, overriding listen_address (port 0 picks "
          "a free port)");
ABSL_FLAG(std::string, port_file, "",
          "File to write the bound port to once serving");
ABSL_FLAG(std::string, store, "",
          "Path of the legacy store, overriding store_path");
ABSL_FLAG(int32_t, delay_ms, -1,
          "Simulated processing delay per request in milliseconds, "
          "overriding delay_ms (-1 keeps the config's)");

ABSL_FLAG(int32_t, review_delay_ms, 0,
          "Simulated review time per case step (Adapter.Review) in "
          "milliseconds; --delay_ms does not apply to reviews");
ABSL_FLAG(std::string, review_store, "",
          "Review answer store (SQLite), default <store>.reviews.sqlite");

#ifndef DATARUN_VERSION
#define DATARUN_VERSION "unknown"
#endif

namespace datarun {
namespace adapter {
namespace {

// --help lists the flags defined in this file.
bool IsAdapterFlagFile(absl::string_view path) {
  return absl::StrContains(path, "adapters/sdk/adapter_main.cc");
}

absl::once_flag g_usage_once;

// Starts the adapter server described by the flags; the returned server is
// serving and the port file (if any) written.
absl::StatusOr<std::unique_ptr<AdapterServer>> StartFromFlags(
    absl::string_view department, const ServiceFactory& factory) {
  const std::string config_path = absl::GetFlag(FLAGS_config);
  if (config_path.empty()) {
    return absl::InvalidArgumentError(
        "--config=<adapter.textproto> is required");
  }
  ConfigOverrides overrides;
  overrides.listen_address = absl::GetFlag(FLAGS_listen);
  overrides.store_path = absl::GetFlag(FLAGS_store);
  overrides.delay_ms = absl::GetFlag(FLAGS_delay_ms);
  ASSIGN_OR_RETURN(v1::AdapterConfig config,
                   LoadAdapterConfig(config_path, department, overrides));

  ASSIGN_OR_RETURN(std::unique_ptr<DepartmentService> service, factory(config));
  if (service == nullptr) {
    return absl::InternalError(absl::StrCat("the service factory of adapter '",
                                            department, "' returned null"));
  }

  const int32_t review_delay_ms = absl::GetFlag(FLAGS_review_delay_ms);
  if (review_delay_ms < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--review_delay_ms is ", review_delay_ms, "; must be >= 0"));
  }
  AdapterServer::Options options;
  options.config = config;
  options.review_delay = absl::Milliseconds(review_delay_ms);
  options.review_store_path = absl::GetFlag(FLAGS_review_store);
  ASSIGN_OR_RETURN(options.credentials,
                   security::MakeServerCredentials(config.tls()));
  security::Authenticator::Options auth_options;
  auth_options.trust_domain = config.trust_domain();
  auth_options.ca_cert_path = config.tls().ca_cert();
  auth_options.crl_path = config.tls().crl();
  // Only the exchange is served. Listing the adapter's own department lets
  // its certificate be recognised and refused with PERMISSION_DENIED (a
  // common mistake); other departments' are refused by the Authenticator.
  auth_options.known_departments = {std::string(department)};
  ASSIGN_OR_RETURN(std::unique_ptr<security::Authenticator> authenticator,
                   security::Authenticator::Create(auth_options));
  options.authenticator = std::move(authenticator);

  ASSIGN_OR_RETURN(
      std::unique_ptr<AdapterServer> server,
      AdapterServer::Start(std::move(options), std::move(service)));

  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    absl::Status written =
        WriteFileAtomically(port_file, absl::StrCat(server->port(), "\n"));
    if (!written.ok()) {
      server->Shutdown();
      return absl::Status(written.code(),
                          absl::StrCat("--port_file: ", written.message()));
    }
  }
  return server;
}

}  // namespace

int RunAdapterMain(int argc, char** argv, absl::string_view department,
                   ServiceFactory factory) {
  BlockTerminationSignals();
  const std::string component = absl::StrCat("adapter-", department);
  absl::call_once(g_usage_once, [&] {
    absl::SetProgramUsageMessage(absl::StrCat(
        "datarun adapter of department '", department, "'.\nUsage: ", argv[0],
        " --config=<adapter.textproto> [--listen=host:port] "
        "[--port_file=<path>] [--store=<path>] [--delay_ms=N] "
        "[--review_delay_ms=N] [--review_store=<path>]"));
    absl::FlagsUsageConfig usage;
    usage.contains_help_flags = IsAdapterFlagFile;
    usage.contains_helpshort_flags = IsAdapterFlagFile;
    usage.version_string = [] { return std::string(DATARUN_VERSION "\n"); };
    absl::SetFlagsUsageConfig(usage);
  });
  absl::ParseCommandLine(argc, argv);
  InitLogging(component);
  // Abseil's lock-order (deadlock) detection runs on every Mutex::Lock in
  // Debian's build and costs a few percent of the hot path; the unit tests
  // keep it on, the serving processes turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  absl::StatusOr<std::unique_ptr<AdapterServer>> server =
      StartFromFlags(department, factory);
  if (!server.ok()) {
    std::cerr << component << ": cannot start: " << server.status().message()
              << " [" << absl::StatusCodeToString(server.status().code()) << "]"
              << std::endl;
    return 1;
  }
  const int signal = WaitForTerminationSignal();
  LogLine("signal").Int("signal", signal);
  (*server)->Shutdown();
  return 0;
}

}  // namespace adapter
}  // namespace datarun
