// The web UI's static files, served from one directory (--web_root):
// "/" and "/index.html" are <web_root>/index.html, "/ui/<path>" is
// <web_root>/ui/<path>. Nothing outside web_root is ever read: ".." and
// "." segments, hidden files (a segment starting with '.'), backslashes,
// NUL bytes and symbolic links leading outside the directory are refused.
//
// Thread-safe (no state besides the root).
#ifndef DATARUN_GATEWAY_STATIC_FILES_H_
#define DATARUN_GATEWAY_STATIC_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/http_types.h"

namespace datarun::gateway {

class StaticFiles {
 public:
  // `web_root` may be empty (then every page is NOT_FOUND).
  explicit StaticFiles(std::string web_root);

  // True when `path` (raw, before '?') is one StaticFiles answers: "/",
  // "/index.html", "/favicon.ico" or under "/ui/".
  static bool Handles(absl::string_view path);

  // Returns the response for GET `path`: the file with its content type
  // and the page security headers.
  // Errors: NOT_FOUND for a missing file or directory; INVALID_ARGUMENT
  // for a refused path (traversal, hidden file, bad escape).
  absl::StatusOr<HttpResponse> Get(absl::string_view path) const;

  // Returns the file system path `path` maps to, after the checks above,
  // without reading it (exposed for tests).
  absl::StatusOr<std::string> Resolve(absl::string_view path) const;

  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

// The Content-Type for a file name by extension ("application/javascript;
// charset=utf-8" for .js and .mjs, "text/html; charset=utf-8", ...);
// "application/octet-stream" when unknown.
std::string ContentTypeFor(absl::string_view file_name);

// Adds the security headers every page carries: Content-Security-Policy
// (default-src 'self'; frame-ancestors 'none'), X-Content-Type-Options
// nosniff, Referrer-Policy no-referrer, X-Frame-Options DENY.
void AddPageSecurityHeaders(HttpResponse* response);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_STATIC_FILES_H_
