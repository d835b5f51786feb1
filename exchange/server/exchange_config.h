// Loading and validating the exchange's configuration file.
#ifndef DATARUN_EXCHANGE_SERVER_EXCHANGE_CONFIG_H_
#define DATARUN_EXCHANGE_SERVER_EXCHANGE_CONFIG_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/config.pb.h"
#include "exchange/catalog/catalog.h"

namespace datarun::server {

// Parses `path` (protobuf text format, datarun.v1.ExchangeConfig), resolves
// every relative path in it against the file's directory, fills defaults of
// `limits`, and validates. Errors (INVALID_ARGUMENT unless the file cannot
// be read) read "<path>:<line>: <field>: <problem>".
absl::StatusOr<v1::ExchangeConfig> LoadExchangeConfig(absl::string_view path);

// Checks the departments `config` (as LoadExchangeConfig read it from
// `path`) names against `catalog`: every adapters[].department and every
// audit_readers entry must be a department of the catalog. Returns
// INVALID_ARGUMENT "<path>:<line>: <field>: '<id>' is not a department of
// the catalog <catalog_file> (known: ...)"; NOT_FOUND when `path` can no
// longer be read.
absl::Status CheckConfigDepartments(absl::string_view path,
                                    const v1::ExchangeConfig& config,
                                    const catalog::Catalog& catalog);

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_EXCHANGE_CONFIG_H_
