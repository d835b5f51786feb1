// Read access to the current result row of a SQLite statement.
//
// A SqliteRow is a view: it is valid only inside the row callback (or until
// the next Step of the statement it came from). Copy what you keep.
// Column indexes are 0-based, in SELECT order. Thread-compatible.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_ROW_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_ROW_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

struct sqlite3_stmt;

namespace datarun {
namespace legacy {

class SqliteRow {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}

  // Number of result columns.
  int column_count() const;
  // Name of column `col` as written in the SELECT (alias if any).
  absl::string_view column_name(int col) const;

  // True when column `col` is SQL NULL.
  bool IsNull(int col) const;
  // The column as an integer (SQLite's conversion rules; NULL reads as 0).
  int64_t Int(int col) const;
  // The column as UTF-8 text (NULL reads as ""). The view dies with the row.
  absl::string_view Text(int col) const;
  // absl::nullopt for NULL, otherwise the text copied.
  absl::optional<std::string> OptText(int col) const;
  // absl::nullopt for NULL, otherwise the integer.
  absl::optional<int64_t> OptInt(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_ROW_H_
