#include "common/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace datarun {
namespace {

std::atomic<int> g_min_level{static_cast<int>(LogLevel::kInfo)};
// Set once from main before threads start; read afterwards.
std::string* g_component = nullptr;

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// Appends `t` as "2026-11-27T16:11:47.123Z" (UTC, milliseconds). The
// date and time up to the second are formatted once per second per thread:
// absl::FormatTime on every line was a measurable share of a request's CPU.
void AppendTimestamp(absl::Time t, std::string* out) {
  struct Cache {
    int64_t second = INT64_MIN;
    std::string text;  // "2026-11-27T16:11:47"
  };
  thread_local Cache cache;
  const int64_t millis = absl::ToUnixMillis(t);
  int64_t second = millis / 1000;
  int64_t milli = millis % 1000;
  if (milli < 0) {
    milli += 1000;
    --second;
  }
  if (second != cache.second) {
    cache.second = second;
    cache.text =
        absl::FormatTime("%Y-%m-%dT%H:%M:%S", absl::FromUnixSeconds(second),
                         absl::UTCTimeZone());
  }
  out->append(cache.text);
  const char digits[] = {'.', static_cast<char>('0' + milli / 100),
                         static_cast<char>('0' + milli / 10 % 10),
                         static_cast<char>('0' + milli % 10), 'Z'};
  out->append(digits, sizeof(digits));
}

}  // namespace

void InitLogging(absl::string_view component, LogLevel min_level) {
  if (g_component == nullptr) g_component = new std::string;
  *g_component = std::string(component);
  g_min_level.store(static_cast<int>(min_level));
}

void AppendJsonString(absl::string_view value, std::string* out) {
  out->push_back('"');
  for (char c : value) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static const char kHex[] = "0123456789abcdef";
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

LogLine::LogLine(absl::string_view event, LogLevel level)
    : enabled_(static_cast<int>(level) >= g_min_level.load()) {
  if (!enabled_) return;
  line_.reserve(256);
  line_.append("{\"ts\":\"");
  AppendTimestamp(absl::Now(), &line_);
  line_.append("\",\"level\":\"");
  line_.append(LevelName(level));
  line_.append("\"");
  if (g_component != nullptr) {
    line_.append(",\"component\":");
    AppendJsonString(*g_component, &line_);
  }
  line_.append(",\"event\":");
  AppendJsonString(event, &line_);
}

LogLine::~LogLine() {
  if (!enabled_) return;
  line_.append("}\n");
  const char* p = line_.data();
  size_t left = line_.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

LogLine& LogLine::Str(absl::string_view key, absl::string_view value) {
  if (!enabled_) return *this;
  line_.push_back(',');
  AppendJsonString(key, &line_);
  line_.push_back(':');
  AppendJsonString(value, &line_);
  return *this;
}

LogLine& LogLine::Int(absl::string_view key, int64_t value) {
  if (!enabled_) return *this;
  line_.push_back(',');
  AppendJsonString(key, &line_);
  absl::StrAppend(&line_, ":", value);
  return *this;
}

LogLine& LogLine::Bool(absl::string_view key, bool value) {
  if (!enabled_) return *this;
  line_.push_back(',');
  AppendJsonString(key, &line_);
  line_.append(value ? ":true" : ":false");
  return *this;
}

LogLine& LogLine::Status(const absl::Status& status) {
  Str("code", absl::StatusCodeToString(status.code()));
  if (!status.ok()) Str("error", status.message());
  return *this;
}

}  // namespace datarun
