// One connection to a department's legacy SQLite store.
//
//   ASSIGN_OR_RETURN(auto db, SqliteDb::Open("land.db",
//   SqliteDb::Mode::kReadOnly)); RETURN_IF_ERROR(db->Query(
//       "SELECT QZH, BDCDYH FROM BDC_QZ WHERE QZID = ?", {qzid},
//       [&](const SqliteRow& row) { ...; return absl::OkStatus(); }));
//
// Every statement is prepared and its values bound; Query and Execute keep
// the statements they prepare in a per-connection cache keyed by SQL text,
// so repeated calls do not re-parse. Writers (kReadWrite, kCreate) use WAL
// journaling; every connection has a busy timeout (default 5 s) so that a
// reader waits for a writer's lock instead of failing at once.
//
// Errors name the database file and the SQL (see sqlite_error.h for the
// code mapping: UNAVAILABLE when the store is locked or unreadable,
// DATA_LOSS when it is corrupt, INTERNAL for bad SQL).
//
// Thread-safety: a SqliteDb is thread-COMPATIBLE, not thread-safe. Use one
// connection per thread at a time; share a store between threads through a
// SqlitePool, which hands each thread its own connection.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_DB_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_DB_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "adapters/legacy_store/sql_value.h"
#include "adapters/legacy_store/sqlite_row.h"
#include "adapters/legacy_store/sqlite_statement.h"

struct sqlite3;

namespace datarun {
namespace legacy {

class SqliteDb {
 public:
  enum class Mode {
    // Reads only; the file must exist.
    kReadOnly,
    // Reads and writes; the file must exist. WAL journaling.
    kReadWrite,
    // Reads and writes; the file is created when missing. WAL journaling.
    kCreate,
  };

  // Opens the database at `path`.
  // Errors: NOT_FOUND when the file does not exist (kReadOnly, kReadWrite);
  // DATA_LOSS when it is not a SQLite database; UNAVAILABLE when it cannot
  // be opened or is locked past the busy timeout. Messages name the path.
  static absl::StatusOr<std::unique_ptr<SqliteDb>> Open(
      absl::string_view path, Mode mode,
      absl::Duration busy_timeout = absl::Seconds(5));

  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  // Finalizes cached statements and closes the connection. Statements from
  // Prepare must already be destroyed.
  ~SqliteDb();

  // Runs `sql`, which may hold several ';'-separated statements and takes no
  // parameters: schema scripts and PRAGMAs only. Never pass text built from
  // data here.
  absl::Status Exec(absl::string_view sql);

  // Prepares one statement for repeated use by the caller (bulk loading).
  // INTERNAL naming file and SQL when it does not compile (e.g. unknown
  // table). The statement must be destroyed before this connection.
  absl::StatusOr<std::unique_ptr<SqliteStatement>> Prepare(
      absl::string_view sql);

  // Runs one statement with `params` bound, ignoring result rows (INSERT,
  // UPDATE, DELETE). The prepared statement is cached. Errors as
  // SqliteStatement::Run.
  absl::Status Execute(absl::string_view sql,
                       absl::Span<const SqlValue> params = {});

  // Runs one SELECT with `params` bound and calls `on_row` for each row.
  // The prepared statement is cached; a callback may run other queries on
  // this connection, including the same SQL (which then gets a fresh
  // statement). Errors as SqliteStatement::Query.
  absl::Status Query(absl::string_view sql, absl::Span<const SqlValue> params,
                     const RowCallback& on_row);

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT. When `body` returns an
  // error, or COMMIT fails, the transaction is rolled back and that error
  // returned. Not reentrant.
  absl::Status InTransaction(const std::function<absl::Status()>& body);

  // Returns whether a table (or view) named `name` exists.
  absl::StatusOr<bool> HasTable(absl::string_view name);

  // Rowid of the last successful INSERT on this connection.
  int64_t last_insert_rowid() const;

  // The path the database was opened with.
  const std::string& path() const { return path_; }

 private:
  struct CachedStatement {
    std::unique_ptr<SqliteStatement> statement;
    bool in_use = false;
  };

  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

  // Runs `fn` with a cached statement for `sql` (or a fresh one when the
  // cached one is busy further up the stack).
  absl::Status WithStatement(
      absl::string_view sql,
      const std::function<absl::Status(SqliteStatement&)>& fn);

  sqlite3* db_;  // owned
  std::string path_;
  absl::flat_hash_map<std::string, CachedStatement> cache_;
};

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_DB_H_
