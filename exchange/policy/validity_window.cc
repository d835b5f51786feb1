#include "exchange/policy/validity_window.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "exchange/catalog/value_format.h"

namespace datarun::policy {
namespace {

enum class Bound { kStart, kEnd };

// Parses one bound; `field` names it in errors.
absl::StatusOr<absl::Time> ParseBound(absl::string_view field,
                                      absl::string_view text, Bound bound,
                                      absl::TimeZone date_zone) {
  if (text.empty()) {
    return bound == Bound::kStart ? absl::InfinitePast()
                                  : absl::InfiniteFuture();
  }
  std::string error;
  absl::Time time;
  if (text.size() == 10) {
    if (!catalog::IsValidDate(text) ||
        !absl::ParseTime("%Y-%m-%d", std::string(text), date_zone, &time,
                         &error)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, ": '", text,
          "' is not a real date \"YYYY-MM-DD\" (or RFC 3339 time)"));
    }
    if (bound == Bound::kEnd) {
      absl::CivilDay next =
          absl::ToCivilDay(time, date_zone) + 1;  // Whole day included.
      time = absl::FromCivil(next, date_zone);
    }
    return time;
  }
  // RFC 3339 needs a 'T', seconds and an offset; ParseTime checks them all.
  if (text.size() < 20 || !catalog::IsValidDate(text.substr(0, 10)) ||
      !absl::ParseTime(absl::RFC3339_full, std::string(text), &time, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": '", text,
                     "' is neither \"YYYY-MM-DD\" nor an RFC 3339 time like "
                     "\"2025-01-01T08:00:00+08:00\""));
  }
  if (bound == Bound::kEnd) time += absl::Nanoseconds(1);  // Inclusive.
  return time;
}

}  // namespace

absl::StatusOr<ValidityWindow> ValidityWindow::Parse(
    absl::string_view not_before, absl::string_view not_after,
    absl::TimeZone date_zone) {
  absl::StatusOr<absl::Time> from =
      ParseBound("not_before", not_before, Bound::kStart, date_zone);
  if (!from.ok()) return from.status();
  absl::StatusOr<absl::Time> until =
      ParseBound("not_after", not_after, Bound::kEnd, date_zone);
  if (!until.ok()) return until.status();
  if (*until <= *from) {
    return absl::InvalidArgumentError(
        absl::StrCat("not_after '", not_after, "' is before not_before '",
                     not_before, "': the grant could never apply"));
  }
  return ValidityWindow(*from, *until);
}

}  // namespace datarun::policy
