// datarunctl subcommands that talk to the exchange.
#ifndef DATARUN_TOOLS_DATARUNCTL_COMMANDS_H_
#define DATARUN_TOOLS_DATARUNCTL_COMMANDS_H_

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tools/datarunctl/exchange_client.h"

namespace datarun::ctl {

struct CommandContext {
  ConnectionOptions connection;
  bool json = false;
  // query options
  std::string purpose;
  std::vector<std::string> fields;
  std::string case_id;
  std::string official;
  std::string request_id;
  // catalog list
  std::string owner;
  // identity
  std::string basis;
  bool primary = false;
  std::vector<std::string> departments;
  int limit = 100;
  // intake: the party role; case list: the party subject
  std::string party;
  // case
  std::vector<std::string> case_parties;
  std::vector<std::string> case_uploads;
  std::vector<std::string> case_deferred;
  std::string case_type;
  // case list: only cases in this state (e.g. COMPLETED)
  std::string case_state;
  bool case_wait = false;
};

// Sets the call's deadline to the connection's timeout from now.
void SetDeadline(grpc::ClientContext& call, const CommandContext& context);

// Prints "error: CODE: message" to `err`; returns 1.
int Fail(const grpc::Status& status, std::ostream& err);

// Prints "error: message" (a local failure, e.g. a missing key); returns 1.
int FailSetup(const absl::Status& status, std::ostream& err);

// Exit codes: 0 success, 1 the call failed (the gRPC code and message are
// printed to `err` as "error: CODE: message"), 2 usage error.

// catalog list | catalog describe <dataset>
int RunCatalogCommand(const std::vector<std::string>& args,
                      CommandContext& context, std::ostream& out,
                      std::ostream& err);

// query <dataset> <subject>
int RunQueryCommand(const std::vector<std::string>& args,
                    CommandContext& context, std::ostream& out,
                    std::ostream& err);

// identity resolve|link|retract|merge|history|conflicts|sync ...
int RunIdentityCommand(const std::vector<std::string>& args,
                       CommandContext& context, std::ostream& out,
                       std::ostream& err);

// intake <case-type> <subject> [--party=ROLE]
int RunIntakeCommand(const std::vector<std::string>& args,
                     CommandContext& context, std::ostream& out,
                     std::ostream& err);

// case submit|status|watch|supplement|cancel|list ...
// Exit code 3: the case ended other than COMPLETED.
int RunCaseCommand(const std::vector<std::string>& args,
                   CommandContext& context, std::ostream& out,
                   std::ostream& err);

}  // namespace datarun::ctl

#endif  // DATARUN_TOOLS_DATARUNCTL_COMMANDS_H_
