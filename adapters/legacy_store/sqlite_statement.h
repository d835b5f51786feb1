// A prepared SQLite statement with bound parameters.
//
//   ASSIGN_OR_RETURN(auto insert, db->Prepare(
//       "INSERT INTO HJ_RY (RYID, XM, GMSFHM) VALUES (?, ?, ?)"));
//   for (const Person& p : people) {
//     RETURN_IF_ERROR(insert->Run({p.ryid, p.name, p.id_number}));
//   }
//
// Parameters are always bound (sqlite3_bind_*), never spliced into SQL, so a
// value can never change the meaning of a statement.
//
// Owned by the caller; must be destroyed before the SqliteDb it came from.
// Thread-compatible: one statement is used by one thread at a time, and only
// while its SqliteDb is used by that thread.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_STATEMENT_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_STATEMENT_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "adapters/legacy_store/sql_value.h"
#include "adapters/legacy_store/sqlite_row.h"

struct sqlite3;
struct sqlite3_stmt;

namespace datarun {
namespace legacy {

// Called once per result row; a non-OK status stops the query and is
// returned by it unchanged.
using RowCallback = std::function<absl::Status(const SqliteRow& row)>;

class SqliteStatement {
 public:
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  // Finalizes the statement.
  ~SqliteStatement();

  // Runs the statement with `params` bound to its '?' placeholders in order
  // and steps it to completion, ignoring any result rows (INSERT, UPDATE,
  // DELETE). INVALID_ARGUMENT when the number of parameters differs from the
  // number of placeholders; other errors as SqliteError (e.g.
  // ALREADY_EXISTS for a duplicate primary key), naming file and SQL.
  absl::Status Run(absl::Span<const SqlValue> params = {});

  // Binds `params`, then calls `on_row` for each result row. Errors as Run,
  // or the first non-OK status returned by `on_row`.
  absl::Status Query(absl::Span<const SqlValue> params,
                     const RowCallback& on_row);

  // The SQL text the statement was prepared from.
  const std::string& sql() const { return sql_; }

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt, std::string path,
                  std::string sql)
      : db_(db), stmt_(stmt), path_(std::move(path)), sql_(std::move(sql)) {}

  // Resets the statement and binds `params`.
  absl::Status Bind(absl::Span<const SqlValue> params);

  sqlite3* db_;         // not owned
  sqlite3_stmt* stmt_;  // owned
  std::string path_;
  std::string sql_;
};

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_STATEMENT_H_
