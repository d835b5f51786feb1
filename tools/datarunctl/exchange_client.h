// How datarunctl reaches the exchange: address, trust domain and the mTLS
// identity of the department it acts as.
#ifndef DATARUN_TOOLS_DATARUNCTL_EXCHANGE_CLIENT_H_
#define DATARUN_TOOLS_DATARUNCTL_EXCHANGE_CLIENT_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "datarun/v1/exchange.grpc.pb.h"

namespace datarun::ctl {

struct ConnectionOptions {
  // host:port of the exchange. Empty: EXCHANGE from <state_dir>/stack.env.
  std::string exchange;
  // Local stack state directory (for stack.env and pki/).
  std::string state_dir = ".state";
  // Department to act as; its certificate is <pki_dir>/dept-<as>.pem.
  std::string as_department;
  // Defaults to <state_dir>/pki.
  std::string pki_dir;
  // Explicit files override the pki_dir convention.
  std::string ca_cert, cert, key;
  std::string trust_domain = "datarun.local";
  int timeout_ms = 10000;
};

// Returns an mTLS channel to the exchange (any of its services).
// INVALID_ARGUMENT when no department or address can be determined;
// NOT_FOUND / INVALID_ARGUMENT for missing or unparsable PEM files (named).
absl::StatusOr<std::shared_ptr<grpc::Channel>> ConnectChannel(
    ConnectionOptions& options);

// Returns an Exchange stub over ConnectChannel(options); same errors.
absl::StatusOr<std::unique_ptr<v1::Exchange::Stub>> ConnectToExchange(
    ConnectionOptions& options);

}  // namespace datarun::ctl

#endif  // DATARUN_TOOLS_DATARUNCTL_EXCHANGE_CLIENT_H_
