// datarun-exchange: the exchange process. Only wiring lives here.
//
//   datarun-exchange --config=deploy/local/exchange.textproto
//                    [--listen=127.0.0.1:0] [--port_file=/path]
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/shutdown.h"
#include "exchange/server/exchange_config.h"
#include "exchange/server/exchange_server.h"

ABSL_FLAG(std::string, config, "", "Exchange config file (text format).");
ABSL_FLAG(std::string, listen, "",
          "host:port to listen on; overrides listen_address (port 0 = any).");
ABSL_FLAG(std::string, port_file, "",
          "Write the bound port here once serving (for scripts and tests).");

int main(int argc, char** argv) {
  datarun::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "datarun-exchange --config=<exchange.textproto> [--listen=host:port] "
      "[--port_file=path]");
  absl::ParseCommandLine(argc, argv);
  datarun::InitLogging("exchange");
  // Abseil's lock-order (deadlock) detection runs on every Mutex::Lock in
  // Debian's build and costs a few percent of the hot path; the unit tests
  // keep it on, the serving processes turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  const std::string config_path = absl::GetFlag(FLAGS_config);
  if (config_path.empty()) {
    std::fprintf(stderr, "datarun-exchange: --config is required\n");
    return 2;
  }
  absl::StatusOr<datarun::v1::ExchangeConfig> config =
      datarun::server::LoadExchangeConfig(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "datarun-exchange: %s\n",
                 std::string(config.status().message()).c_str());
    return 1;
  }
  if (!absl::GetFlag(FLAGS_listen).empty()) {
    config->set_listen_address(absl::GetFlag(FLAGS_listen));
  }
  auto server = datarun::server::ExchangeServer::Start(*config, config_path);
  if (!server.ok()) {
    std::fprintf(stderr, "datarun-exchange: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    absl::Status written = datarun::WriteFileAtomically(
        port_file, absl::StrCat((*server)->port(), "\n"));
    if (!written.ok()) {
      std::fprintf(stderr, "datarun-exchange: %s\n",
                   std::string(written.message()).c_str());
      return 1;
    }
  }
  int signal = datarun::WaitForTerminationSignal();
  datarun::LogLine("signal_received").Int("signal", signal);
  (*server)->Shutdown();
  return 0;
}
