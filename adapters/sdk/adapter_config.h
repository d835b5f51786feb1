// Loading and validating an adapter's configuration file
// (datarun.v1.AdapterConfig in protobuf text format).
#ifndef DATARUN_ADAPTERS_SDK_ADAPTER_CONFIG_H_
#define DATARUN_ADAPTERS_SDK_ADAPTER_CONFIG_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/config.pb.h"

namespace datarun {
namespace adapter {

// Command-line values that replace the file's (empty / negative = keep the
// file's). Paths given here are used as they are (relative to the working
// directory), not resolved against the config file.
struct ConfigOverrides {
  std::string listen_address;
  std::string store_path;
  int delay_ms = -1;
};

// Returns the config in `path` for the adapter of `department`, with
// relative paths (tls.*, store_path) resolved against the file's directory,
// `overrides` applied, and then validated.
// Errors:
//   NOT_FOUND / PERMISSION_DENIED  the file cannot be read (path named);
//   INVALID_ARGUMENT               a syntax error, or a semantic one
//                                  reported as "<file>:<line>: <field>: ..."
//                                  (department missing or not `department`,
//                                  listen_address or trust_domain missing,
//                                  tls.ca_cert / tls.cert / tls.key missing,
//                                  delay_ms negative).
absl::StatusOr<v1::AdapterConfig> LoadAdapterConfig(
    absl::string_view path, absl::string_view department,
    const ConfigOverrides& overrides = ConfigOverrides());

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_ADAPTER_CONFIG_H_
