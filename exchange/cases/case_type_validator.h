// Load-time validation of a case types file (proto/datarun/v1/workflow.proto)
// against the catalog and the policy.
#ifndef DATARUN_EXCHANGE_CASES_CASE_TYPE_VALIDATOR_H_
#define DATARUN_EXCHANGE_CASES_CASE_TYPE_VALIDATOR_H_

#include "datarun/v1/policy.pb.h"
#include "datarun/v1/workflow.pb.h"
#include "exchange/catalog/catalog.h"
#include "exchange/catalog/config_errors.h"

namespace datarun::cases {

// Checks every rule of `case_types` and records each violation in `errors`
// (made for the case types file; not owned):
//  - case types: id snake_case and unique; title present; purpose declared
//    in `policy`; at least one party, each snake_case, none twice; at least
//    one material and one step;
//  - materials: id snake_case and unique within the case type; title
//    present; party one of the case type's parties; dataset (when set) in
//    the catalog and not NOT_SHARED, each field a declared top-level field;
//    fields only with a dataset; deferrable => defer_days > 0 and not
//    requires_presence; issued_by_step names a step of the case type whose
//    department owns the dataset;
//  - steps: id snake_case and unique; title present; department in the
//    catalog; materials and `after` name materials / steps of the case
//    type, none twice, no step after itself; sla_seconds >= 0;
//  - the `after` relation is acyclic (a cycle is reported once, as the path
//    "a -> b -> a").
// Thread-compatible.
void ValidateCaseTypes(const v1::CaseTypes& case_types,
                       const catalog::Catalog& catalog,
                       const v1::Policy& policy, catalog::ConfigErrors* errors);

}  // namespace datarun::cases

#endif  // DATARUN_EXCHANGE_CASES_CASE_TYPE_VALIDATOR_H_
