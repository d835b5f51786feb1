// The local datarun stack: dev PKI, synthetic legacy data, five reference
// department adapters and the exchange, each a real process on an ephemeral
// loopback port. Used by `datarun-local` (./run.sh demo|up) and by the
// integration tests.
//
// Layout under Options::state_dir:
//   pki/       dev CA, certificates, CRL       (datarunctl pki ...)
//   data/      <dept>.db legacy SQLite stores, demo_subjects.txt
//   config/    generated exchange and adapter config files
//   audit/     the exchange's audit log (RocksDB) and audit.key
//   logs/      one log file per process
//   run/       <process>.pid and <process>.port
//   gateway/   dev_accounts.txt: the gateway's dev passwords (mode 0600)
//   stack.env  EXCHANGE=host:port, PKI_DIR=..., DATA_DIR=... (for scripts),
//              GATEWAY_URL=https://127.0.0.1:<port> when the gateway runs
#ifndef DATARUN_TOOLS_LOCAL_STACK_LOCAL_STACK_H_
#define DATARUN_TOOLS_LOCAL_STACK_LOCAL_STACK_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/local_stack/subprocess.h"

namespace datarun::local {

class LocalStack {
 public:
  struct Options {
    // Where every file of the stack lives (created if missing).
    std::string state_dir;
    // Directory holding the datarun-* binaries (<build>/bin).
    std::string bin_dir;
    // Catalog and policy files.
    std::string catalog_file;
    std::string policy_file;
    // Case types file (workflows and materials); optional.
    std::string case_types_file;
    std::string trust_domain = "datarun.local";
    // Departments that run an adapter, and members without one. "audit",
    // when listed, becomes the exchange's audit reader (audit_readers).
    std::vector<std::string> adapter_departments = {"land", "tax", "housing",
                                                    "registry", "market"};
    std::vector<std::string> consumer_departments = {"servicehall", "audit"};
    // Households of synthetic data; regenerated when the count changes.
    int households = 10000;
    // Simulated review/processing delay of every adapter.
    int adapter_delay_ms = 0;
    // Simulated human review time of every adapter's case steps.
    int adapter_review_delay_ms = 0;
    // Replacement adapter binaries by department (tests use this to put a
    // misbehaving adapter in place of a reference one).
    std::map<std::string, std::string> adapter_binaries;
    // Text appended to the generated exchange config (e.g. "limits {...}").
    std::string exchange_config_extra;
    // Start datarun-gateway (HTTPS + web UI) after the exchange, with fresh
    // dev accounts (gateway/dev_accounts.txt). Needs "servicehall" and
    // "audit" among the consumer departments.
    bool start_gateway = false;
    // The web UI's files served by the gateway; empty for none.
    std::string web_root;
    // How long to wait for a process to start serving.
    absl::Duration start_timeout = absl::Seconds(60);
  };

  // Prepares PKI, data and configs, starts the adapters, then the exchange.
  // Errors name the step and, when a process failed to start, include the
  // end of its log.
  static absl::StatusOr<std::unique_ptr<LocalStack>> Start(Options options);

  // Stops everything (exchange first).
  ~LocalStack();

  // host:port of the exchange.
  std::string exchange_address() const;
  std::string pki_dir() const;
  std::string data_dir() const;
  std::string audit_dir() const;
  std::string exchange_config_path() const;
  // "https://127.0.0.1:<port>" of the gateway; "" when it is not running.
  std::string gateway_url() const;
  // <state>/gateway/dev_accounts.txt.
  std::string dev_accounts_path() const;
  const Options& options() const { return options_; }
  // Port of a department's adapter; 0 if unknown.
  int adapter_port(const std::string& department) const;

  // Stops (SIGTERM) one department's adapter. NOT_FOUND for an unknown one.
  absl::Status StopAdapter(const std::string& department);
  // Starts a stopped adapter again on its previous port, with `extra_args`
  // appended to its command line (e.g. "--delay_ms=3000").
  absl::Status StartAdapter(const std::string& department,
                            const std::vector<std::string>& extra_args = {});
  // Stops the exchange with `signal` (SIGTERM, or SIGKILL for crash tests)
  // and starts it again on the same port with the same state.
  absl::Status RestartExchange(int signal);

  // Stops every process. Idempotent.
  void Stop();

 private:
  explicit LocalStack(Options options) : options_(std::move(options)) {}

  absl::Status PreparePki();
  absl::Status PrepareData();
  absl::Status WriteAdapterConfig(const std::string& department);
  absl::Status WriteExchangeConfig();
  // Starts `argv`, waits for it to write `name`.port, records pid/port.
  absl::StatusOr<int> Launch(const std::string& name,
                             std::vector<std::string> argv, int port);
  absl::Status StartExchange(int port);
  // Writes the gateway's config and dev accounts, then starts it.
  absl::Status StartGateway();
  absl::Status WriteStackEnv() const;
  std::string Path(const std::string& relative) const;

  Options options_;
  std::map<std::string, std::unique_ptr<Subprocess>> processes_;
  std::map<std::string, int> ports_;
};

}  // namespace datarun::local

#endif  // DATARUN_TOOLS_LOCAL_STACK_LOCAL_STACK_H_
