#include "gateway/access_log.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/log.h"
#include "exchange/identity/subject_id.h"

namespace datarun::gateway {
namespace {

bool LooksLikeIdentityNumber(absl::string_view segment) {
  if (segment.size() != 15 && segment.size() != 18) return false;
  for (char c : segment) {
    if (!absl::ascii_isalnum(c)) return false;
  }
  return true;
}

}  // namespace

void LogAccess(const AccessRecord& record) {
  LogLevel level = record.status >= 500 ? LogLevel::kWarning : LogLevel::kInfo;
  LogLine line("http_request", level);
  line.Str("method", record.method)
      .Str("route", record.route)
      .Int("status", record.status)
      .Int("bytes", record.bytes)
      .Int("latency_us", absl::ToInt64Microseconds(record.latency));
  if (!record.role.empty()) line.Str("role", record.role);
  if (!record.user.empty()) line.Str("user", record.user);
  if (!record.remote.empty()) line.Str("remote", record.remote);
  if (record.stream) line.Bool("stream", true);
}

std::string RedactTarget(const std::string& target) {
  absl::string_view path = target;
  absl::string_view query;
  size_t q = path.find('?');
  if (q != absl::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  std::vector<std::string> segments;
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    segments.push_back(LooksLikeIdentityNumber(segment)
                           ? identity::MaskSubject(segment)
                           : std::string(segment));
  }
  std::string out = absl::StrJoin(segments, "/");
  if (!query.empty()) {
    std::vector<std::string> params;
    for (absl::string_view pair : absl::StrSplit(query, '&')) {
      params.push_back(std::string(pair.substr(0, pair.find('='))) + "=*");
    }
    out += "?" + absl::StrJoin(params, "&");
  }
  return out;
}

}  // namespace datarun::gateway
