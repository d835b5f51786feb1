#include "gateway/query_params.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace datarun::gateway {

absl::StatusOr<int64_t> IntParam(const HttpRequest& request,
                                 absl::string_view name, int64_t fallback,
                                 int64_t min, int64_t max) {
  const std::string text = request.Query(name);
  if (text.empty()) return fallback;
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || value < min || value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("query parameter ", name, ": expected an integer from ",
                     min, " to ", max));
  }
  return value;
}

absl::StatusOr<int64_t> TimeParamMicros(const HttpRequest& request,
                                        absl::string_view name) {
  const std::string text = request.Query(name);
  if (text.empty()) return 0;
  int64_t micros = 0;
  if (absl::SimpleAtoi(text, &micros) && micros >= 0) return micros;
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return absl::ToUnixMicros(time);
  }
  if (absl::ParseTime("%Y-%m-%d", text, absl::FixedTimeZone(8 * 3600), &time,
                      &error)) {
    return absl::ToUnixMicros(time);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "query parameter ", name,
      ": expected an RFC 3339 time, a date YYYY-MM-DD or Unix microseconds"));
}

}  // namespace datarun::gateway
