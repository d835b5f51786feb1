// What a consumer asks for, and what the policy decided to release.
#ifndef DATARUN_EXCHANGE_POLICY_DECISION_H_
#define DATARUN_EXCHANGE_POLICY_DECISION_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace datarun::policy {

// One query as the policy sees it.
struct QueryIntent {
  // Consumer department id, from the caller's certificate.
  std::string consumer;
  // Dataset id, e.g. "land.property_title".
  std::string dataset;
  // Top-level fields wanted; empty means every field of the grant.
  std::vector<std::string> fields;
  // Declared purpose code, e.g. "property_transfer.deed_tax".
  std::string purpose;
  // Case the query belongs to, if any.
  std::string case_id;
  // Checks the binding of a case-bound grant: OK when `case_id` names an
  // open case of `case_type` in which the queried subject is a party;
  // otherwise an error whose message says why (the case is unknown or
  // finished, of another type, or the subject is not a party). Called only
  // for grants with a case_type and a non-empty case_id; without it such
  // grants never match. Must be thread-safe and must not call the policy.
  std::function<absl::Status(absl::string_view case_type)> check_case;
  // When the query is made (validity windows and rate limits use it).
  absl::Time now;
};

// An allowed query: which grant allowed it and what may be released.
struct Decision {
  // Grant that allowed the query (cited in the audit entry).
  std::string grant_id;
  // What to ask the owner for: clear_fields then masked_fields.
  std::vector<std::string> fetch_fields;
  // Released in clear.
  std::vector<std::string> clear_fields;
  // Released masked by the catalog's rule (grant has UNGRANTED_FIELDS_MASK).
  std::vector<std::string> masked_fields;
  // When not empty, the grant is case-bound and QueryIntent::check_case
  // confirmed the binding.
  std::string case_type;
};

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_DECISION_H_
