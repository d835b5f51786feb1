// Internal to adapters/legacy_store: turning SQLite result codes into
// absl::Status values that name the database file and the SQL.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_ERROR_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_ERROR_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

struct sqlite3;

namespace datarun {
namespace legacy {

// Returns the status for SQLite result code `rc` (extended codes accepted)
// raised while doing `what` ("prepare", "step", "open", ...) on the database
// at `path`, running `sql` (may be empty). `db` (may be null) supplies
// SQLite's own message. Mapping:
//   BUSY, LOCKED, IOERR, FULL, CANTOPEN (existing file)   -> UNAVAILABLE
//   CORRUPT, NOTADB                                       -> DATA_LOSS
//   CONSTRAINT                                            -> ALREADY_EXISTS
//                                                            (UNIQUE/PK) or
//                                                            FAILED_PRECONDITION
//   READONLY, PERM, AUTH                                  -> PERMISSION_DENIED
//   RANGE, MISMATCH, TOOBIG                               -> INVALID_ARGUMENT
//   anything else (syntax errors, missing tables)         -> INTERNAL
absl::Status SqliteError(int rc, sqlite3* db, absl::string_view path,
                         absl::string_view what, absl::string_view sql);

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_ERROR_H_
