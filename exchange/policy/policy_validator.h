// Load-time validation of a policy file against the catalog.
#ifndef DATARUN_EXCHANGE_POLICY_POLICY_VALIDATOR_H_
#define DATARUN_EXCHANGE_POLICY_POLICY_VALIDATOR_H_

#include "datarun/v1/policy.pb.h"
#include "exchange/catalog/catalog.h"
#include "exchange/catalog/config_errors.h"
#include "exchange/policy/policy_options.h"

namespace datarun::policy {

// Returns true when `code` is a purpose code: dot-separated snake_case
// words, e.g. "property_transfer.deed_tax".
bool IsPurposeCode(absl::string_view code);

// Checks every rule of `policy` against `catalog` and records each
// violation in `errors` (made for `policy`'s file; not owned):
//  - purposes: code present, well formed, unique;
//  - grants: id present ([a-z0-9][a-z0-9_.-]*) and unique; consumer a
//    catalog department; dataset in the catalog and not NOT_SHARED; at least
//    one field, each declared top-level field of the dataset, no duplicates;
//    at least one purpose, each declared in `purposes`, no duplicates;
//    case_type one of options.case_types when those are given; not_before and
//    not_after parse and are ordered; rate_limit.per_second and burst >= 0;
//  - identity: resolvers and stewards are catalog departments, none twice.
// Thread-compatible.
void ValidatePolicy(const v1::Policy& policy, const catalog::Catalog& catalog,
                    const PolicyOptions& options,
                    catalog::ConfigErrors* errors);

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_POLICY_VALIDATOR_H_
