// The access log: one JSON line per answered request through common/log.h
// (event "http_request"). It names the route pattern
// ("/api/v1/cases/{id}"), never the raw path or query string, so no
// identity number typed into a URL ever reaches the log.
#ifndef DATARUN_GATEWAY_ACCESS_LOG_H_
#define DATARUN_GATEWAY_ACCESS_LOG_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace datarun::gateway {

struct AccessRecord {
  std::string method;
  // Route pattern, "static" for UI files, "(unmatched)" otherwise.
  std::string route;
  int status = 0;
  // Body bytes sent (all chunks of a stream).
  int64_t bytes = 0;
  absl::Duration latency;
  // Signed-in role and username ("" when none; a citizen's username is
  // already masked).
  std::string role;
  std::string user;
  std::string remote;
  bool stream = false;
};

// Writes `record` as one log line. Thread-safe.
void LogAccess(const AccessRecord& record);

// Returns `target` fit for a log: the path with every query parameter
// value replaced by "*" and every path segment that looks like an identity
// number (15 or 18 characters of digits and X) masked; used only in debug
// lines, never for the access log itself. Pure.
std::string RedactTarget(const std::string& target);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_ACCESS_LOG_H_
