// Loading and validating the exchange's configuration file.
#ifndef DATARUN_EXCHANGE_SERVER_EXCHANGE_CONFIG_H_
#define DATARUN_EXCHANGE_SERVER_EXCHANGE_CONFIG_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/config.pb.h"

namespace datarun::server {

// Parses `path` (protobuf text format, datarun.v1.ExchangeConfig), resolves
// every relative path in it against the file's directory, fills defaults of
// `limits`, and validates. Errors (INVALID_ARGUMENT unless the file cannot
// be read) read "<path>:<line>: <field>: <problem>".
absl::StatusOr<v1::ExchangeConfig> LoadExchangeConfig(absl::string_view path);

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_EXCHANGE_CONFIG_H_
