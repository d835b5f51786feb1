#include "gateway/static_files.h"

#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/file_util.h"
#include "gateway/router.h"

namespace datarun::gateway {
namespace {

// realpath(3) of `path`, or "" when it does not resolve.
std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  if (::realpath(path.c_str(), buf) == nullptr) return "";
  return buf;
}

}  // namespace

StaticFiles::StaticFiles(std::string web_root) : root_(std::move(web_root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

bool StaticFiles::Handles(absl::string_view path) {
  return path == "/" || path == "/index.html" || path == "/favicon.ico" ||
         path == "/ui" || absl::StartsWith(path, "/ui/");
}

absl::StatusOr<std::string> StaticFiles::Resolve(absl::string_view path) const {
  if (root_.empty()) return absl::NotFoundError("no web_root is configured");
  absl::StatusOr<std::vector<std::string>> segments = SplitPath(path);
  if (!segments.ok()) return segments.status();
  for (const std::string& segment : *segments) {
    if (segment == "." || segment == ".." || segment.empty() ||
        segment[0] == '.' || absl::StrContains(segment, '/') ||
        absl::StrContains(segment, '\\')) {
      return absl::InvalidArgumentError("refused path: outside the web root");
    }
  }
  if (segments->empty()) segments->push_back("index.html");
  std::string file = absl::StrCat(root_, "/", absl::StrJoin(*segments, "/"));
  struct stat st;
  if (::stat(file.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    absl::StrAppend(&file, "/index.html");
  }
  // A symbolic link must not lead out of the root either.
  const std::string real_root = RealPath(root_);
  const std::string real_file = RealPath(file);
  if (real_root.empty() || real_file.empty()) {
    return absl::NotFoundError("no such page");
  }
  if (!absl::StartsWith(real_file, real_root + "/")) {
    return absl::InvalidArgumentError("refused path: outside the web root");
  }
  return real_file;
}

absl::StatusOr<HttpResponse> StaticFiles::Get(absl::string_view path) const {
  absl::StatusOr<std::string> file = Resolve(path);
  if (!file.ok()) return file.status();
  struct stat st;
  if (::stat(file->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::NotFoundError("no such page");
  }
  absl::StatusOr<std::string> content = ReadFile(*file);
  if (!content.ok()) return absl::NotFoundError("no such page");
  HttpResponse response;
  response.status = 200;
  response.content_type = ContentTypeFor(*file);
  response.body = *std::move(content);
  // Pages change with every deployment and are small: always revalidate.
  response.headers.emplace_back("Cache-Control", "no-cache");
  AddPageSecurityHeaders(&response);
  return response;
}

std::string ContentTypeFor(absl::string_view file_name) {
  size_t dot = file_name.rfind('.');
  std::string ext = dot == absl::string_view::npos
                        ? ""
                        : absl::AsciiStrToLower(file_name.substr(dot + 1));
  static const std::pair<const char*, const char*> kTypes[] = {
      {"html", "text/html; charset=utf-8"},
      {"htm", "text/html; charset=utf-8"},
      {"js", "application/javascript; charset=utf-8"},
      {"mjs", "application/javascript; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},
      {"json", "application/json; charset=utf-8"},
      {"svg", "image/svg+xml"},
      {"png", "image/png"},
      {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},
      {"gif", "image/gif"},
      {"ico", "image/x-icon"},
      {"woff", "font/woff"},
      {"woff2", "font/woff2"},
      {"txt", "text/plain; charset=utf-8"},
      {"map", "application/json; charset=utf-8"},
      {"webmanifest", "application/manifest+json"},
  };
  for (const auto& [known, type] : kTypes) {
    if (ext == known) return type;
  }
  return "application/octet-stream";
}

void AddPageSecurityHeaders(HttpResponse* response) {
  response->headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
      "form-action 'self'");
  response->headers.emplace_back("X-Content-Type-Options", "nosniff");
  response->headers.emplace_back("Referrer-Policy", "no-referrer");
  response->headers.emplace_back("X-Frame-Options", "DENY");
}

}  // namespace datarun::gateway
