// Load-time validation of a catalog file.
#ifndef DATARUN_EXCHANGE_CATALOG_CATALOG_VALIDATOR_H_
#define DATARUN_EXCHANGE_CATALOG_CATALOG_VALIDATOR_H_

#include "datarun/v1/catalog.pb.h"
#include "exchange/catalog/config_errors.h"

namespace datarun::catalog {

// Checks every rule of a catalog and records each violation in `errors`
// (which must have been made for `catalog`'s file; not owned):
//  - department ids present, unique, [a-z][a-z0-9_]*;
//  - dataset ids present, unique, "<owner>.<name>" with <name> snake_case,
//    `owner` a declared department equal to the prefix of the id;
//  - version >= 1, share_type and subject_kind set, at least one field;
//  - field names present, snake_case, unique among their siblings; type and
//    sensitivity set; RECORD_LIST fields have sub-fields and other fields do
//    not; PERSONAL and SENSITIVE fields have a masking rule; the masking rule
//    fits the type (NAME and KEEP_ENDS: STRING; YEAR_ONLY: DATE; REDACT:
//    any). Sub-fields follow the same rules.
// Thread-compatible.
void ValidateCatalog(const v1::Catalog& catalog, ConfigErrors* errors);

}  // namespace datarun::catalog

#endif  // DATARUN_EXCHANGE_CATALOG_CATALOG_VALIDATOR_H_
