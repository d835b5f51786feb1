// Matches a request's method and path against route patterns such as
// "/api/v1/cases/{id}/events". A "{name}" segment matches one non-empty
// path segment, percent-decoded, and is returned as a parameter. Trailing
// slashes do not matter.
//
// Add routes first, then match from any number of threads (Match is
// const).
#ifndef DATARUN_GATEWAY_ROUTER_H_
#define DATARUN_GATEWAY_ROUTER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::gateway {

struct RouteMatch {
  // Index of the route in the order routes were added.
  int route = -1;
  // The pattern as added (for logs: never holds an id).
  std::string pattern;
  std::map<std::string, std::string> params;
};

class Router {
 public:
  // Adds a route; returns its index. INVALID_ARGUMENT for a pattern that
  // does not start with '/' or has an empty or malformed "{}" segment.
  absl::StatusOr<int> Add(absl::string_view method, absl::string_view pattern);

  // Finds the route for `method` and `path` (the path part of the target,
  // still percent-encoded). Errors:
  //   NOT_FOUND      no pattern matches the path;
  //   UNIMPLEMENTED  a pattern matches but not with this method; `allowed`
  //                  (may be null) receives the methods that would ("GET,
  //                  POST"), for the Allow header of the 405 answer;
  //   INVALID_ARGUMENT  the path has a malformed %-escape or a NUL.
  absl::StatusOr<RouteMatch> Match(absl::string_view method,
                                   absl::string_view path,
                                   std::string* allowed = nullptr) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
  };
  std::vector<Route> routes_;
};

// Splits `path` at '/' into percent-decoded segments, ignoring empty ones
// ("/a//b/" -> {"a", "b"}). INVALID_ARGUMENT for a malformed escape or a
// decoded NUL.
absl::StatusOr<std::vector<std::string>> SplitPath(absl::string_view path);

// Percent-decodes `text`; with `plus_is_space`, '+' becomes ' ' (query
// strings). INVALID_ARGUMENT for a malformed escape.
absl::StatusOr<std::string> PercentDecode(absl::string_view text,
                                          bool plus_is_space);

// Parses a query string "a=1&b=x%20y" into decoded pairs (the last value of
// a repeated name wins). INVALID_ARGUMENT for a malformed escape.
absl::StatusOr<std::map<std::string, std::string>> ParseQuery(
    absl::string_view query);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_ROUTER_H_
