// Typed query-string parameters with errors that name the parameter.
// Pure functions; thread-safe.
#ifndef DATARUN_GATEWAY_QUERY_PARAMS_H_
#define DATARUN_GATEWAY_QUERY_PARAMS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/http_types.h"

namespace datarun::gateway {

// The integer parameter `name`, `fallback` when absent or empty.
// INVALID_ARGUMENT "query parameter <name>: ..." when not an integer in
// [min, max].
absl::StatusOr<int64_t> IntParam(const HttpRequest& request,
                                 absl::string_view name, int64_t fallback,
                                 int64_t min, int64_t max);

// The time parameter `name` as Unix microseconds, 0 when absent. Accepts
// RFC 3339 ("2026-11-27T10:00:00Z", "2026-11-27T18:00:00+08:00"), a date
// ("2026-11-27", midnight China Standard Time, UTC+8) or a number of Unix
// microseconds. INVALID_ARGUMENT naming the parameter otherwise.
absl::StatusOr<int64_t> TimeParamMicros(const HttpRequest& request,
                                        absl::string_view name);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_QUERY_PARAMS_H_
