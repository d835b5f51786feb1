// What a consumer asks for, and what the policy decided to release.
#ifndef DATARUN_EXCHANGE_POLICY_DECISION_H_
#define DATARUN_EXCHANGE_POLICY_DECISION_H_

#include <string>
#include <vector>

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
  // When not empty, the grant is case-bound: the caller must check that
  // the intent's case_id is an open case of this type in which the subject
  // is a party before releasing anything. Only set when the engine was
  // built with case binding enabled.
  std::string case_type;
};

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_DECISION_H_
