#include "adapters/legacy_store/sqlite_row.h"

#include <sqlite3.h>

namespace datarun {
namespace legacy {

int SqliteRow::column_count() const { return sqlite3_column_count(stmt_); }

absl::string_view SqliteRow::column_name(int col) const {
  const char* name = sqlite3_column_name(stmt_, col);
  return name == nullptr ? absl::string_view() : absl::string_view(name);
}

bool SqliteRow::IsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

int64_t SqliteRow::Int(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

absl::string_view SqliteRow::Text(int col) const {
  // sqlite3_column_text must be called before sqlite3_column_bytes.
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return absl::string_view();
  int size = sqlite3_column_bytes(stmt_, col);
  return absl::string_view(reinterpret_cast<const char*>(text),
                           static_cast<size_t>(size));
}

absl::optional<std::string> SqliteRow::OptText(int col) const {
  if (IsNull(col)) return absl::nullopt;
  return std::string(Text(col));
}

absl::optional<int64_t> SqliteRow::OptInt(int col) const {
  if (IsNull(col)) return absl::nullopt;
  return Int(col);
}

}  // namespace legacy
}  // namespace datarun
