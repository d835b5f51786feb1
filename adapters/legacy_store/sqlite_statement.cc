#include "adapters/legacy_store/sqlite_statement.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "adapters/legacy_store/sqlite_error.h"
#include "common/status_macros.h"

namespace datarun {
namespace legacy {

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

absl::Status SqliteStatement::Bind(absl::Span<const SqlValue> params) {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  int expected = sqlite3_bind_parameter_count(stmt_);
  if (static_cast<int>(params.size()) != expected) {
    return absl::InvalidArgumentError(
        absl::StrCat("legacy store ", path_, ": statement expects ", expected,
                     " parameters, got ", params.size(), " (SQL: ", sql_, ")"));
  }
  for (int i = 0; i < expected; ++i) {
    const SqlValue& v = params[i];
    int rc = SQLITE_OK;
    switch (v.kind()) {
      case SqlValue::Kind::kNull:
        rc = sqlite3_bind_null(stmt_, i + 1);
        break;
      case SqlValue::Kind::kInt:
        rc = sqlite3_bind_int64(stmt_, i + 1, v.int_value());
        break;
      case SqlValue::Kind::kText:
        // SQLITE_STATIC: the caller keeps the text alive for the call.
        rc = sqlite3_bind_text64(stmt_, i + 1, v.text_value().data(),
                                 v.text_value().size(), SQLITE_STATIC,
                                 SQLITE_UTF8);
        break;
    }
    if (rc != SQLITE_OK) {
      return SqliteError(rc, db_, path_, absl::StrCat("bind parameter ", i + 1),
                         sql_);
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteStatement::Run(absl::Span<const SqlValue> params) {
  return Query(params, nullptr);
}

absl::Status SqliteStatement::Query(absl::Span<const SqlValue> params,
                                    const RowCallback& on_row) {
  RETURN_IF_ERROR(Bind(params));
  absl::Status result;
  while (true) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      result = SqliteError(rc, db_, path_, "execute", sql_);
      break;
    }
    if (on_row) {
      result = on_row(SqliteRow(stmt_));
      if (!result.ok()) break;
    }
  }
  // Release read locks and the bound text (which the caller owns) now.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return result;
}

}  // namespace legacy
}  // namespace datarun
