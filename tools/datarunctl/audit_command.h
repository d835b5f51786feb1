// `datarunctl audit ...`: verify, prove, search and export the exchange's
// tamper-evident audit log.
//
//   audit verify [--dir=DIR] [--verifier_key=KEY]
//       offline: recomputes every hash, checkpoint and index of the log in
//       DIR (default <state>/audit/log); works while the exchange runs.
//   audit proof <index> [--tree_size=N]
//       fetches the entry's inclusion proof and the signed checkpoint,
//       checks both, prints "verified".
//   audit search [--consumer=D] [--dataset=X] [--purpose=P] [--from=T]
//                [--to=T] [--limit=N]
//       entries in index order, each proof checked.
//   audit who-accessed <identity number>
//       the citizen's report (as --as=servicehall unless --as is given).
//   audit export [--from=I] [--to=J] --out=FILE
//       entries I..J-1 with inclusion proofs against one published
//       checkpoint, as JSON lines (first line: the checkpoint and verifier
//       key; then one ProvedEntry per line, protobuf JSON mapping).
//
// Calls act as --as (default "audit", the audit office; who-accessed
// defaults to "servicehall"). Checkpoints are checked with --verifier_key
// when given (a key text, or a file holding it), otherwise with the key the
// exchange serves, which is weaker and said so in the output.
#ifndef DATARUN_TOOLS_DATARUNCTL_AUDIT_COMMAND_H_
#define DATARUN_TOOLS_DATARUNCTL_AUDIT_COMMAND_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "tools/datarunctl/commands.h"

namespace datarun::ctl {

struct AuditFlags {
  // verify: the log directory; default <state_dir>/audit/log.
  std::string dir;
  // Trusted verifier key text, or a file that holds it.
  std::string verifier_key;
  // proof: tree size to prove in (0: the latest checkpoint).
  uint64_t tree_size = 0;
  // search filters; `from`/`to` are times for search (RFC 3339, or
  // YYYY-MM-DD in the local time zone) and entry indexes for export.
  std::string consumer;
  std::string dataset;
  std::string purpose;
  // search: only entries about this subject (never printed unmasked).
  std::string subject;
  std::string from;
  std::string to;
  // search / who-accessed: stop after this many entries.
  int limit = 1000;
  // export: output file.
  std::string out;
};

// Runs `audit <args...>`. Output goes to `out`, errors to `err` ("error:
// CODE: message" for failed calls). Returns 0 on success, 1 when a call
// failed or anything did not verify (the first bad item is named), 2 on a
// usage error.
int RunAuditCommand(const std::vector<std::string>& args,
                    CommandContext& context, const AuditFlags& flags,
                    std::ostream& out, std::ostream& err);

}  // namespace datarun::ctl

#endif  // DATARUN_TOOLS_DATARUNCTL_AUDIT_COMMAND_H_
