// The local stack's gateway files: config/gateway.textproto with four dev
// accounts whose random passwords are generated at every start (no secret
// lives in the repository), and gateway/dev_accounts.txt (mode 0600) with
// those passwords for people, scripts and tests:
//
//   # username password role [department]
//   window1 <password> clerk
//   tax1 <password> officer tax
//   auditor1 <password> auditor
//   admin1 <password> admin
#ifndef DATARUN_TOOLS_LOCAL_STACK_GATEWAY_SETUP_H_
#define DATARUN_TOOLS_LOCAL_STACK_GATEWAY_SETUP_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace datarun::local {

struct GatewaySetup {
  // Where the files go.
  std::string config_path;
  std::string accounts_path;
  // PKI directory (ca.pem, dept-servicehall.*, dept-audit.*,
  // gateway-web.*).
  std::string pki_dir;
  std::string trust_domain;
  // host:port of the exchange.
  std::string exchange_address;
  // The web UI's files; empty for none.
  std::string web_root;
  // log2 of the scrypt cost of the generated hashes.
  int scrypt_log2_n = 15;
};

// One generated dev account.
struct DevAccount {
  std::string username;
  std::string password;
  std::string role;
  std::string department;
};

// Generates the passwords and writes both files. Returns the accounts.
// Errors name the file that could not be written.
absl::StatusOr<std::vector<DevAccount>> WriteGatewayFiles(
    const GatewaySetup& setup);

// Reads a dev_accounts.txt file. INVALID_ARGUMENT "<path>:<line>: ..." for
// a malformed line; file errors as ReadFile.
absl::StatusOr<std::vector<DevAccount>> ReadDevAccounts(
    const std::string& path);

}  // namespace datarun::local

#endif  // DATARUN_TOOLS_LOCAL_STACK_GATEWAY_SETUP_H_
