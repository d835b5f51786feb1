// The validity window of a grant: [not_before, not_after].
#ifndef DATARUN_EXCHANGE_POLICY_VALIDITY_WINDOW_H_
#define DATARUN_EXCHANGE_POLICY_VALIDITY_WINDOW_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace datarun::policy {

// A half-open interval [from, until) of absolute time. Copyable; immutable.
class ValidityWindow {
 public:
  // Unbounded on both sides.
  ValidityWindow() = default;

  // Parses a grant's `not_before` and `not_after`, each "YYYY-MM-DD" (a
  // whole day in `date_zone`: not_before starts at its midnight, not_after
  // ends at the next midnight), an RFC 3339 time with offset
  // ("2025-01-01T08:00:00+08:00", taken as an inclusive instant), or empty
  // for no bound.
  // Errors: INVALID_ARGUMENT "not_before: ..." / "not_after: ..." naming
  // the malformed text, or "not_after ... is before not_before ..." when
  // the window is empty.
  static absl::StatusOr<ValidityWindow> Parse(absl::string_view not_before,
                                              absl::string_view not_after,
                                              absl::TimeZone date_zone);

  // True when `t` lies inside the window.
  bool Contains(absl::Time t) const { return from_ <= t && t < until_; }
  // True when `t` is before the window opens.
  bool NotYet(absl::Time t) const { return t < from_; }

 private:
  ValidityWindow(absl::Time from, absl::Time until)
      : from_(from), until_(until) {}

  absl::Time from_ = absl::InfinitePast();
  absl::Time until_ = absl::InfiniteFuture();
};

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_VALIDITY_WINDOW_H_
