#include "adapters/legacy_store/sqlite_error.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"

namespace datarun {
namespace legacy {
namespace {

absl::StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return absl::StatusCode::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE ||
          rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::StatusCode::kAlreadyExists;
      }
      return absl::StatusCode::kFailedPrecondition;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return absl::StatusCode::kPermissionDenied;
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return absl::StatusCode::kInvalidArgument;
    default:
      return absl::StatusCode::kInternal;
  }
}

// Long SQL is shortened so that messages stay readable.
std::string Abbreviate(absl::string_view sql) {
  constexpr size_t kMax = 200;
  std::string out;
  out.reserve(std::min(sql.size(), kMax) + 3);
  bool space = false;
  for (char c : sql) {
    bool is_space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (is_space) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
    if (out.size() >= kMax) {
      out += "...";
      break;
    }
  }
  return out;
}

}  // namespace

absl::Status SqliteError(int rc, sqlite3* db, absl::string_view path,
                         absl::string_view what, absl::string_view sql) {
  std::string detail = db != nullptr && sqlite3_errcode(db) != SQLITE_OK
                           ? sqlite3_errmsg(db)
                           : sqlite3_errstr(rc);
  std::string message =
      absl::StrCat("legacy store ", path, ": ", what, " failed: ", detail);
  if (!sql.empty()) absl::StrAppend(&message, " (SQL: ", Abbreviate(sql), ")");
  return absl::Status(CodeFor(rc), message);
}

}  // namespace legacy
}  // namespace datarun
