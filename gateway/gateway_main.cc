// datarun-gateway: the HTTP/JSON front door and web UI. Only wiring here.
//
//   datarun-gateway --config=<gateway.textproto> [--listen=host:port]
//                   [--port_file=path] [--web_root=dir]
//   datarun-gateway hash-password [--scrypt_ln=15] < password
//
// hash-password reads one password line from standard input and prints the
// salted hash to put in an account's password_hash.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/shutdown.h"
#include "gateway/gateway.h"
#include "gateway/gateway_config.h"
#include "gateway/password_hash.h"

ABSL_FLAG(std::string, config, "", "Gateway config file (text format).");
ABSL_FLAG(std::string, listen, "",
          "host:port to listen on; overrides listen_address (port 0 = any).");
ABSL_FLAG(std::string, port_file, "",
          "Write the bound port here once serving (for scripts and tests).");
ABSL_FLAG(std::string, web_root, "",
          "Directory of the web UI's files; overrides web_root.");
ABSL_FLAG(int, scrypt_ln, 15, "hash-password: log2 of the scrypt cost N.");

namespace {

int HashPasswordCommand() {
  std::string password;
  if (isatty(STDIN_FILENO)) std::fprintf(stderr, "password: ");
  if (!std::getline(std::cin, password) || password.empty()) {
    std::fprintf(stderr, "datarun-gateway: no password on standard input\n");
    return 2;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  datarun::gateway::ScryptParams params;
  params.log2_n = absl::GetFlag(FLAGS_scrypt_ln);
  absl::StatusOr<std::string> hash =
      datarun::gateway::HashPassword(password, params);
  if (!hash.ok()) {
    std::fprintf(stderr, "datarun-gateway: %s\n",
                 std::string(hash.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", hash->c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  datarun::BlockTerminationSignals();
  absl::SetProgramUsageMessage(
      "datarun-gateway --config=<gateway.textproto> [--listen=host:port] "
      "[--port_file=path] [--web_root=dir]\n"
      "datarun-gateway hash-password [--scrypt_ln=15] < password");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() > 1) {
    if (std::string(args[1]) == "hash-password" && args.size() == 2) {
      return HashPasswordCommand();
    }
    std::fprintf(stderr, "datarun-gateway: unknown command '%s'\n", args[1]);
    return 2;
  }
  datarun::InitLogging("gateway");

  const std::string config_path = absl::GetFlag(FLAGS_config);
  if (config_path.empty()) {
    std::fprintf(stderr, "datarun-gateway: --config is required\n");
    return 2;
  }
  absl::StatusOr<datarun::v1::GatewayConfig> config =
      datarun::gateway::LoadGatewayConfig(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "datarun-gateway: %s\n",
                 std::string(config.status().message()).c_str());
    return 1;
  }
  if (!absl::GetFlag(FLAGS_listen).empty()) {
    config->set_listen_address(absl::GetFlag(FLAGS_listen));
  }
  if (!absl::GetFlag(FLAGS_web_root).empty()) {
    config->set_web_root(absl::GetFlag(FLAGS_web_root));
  }
  auto gateway = datarun::gateway::Gateway::Start(*config);
  if (!gateway.ok()) {
    std::fprintf(stderr, "datarun-gateway: %s\n",
                 std::string(gateway.status().message()).c_str());
    return 1;
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    absl::Status written = datarun::WriteFileAtomically(
        port_file, absl::StrCat((*gateway)->port(), "\n"));
    if (!written.ok()) {
      std::fprintf(stderr, "datarun-gateway: %s\n",
                   std::string(written.message()).c_str());
      return 1;
    }
  }
  int signal = datarun::WaitForTerminationSignal();
  datarun::LogLine("signal_received").Int("signal", signal);
  (*gateway)->Shutdown();
  return 0;
}
