// Structured logging: one JSON object per line on stderr.
//
//   LogLine("query").Str("dataset", "tax.payment_certificate")
//       .Int("latency_us", 812).Str("code", "OK");
//
// writes, when the temporary is destroyed, a single line such as
//   {"ts":"2026-11-27T10:31:02.118Z","level":"info","event":"query",
//    "dataset":"tax.payment_certificate","latency_us":812,"code":"OK"}
//
// Lines are written with one write(2) call, so concurrent lines never
// interleave. Never pass a raw identity number: log its keyed hash.
//
// Thread-safe.
#ifndef DATARUN_COMMON_LOG_H_
#define DATARUN_COMMON_LOG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace datarun {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Sets the process-wide component name added to every line ("exchange",
// "adapter-land", ...) and the minimum level written. Call once from main.
void InitLogging(absl::string_view component,
                 LogLevel min_level = LogLevel::kInfo);

class LogLine {
 public:
  explicit LogLine(absl::string_view event, LogLevel level = LogLevel::kInfo);
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;
  // Writes the line.
  ~LogLine();

  LogLine& Str(absl::string_view key, absl::string_view value);
  LogLine& Int(absl::string_view key, int64_t value);
  LogLine& Bool(absl::string_view key, bool value);
  // Adds "code" (e.g. "NOT_FOUND") and, when not OK, "error" (the message).
  LogLine& Status(const absl::Status& status);

 private:
  bool enabled_;
  std::string line_;
};

// Appends `value` to `out` as a JSON string literal (with quotes), escaping
// control characters and quotes; non-ASCII UTF-8 is passed through.
void AppendJsonString(absl::string_view value, std::string* out);

}  // namespace datarun

#endif  // DATARUN_COMMON_LOG_H_
