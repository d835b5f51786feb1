#include "tools/datarunctl/exchange_client.h"

#include <grpcpp/create_channel.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "exchange/security/names.h"
#include "exchange/security/tls_credentials.h"

namespace datarun::ctl {
namespace {

// Reads KEY=VALUE lines of <state_dir>/stack.env into the options.
void ApplyStackEnv(ConnectionOptions& options) {
  absl::StatusOr<std::string> env = ReadFile(options.state_dir + "/stack.env");
  if (!env.ok()) return;
  for (absl::string_view line : absl::StrSplit(*env, '\n')) {
    std::vector<std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    if (kv.size() != 2) continue;
    if (kv[0] == "EXCHANGE" && options.exchange.empty())
      options.exchange = kv[1];
    if (kv[0] == "PKI_DIR" && options.pki_dir.empty()) options.pki_dir = kv[1];
    if (kv[0] == "TRUST_DOMAIN") options.trust_domain = kv[1];
  }
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectChannel(
    ConnectionOptions& options) {
  ApplyStackEnv(options);
  if (options.exchange.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no exchange address: pass --exchange=host:port or start the local "
        "stack (./run.sh up) so that ",
        options.state_dir, "/stack.env exists"));
  }
  if (options.pki_dir.empty()) options.pki_dir = options.state_dir + "/pki";
  if (options.cert.empty() || options.key.empty()) {
    if (options.as_department.empty()) {
      return absl::InvalidArgumentError(
          "say which department you act as: --as=<department> (uses "
          "<pki_dir>/dept-<department>.pem), or pass --cert and --key");
    }
    options.cert =
        absl::StrCat(options.pki_dir, "/dept-", options.as_department, ".pem");
    options.key =
        absl::StrCat(options.pki_dir, "/dept-", options.as_department, ".key");
  }
  if (options.ca_cert.empty()) options.ca_cert = options.pki_dir + "/ca.pem";
  v1::TlsFiles files;
  files.set_ca_cert(options.ca_cert);
  files.set_cert(options.cert);
  files.set_key(options.key);
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                   security::MakeChannelCredentials(files));
  grpc::ChannelArguments args = security::ChannelArgsForServerName(
      security::ExchangeServerName(options.trust_domain));
  return grpc::CreateCustomChannel(options.exchange, credentials, args);
}

absl::StatusOr<std::unique_ptr<v1::Exchange::Stub>> ConnectToExchange(
    ConnectionOptions& options) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                   ConnectChannel(options));
  return v1::Exchange::NewStub(channel);
}

}  // namespace datarun::ctl
