// `datarunctl pki ...`: manage a development PKI directory (see
// exchange/security/dev_pki.h).
//
//   pki init   --dir D [--trust-domain datarun.local]
//                      [--departments land,tax,housing,registry,market,
//                                     servicehall,audit]
//   pki issue  --dir D (--department X | --exchange) [--trust-domain TD]
//   pki revoke --dir D --department X
//   pki list   --dir D
//
// Flags take "--flag value" or "--flag=value". When issue has no
// --trust-domain, the one of the directory (from exchange.pem) is used.
#ifndef DATARUN_TOOLS_DATARUNCTL_PKI_COMMAND_H_
#define DATARUN_TOOLS_DATARUNCTL_PKI_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

namespace datarun {
namespace ctl {

// Runs the pki command; `args` are the words after "pki" (e.g. {"init",
// "--dir", "deploy/dev/pki"}). Results go to `out`, errors and usage to
// `err`. Returns the process exit code: 0 on success (and for "help"),
// 1 when the operation failed (message names the file or value),
// 2 on a usage error (unknown subcommand or flag, missing value).
// Not thread-safe with respect to the same directory.
int RunPkiCommand(const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err);

}  // namespace ctl
}  // namespace datarun

#endif  // DATARUN_TOOLS_DATARUNCTL_PKI_COMMAND_H_
