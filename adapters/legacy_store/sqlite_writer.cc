#include "adapters/legacy_store/sqlite_writer.h"

#include <utility>

#include "common/status_macros.h"

namespace datarun {
namespace legacy {

absl::StatusOr<std::unique_ptr<SqliteWriter>> SqliteWriter::Open(
    absl::string_view path, absl::Duration busy_timeout) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<SqliteDb> db,
      SqliteDb::Open(path, SqliteDb::Mode::kReadWrite, busy_timeout));
  return std::unique_ptr<SqliteWriter>(new SqliteWriter(std::move(db)));
}

absl::Status SqliteWriter::Write(
    const std::function<absl::Status(SqliteDb& db)>& body) {
  absl::MutexLock lock(&mu_);
  SqliteDb& db = *db_;
  return db.InTransaction([&] { return body(db); });
}

absl::Status SqliteWriter::WithConnection(
    const std::function<absl::Status(SqliteDb& db)>& body) {
  absl::MutexLock lock(&mu_);
  return body(*db_);
}

}  // namespace legacy
}  // namespace datarun
