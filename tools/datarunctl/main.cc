// datarunctl: the operator's and integrator's command line.
//
//   datarunctl pki init|issue|revoke|list ...
//   datarunctl [--as=DEPT] catalog list|describe ...
//   datarunctl --as=DEPT query <dataset> <subject> --purpose=CODE ...
//   datarunctl audit verify|proof|search|who-accessed|export ...
//
// Human-readable output by default, --json for the protobuf JSON mapping.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_split.h"
#include "tools/datarunctl/audit_command.h"
#include "tools/datarunctl/commands.h"
#include "tools/datarunctl/pki_command.h"

ABSL_FLAG(
    std::string, exchange, "",
    "Exchange address host:port (default: EXCHANGE in <state>/stack.env).");
ABSL_FLAG(std::string, state, ".state", "Local stack state directory.");
ABSL_FLAG(std::string, as, "",
          "Department to act as (its certificate is used).");
ABSL_FLAG(std::string, pki_dir, "", "PKI directory (default <state>/pki).");
ABSL_FLAG(std::string, ca_cert, "",
          "CA certificate (default <pki_dir>/ca.pem).");
ABSL_FLAG(std::string, cert, "", "Client certificate (default from --as).");
ABSL_FLAG(std::string, key, "", "Client key (default from --as).");
ABSL_FLAG(std::string, trust_domain, "datarun.local", "SPIFFE trust domain.");
ABSL_FLAG(int, timeout_ms, 10000, "Deadline of each call in milliseconds.");
ABSL_FLAG(bool, json, false, "Print JSON (protobuf JSON mapping).");
ABSL_FLAG(std::string, purpose, "", "query: purpose code.");
ABSL_FLAG(std::vector<std::string>, fields, {},
          "query: fields, comma-separated.");
ABSL_FLAG(std::string, case_id, "", "query: case id.");
ABSL_FLAG(std::string, official, "", "query: official acting (on behalf of).");
ABSL_FLAG(std::string, request_id, "", "query: request id for tracing.");
ABSL_FLAG(std::string, owner, "", "catalog list: only this owner department.");
ABSL_FLAG(std::string, dir, "",
          "audit verify: audit log directory (default <state>/audit/log).");
ABSL_FLAG(std::string, verifier_key, "",
          "audit: trusted checkpoint verifier key, or a file holding it.");
ABSL_FLAG(uint64_t, tree_size, 0,
          "audit proof: tree size to prove in (default: latest checkpoint).");
ABSL_FLAG(std::string, consumer, "", "audit search: consumer department.");
ABSL_FLAG(std::string, dataset, "", "audit search: dataset id.");
ABSL_FLAG(std::string, subject, "",
          "audit search: only entries about this identity number or credit "
          "code.");
ABSL_FLAG(std::string, from, "",
          "audit search: from time (RFC 3339 or YYYY-MM-DD); audit export: "
          "first entry index.");
ABSL_FLAG(std::string, to, "",
          "audit search: to time (exclusive); audit export: end index "
          "(exclusive).");
ABSL_FLAG(int, limit, 1000,
          "audit search/who-accessed: most entries shown; case list: most "
          "cases shown.");
ABSL_FLAG(std::string, out, "", "audit export: output file (JSON lines).");
ABSL_FLAG(std::string, basis, "",
          "identity link/retract/merge: why (recorded in the history).");
ABSL_FLAG(bool, primary, false,
          "identity link: the department's preferred key for the subject.");
ABSL_FLAG(std::vector<std::string>, departments, {},
          "identity resolve: only these departments' identifiers.");
ABSL_FLAG(std::vector<std::string>, parties, {},
          "case submit: role=subject pairs, e.g. seller=<id>,buyer=<id>.");
ABSL_FLAG(std::vector<std::string>, uploads, {},
          "case submit: material=reference pairs the applicant provides.");
ABSL_FLAG(std::vector<std::string>, deferred, {},
          "case submit: deferrable materials supplied later.");
ABSL_FLAG(std::string, case_type, "", "case list: only this case type.");
ABSL_FLAG(std::string, case_state, "",
          "case list: only cases in this state (RUNNING, WAITING, COMPLETED, "
          "REJECTED, FAILED, CANCELLED).");
ABSL_FLAG(bool, wait, false,
          "case submit: follow the case to its end and print its timeline.");
ABSL_FLAG(std::string, party, "",
          "intake: party role (default: the applicant, the first party). "
          "case list: only the cases of this party (identity number or "
          "credit code).");

namespace {

constexpr char kUsage[] =
    "datarunctl <command> [flags]\n"
    "commands:\n"
    "  pki init|issue|revoke|list ...      dev PKI (see datarunctl pki)\n"
    "  catalog list [--owner=DEPT]         datasets of the catalog\n"
    "  catalog describe <dataset>          one dataset's schema\n"
    "  query <dataset> <subject> --purpose=CODE [--fields=a,b] [--case_id=C]\n"
    "        [--official=ID]               read shared data (needs "
    "--as=DEPT)\n"
    "  audit verify [--dir=DIR] [--verifier_key=KEY]   check the audit log "
    "offline\n"
    "  audit proof <index> [--tree_size=N]  prove one entry is in the log\n"
    "  audit search [--consumer --dataset --purpose --from --to]\n"
    "  audit who-accessed <identity number> a citizen's access report\n"
    "  audit export [--from=I] [--to=J] --out=FILE  entries with proofs\n"
    "  identity resolve|link|retract|merge|history|conflicts|sync ...\n"
    "                                      the identity registry (see "
    "datarunctl identity)\n"
    "  intake <case-type> <subject> [--party=ROLE]  which materials are "
    "already held\n"
    "  case submit|status|watch|supplement|cancel|list ...  cases (see "
    "datarunctl case)\n";

}  // namespace

int main(int argc, char** argv) {
  // `pki` has its own flag syntax; hand it the raw arguments.
  if (argc >= 2 && std::string(argv[1]) == "pki") {
    std::vector<std::string> args(argv + 2, argv + argc);
    return datarun::ctl::RunPkiCommand(args, std::cout, std::cerr);
  }
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  datarun::ctl::CommandContext context;
  context.connection.exchange = absl::GetFlag(FLAGS_exchange);
  context.connection.state_dir = absl::GetFlag(FLAGS_state);
  context.connection.as_department = absl::GetFlag(FLAGS_as);
  context.connection.pki_dir = absl::GetFlag(FLAGS_pki_dir);
  context.connection.ca_cert = absl::GetFlag(FLAGS_ca_cert);
  context.connection.cert = absl::GetFlag(FLAGS_cert);
  context.connection.key = absl::GetFlag(FLAGS_key);
  context.connection.trust_domain = absl::GetFlag(FLAGS_trust_domain);
  context.connection.timeout_ms = absl::GetFlag(FLAGS_timeout_ms);
  context.json = absl::GetFlag(FLAGS_json);
  context.purpose = absl::GetFlag(FLAGS_purpose);
  context.fields = absl::GetFlag(FLAGS_fields);
  context.case_id = absl::GetFlag(FLAGS_case_id);
  context.official = absl::GetFlag(FLAGS_official);
  context.request_id = absl::GetFlag(FLAGS_request_id);
  context.owner = absl::GetFlag(FLAGS_owner);

  context.basis = absl::GetFlag(FLAGS_basis);
  context.primary = absl::GetFlag(FLAGS_primary);
  context.departments = absl::GetFlag(FLAGS_departments);
  context.limit = absl::GetFlag(FLAGS_limit);
  context.party = absl::GetFlag(FLAGS_party);
  context.case_parties = absl::GetFlag(FLAGS_parties);
  context.case_uploads = absl::GetFlag(FLAGS_uploads);
  context.case_deferred = absl::GetFlag(FLAGS_deferred);
  context.case_type = absl::GetFlag(FLAGS_case_type);
  context.case_state = absl::GetFlag(FLAGS_case_state);
  context.case_wait = absl::GetFlag(FLAGS_wait);

  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "catalog") {
    if (context.connection.as_department.empty() &&
        context.connection.cert.empty()) {
      context.connection.as_department = "servicehall";
    }
    return datarun::ctl::RunCatalogCommand(args, context, std::cout, std::cerr);
  }
  if (command == "query") {
    return datarun::ctl::RunQueryCommand(args, context, std::cout, std::cerr);
  }
  if (command == "identity") {
    return datarun::ctl::RunIdentityCommand(args, context, std::cout,
                                            std::cerr);
  }
  if (command == "case") {
    if (context.connection.as_department.empty() &&
        context.connection.cert.empty()) {
      context.connection.as_department = "servicehall";
    }
    return datarun::ctl::RunCaseCommand(args, context, std::cout, std::cerr);
  }
  if (command == "intake") {
    if (context.connection.as_department.empty() &&
        context.connection.cert.empty()) {
      context.connection.as_department = "servicehall";
    }
    return datarun::ctl::RunIntakeCommand(args, context, std::cout, std::cerr);
  }
  if (command == "audit") {
    datarun::ctl::AuditFlags audit;
    audit.dir = absl::GetFlag(FLAGS_dir);
    audit.verifier_key = absl::GetFlag(FLAGS_verifier_key);
    audit.tree_size = absl::GetFlag(FLAGS_tree_size);
    audit.consumer = absl::GetFlag(FLAGS_consumer);
    audit.dataset = absl::GetFlag(FLAGS_dataset);
    audit.subject = absl::GetFlag(FLAGS_subject);
    audit.purpose = absl::GetFlag(FLAGS_purpose);
    audit.from = absl::GetFlag(FLAGS_from);
    audit.to = absl::GetFlag(FLAGS_to);
    audit.limit = absl::GetFlag(FLAGS_limit);
    audit.out = absl::GetFlag(FLAGS_out);
    return datarun::ctl::RunAuditCommand(args, context, audit, std::cout,
                                         std::cerr);
  }
  std::cerr << "datarunctl: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
