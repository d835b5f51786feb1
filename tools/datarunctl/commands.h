// datarunctl subcommands that talk to the exchange.
#ifndef DATARUN_TOOLS_DATARUNCTL_COMMANDS_H_
#define DATARUN_TOOLS_DATARUNCTL_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

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
};

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

}  // namespace datarun::ctl

#endif  // DATARUN_TOOLS_DATARUNCTL_COMMANDS_H_
