// datarun-local: runs the local stack (./run.sh up / demo).
//
//   datarun-local --state=.state [--households=10000] [--adapter_delay_ms=0]
//       [--adapter_review_delay_ms=0] [--gateway=true] [--web_root=<dir>]
//
// Starts the four reference adapters, the exchange and the gateway, writes
// <state>/stack.env, prints how to reach them, and runs until SIGTERM/SIGINT.
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/log.h"
#include "common/shutdown.h"
#include "tools/local_stack/local_stack.h"

ABSL_FLAG(std::string, state, ".state", "State directory of the local stack.");
ABSL_FLAG(std::string, catalog, "deploy/local/catalog.textproto",
          "Catalog file.");
ABSL_FLAG(std::string, policy, "deploy/local/policy.textproto", "Policy file.");
ABSL_FLAG(std::string, case_types, "deploy/local/case_types.textproto",
          "Case types file (workflows and their materials); empty for none.");
ABSL_FLAG(int, households, 10000, "Households of synthetic data.");
ABSL_FLAG(int, adapter_delay_ms, 0, "Simulated processing delay of adapters.");
ABSL_FLAG(int, adapter_review_delay_ms, 0,
          "Simulated review time of adapters' case steps.");
ABSL_FLAG(bool, gateway, true,
          "Start datarun-gateway (HTTPS API and web UI) after the exchange.");
ABSL_FLAG(std::string, web_root, DATARUN_DEFAULT_WEB_ROOT,
          "Directory of the web UI's files served by the gateway.");

namespace {

std::string ExecutableDir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n <= 0) return ".";
  std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/'));
}

std::string Absolute(const std::string& path) {
  if (!path.empty() && path[0] == '/') return path;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

}  // namespace

int main(int argc, char** argv) {
  datarun::BlockTerminationSignals();
  absl::SetProgramUsageMessage("datarun-local --state=<dir> [--households=N]");
  absl::ParseCommandLine(argc, argv);
  datarun::InitLogging("local");

  datarun::local::LocalStack::Options options;
  options.state_dir = Absolute(absl::GetFlag(FLAGS_state));
  options.bin_dir = ExecutableDir();
  options.catalog_file = Absolute(absl::GetFlag(FLAGS_catalog));
  options.policy_file = Absolute(absl::GetFlag(FLAGS_policy));
  if (!absl::GetFlag(FLAGS_case_types).empty()) {
    options.case_types_file = Absolute(absl::GetFlag(FLAGS_case_types));
  }
  options.households = absl::GetFlag(FLAGS_households);
  options.adapter_delay_ms = absl::GetFlag(FLAGS_adapter_delay_ms);
  options.adapter_review_delay_ms = absl::GetFlag(FLAGS_adapter_review_delay_ms);
  options.start_gateway = absl::GetFlag(FLAGS_gateway);
  if (!absl::GetFlag(FLAGS_web_root).empty()) {
    options.web_root = Absolute(absl::GetFlag(FLAGS_web_root));
  }
  std::fprintf(stderr,
               "datarun-local: preparing %s (PKI, %d households of data)...\n",
               options.state_dir.c_str(), options.households);
  auto stack = datarun::local::LocalStack::Start(options);
  if (!stack.ok()) {
    std::fprintf(stderr, "datarun-local: %s\n",
                 std::string(stack.status().message()).c_str());
    return 1;
  }
  std::printf("datarun local stack is up\n");
  std::printf("  exchange   %s  (mTLS, trust domain %s)\n",
              (*stack)->exchange_address().c_str(),
              options.trust_domain.c_str());
  for (const std::string& department : options.adapter_departments) {
    std::printf("  adapter    %-9s 127.0.0.1:%d\n", department.c_str(),
                (*stack)->adapter_port(department));
  }
  if (!(*stack)->gateway_url().empty()) {
    std::printf("  gateway    %s/  (web UI and HTTP API; dev CA %s/ca.pem)\n",
                (*stack)->gateway_url().c_str(), (*stack)->pki_dir().c_str());
    std::printf("  accounts   %s  (dev passwords, new at every start)\n",
                (*stack)->dev_accounts_path().c_str());
  }
  std::printf("  pki        %s\n  logs       %s/logs\n",
              (*stack)->pki_dir().c_str(), options.state_dir.c_str());
  std::printf("Press Ctrl-C to stop.\n");
  std::fflush(stdout);
  datarun::WaitForTerminationSignal();
  (*stack)->Stop();
  std::printf("datarun local stack stopped\n");
  return 0;
}
