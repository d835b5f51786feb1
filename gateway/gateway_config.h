// Loading and validating the gateway config (datarun.v1.GatewayConfig,
// protobuf text format).
#ifndef DATARUN_GATEWAY_GATEWAY_CONFIG_H_
#define DATARUN_GATEWAY_GATEWAY_CONFIG_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/gateway.pb.h"

namespace datarun::gateway {

// Parses `path` and returns the config with relative paths resolved against
// its directory and every limit defaulted (see gateway.proto).
// Errors: NOT_FOUND / PERMISSION_DENIED when the file cannot be read;
// INVALID_ARGUMENT "<file>:<line>: <field>: <problem>" for a syntax error, a
// missing required field (listen_address, browser_tls.cert/key,
// exchange_address, trust_domain, servicehall_tls and audit_tls
// ca_cert/cert/key), a bad account (username format, duplicate, role,
// department, password hash) or a limit out of range.
absl::StatusOr<v1::GatewayConfig> LoadGatewayConfig(absl::string_view path);

// Same, parsing `text` named `path` (relative paths resolve against the
// directory of `path`).
absl::StatusOr<v1::GatewayConfig> ParseGatewayConfig(absl::string_view path,
                                                     absl::string_view text);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_GATEWAY_CONFIG_H_
