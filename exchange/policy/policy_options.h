// Options of the policy engine.
#ifndef DATARUN_EXCHANGE_POLICY_POLICY_OPTIONS_H_
#define DATARUN_EXCHANGE_POLICY_POLICY_OPTIONS_H_

#include "absl/time/time.h"

namespace datarun::policy {

struct PolicyOptions {
  // Accept grants with `case_type`. Off until a case engine exists to check
  // that the subject is a party to an open case of that type; while off,
  // such grants are rejected at load.
  bool case_binding_supported = false;
  // Zone in which "YYYY-MM-DD" validity dates start and end: China Standard
  // Time (UTC+8, no daylight saving) by default. RFC 3339 times carry their
  // own offset.
  absl::TimeZone date_zone = absl::FixedTimeZone(8 * 60 * 60);
};

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_POLICY_OPTIONS_H_
