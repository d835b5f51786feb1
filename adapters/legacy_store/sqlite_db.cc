#include "adapters/legacy_store/sqlite_db.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/legacy_store/sqlite_error.h"
#include "common/status_macros.h"

namespace datarun {
namespace legacy {

absl::StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(
    absl::string_view path, Mode mode, absl::Duration busy_timeout) {
  std::string p(path);
  if (p.empty()) {
    return absl::InvalidArgumentError("legacy store path is empty");
  }
  if (mode != Mode::kCreate) {
    struct stat st;
    if (stat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) {
        return absl::NotFoundError(
            absl::StrCat("legacy store ", p, " does not exist"));
      }
      return absl::UnavailableError(absl::StrCat(
          "legacy store ", p, " cannot be read: ", std::strerror(errno)));
    }
  }
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::kReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
    case Mode::kReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::kCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(p.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(rc, raw, p, "open", "");
    sqlite3_close_v2(raw);
    return status;
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(
      raw, static_cast<int>(absl::ToInt64Milliseconds(busy_timeout)));
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw, std::move(p)));
  // Reading the schema proves the file is a database (NOTADB -> DATA_LOSS).
  RETURN_IF_ERROR(db->Exec("SELECT count(*) FROM sqlite_master"));
  if (mode != Mode::kReadOnly) {
    RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  }
  return db;
}

SqliteDb::~SqliteDb() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

absl::Status SqliteDb::Exec(absl::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);  // sqlite3_errmsg still holds the message
  if (rc != SQLITE_OK) return SqliteError(rc, db_, path_, "exec", sql);
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<SqliteStatement>> SqliteDb::Prepare(
    absl::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return SqliteError(rc, db_, path_, "prepare", sql);
  if (stmt == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("legacy store ", path_, ": empty SQL statement"));
  }
  absl::string_view rest(tail, sql.data() + sql.size() - tail);
  if (rest.find_first_not_of(" \t\r\n;") != absl::string_view::npos) {
    sqlite3_finalize(stmt);
    return absl::InvalidArgumentError(absl::StrCat(
        "legacy store ", path_,
        ": only one SQL statement may be prepared at a time (SQL: ", sql, ")"));
  }
  return std::unique_ptr<SqliteStatement>(
      new SqliteStatement(db_, stmt, path_, std::string(sql)));
}

absl::Status SqliteDb::WithStatement(
    absl::string_view sql,
    const std::function<absl::Status(SqliteStatement&)>& fn) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteStatement> statement, Prepare(sql));
    it = cache_.emplace(std::string(sql), CachedStatement{std::move(statement)})
             .first;
  }
  if (it->second.in_use) {
    // The same SQL is already running further up the stack (a nested query
    // from a row callback): use a one-off statement.
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteStatement> statement, Prepare(sql));
    return fn(*statement);
  }
  // Pointers into a flat_hash_map move on rehash; keep the statement pointer.
  SqliteStatement* statement = it->second.statement.get();
  it->second.in_use = true;
  absl::Status status = fn(*statement);
  auto again = cache_.find(sql);
  if (again != cache_.end()) again->second.in_use = false;
  return status;
}

absl::Status SqliteDb::Execute(absl::string_view sql,
                               absl::Span<const SqlValue> params) {
  return WithStatement(
      sql, [&](SqliteStatement& statement) { return statement.Run(params); });
}

absl::Status SqliteDb::Query(absl::string_view sql,
                             absl::Span<const SqlValue> params,
                             const RowCallback& on_row) {
  return WithStatement(sql, [&](SqliteStatement& statement) {
    return statement.Query(params, on_row);
  });
}

absl::Status SqliteDb::InTransaction(
    const std::function<absl::Status()>& body) {
  RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  absl::Status status = body();
  if (status.ok()) {
    status = Exec("COMMIT");
    if (status.ok()) return status;
  }
  // Best effort: if COMMIT or the body already ended the transaction,
  // ROLLBACK fails harmlessly; the body's error is what the caller needs.
  if (!sqlite3_get_autocommit(db_)) {
    Exec("ROLLBACK").IgnoreError();
  }
  return status;
}

absl::StatusOr<bool> SqliteDb::HasTable(absl::string_view name) {
  bool found = false;
  RETURN_IF_ERROR(
      Query("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND "
            "name = ?",
            {name}, [&](const SqliteRow&) {
              found = true;
              return absl::OkStatus();
            }));
  return found;
}

int64_t SqliteDb::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

}  // namespace legacy
}  // namespace datarun
