// Options of the policy engine.
#ifndef DATARUN_EXCHANGE_POLICY_POLICY_OPTIONS_H_
#define DATARUN_EXCHANGE_POLICY_POLICY_OPTIONS_H_

#include <optional>
#include <set>
#include <string>

#include "absl/time/time.h"

namespace datarun::policy {

struct PolicyOptions {
  // Ids of the configured case types. When set, every grant's case_type
  // must be one of them; when unset (a policy loaded on its own, e.g. by a
  // tool), case types are not checked. A case-bound grant matches only
  // when the query's QueryIntent::check_case confirms the case.
  std::optional<std::set<std::string>> case_types;
  // Zone in which "YYYY-MM-DD" validity dates start and end: China Standard
  // Time (UTC+8, no daylight saving) by default. RFC 3339 times carry their
  // own offset.
  absl::TimeZone date_zone = absl::FixedTimeZone(8 * 60 * 60);
};

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_POLICY_OPTIONS_H_
