#include "gateway/router.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace datarun::gateway {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsParam(absl::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

absl::StatusOr<std::string> PercentDecode(absl::string_view text,
                                          bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) {
        return absl::InvalidArgumentError("malformed %-escape in the URL");
      }
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) {
        return absl::InvalidArgumentError("malformed %-escape in the URL");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> SplitPath(absl::string_view path) {
  std::vector<std::string> segments;
  for (absl::string_view raw : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StatusOr<std::string> segment = PercentDecode(raw, false);
    if (!segment.ok()) return segment.status();
    if (segment->find('\0') != std::string::npos) {
      return absl::InvalidArgumentError("NUL character in the URL path");
    }
    segments.push_back(*std::move(segment));
  }
  return segments;
}

absl::StatusOr<std::map<std::string, std::string>> ParseQuery(
    absl::string_view query) {
  std::map<std::string, std::string> out;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::vector<absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    absl::StatusOr<std::string> key = PercentDecode(kv[0], true);
    if (!key.ok()) return key.status();
    absl::StatusOr<std::string> value =
        PercentDecode(kv.size() > 1 ? kv[1] : "", true);
    if (!value.ok()) return value.status();
    out[*key] = *value;
  }
  return out;
}

absl::StatusOr<int> Router::Add(absl::string_view method,
                                absl::string_view pattern) {
  if (!absl::StartsWith(pattern, "/")) {
    return absl::InvalidArgumentError(
        absl::StrCat("route pattern '", pattern, "' must start with '/'"));
  }
  Route route;
  route.method = std::string(method);
  route.pattern = std::string(pattern);
  for (absl::string_view segment :
       absl::StrSplit(pattern, '/', absl::SkipEmpty())) {
    if ((absl::StrContains(segment, '{') || absl::StrContains(segment, '}')) &&
        !IsParam(segment)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "route pattern '", pattern, "': malformed segment '", segment, "'"));
    }
    route.segments.emplace_back(segment);
  }
  routes_.push_back(std::move(route));
  return static_cast<int>(routes_.size() - 1);
}

absl::StatusOr<RouteMatch> Router::Match(absl::string_view method,
                                         absl::string_view path,
                                         std::string* allowed) const {
  absl::StatusOr<std::vector<std::string>> segments = SplitPath(path);
  if (!segments.ok()) return segments.status();
  std::set<std::string> other_methods;
  for (size_t r = 0; r < routes_.size(); ++r) {
    const Route& route = routes_[r];
    if (route.segments.size() != segments->size()) continue;
    RouteMatch match;
    bool ok = true;
    for (size_t i = 0; i < route.segments.size() && ok; ++i) {
      const std::string& want = route.segments[i];
      const std::string& have = (*segments)[i];
      if (IsParam(want)) {
        match.params[want.substr(1, want.size() - 2)] = have;
      } else {
        ok = want == have;
      }
    }
    if (!ok) continue;
    if (route.method != method) {
      other_methods.insert(route.method);
      continue;
    }
    match.route = static_cast<int>(r);
    match.pattern = route.pattern;
    return match;
  }
  if (!other_methods.empty()) {
    if (allowed != nullptr) *allowed = absl::StrJoin(other_methods, ", ");
    return absl::UnimplementedError(
        absl::StrCat("method ", method, " is not allowed here (allowed: ",
                     absl::StrJoin(other_methods, ", "), ")"));
  }
  return absl::NotFoundError("no such API route");
}

}  // namespace datarun::gateway
