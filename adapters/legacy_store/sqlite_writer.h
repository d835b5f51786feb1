// The single writer connection to a department's legacy SQLite store, for
// the case steps that write (issuing a certificate, registering a
// transfer). Reads stay on the SqlitePool; writes go through here, one at a
// time, each in its own BEGIN IMMEDIATE transaction.
//
//   ASSIGN_OR_RETURN(auto writer, SqliteWriter::Open("land.db"));
//   RETURN_IF_ERROR(writer->Write([&](SqliteDb& db) -> absl::Status {
//     RETURN_IF_ERROR(db.Execute("INSERT ...", {...}));
//     return db.Execute("UPDATE ...", {...});
//   }));
//
// The connection is opened kReadWrite (WAL journaling) with a busy timeout,
// so that a writer waits for other processes' locks instead of failing.
// Thread-safe: writes are serialized by a mutex.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_WRITER_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_WRITER_H_

#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "adapters/legacy_store/sqlite_db.h"

namespace datarun {
namespace legacy {

class SqliteWriter {
 public:
  // Opens the existing store at `path` for writing. Errors as
  // SqliteDb::Open (NOT_FOUND, DATA_LOSS, UNAVAILABLE; PERMISSION_DENIED
  // when the file is read-only surfaces on the first write).
  static absl::StatusOr<std::unique_ptr<SqliteWriter>> Open(
      absl::string_view path, absl::Duration busy_timeout = absl::Seconds(5));

  // Runs `body` on the writer connection inside one transaction (committed
  // when `body` returns OK, rolled back otherwise), holding the writer's
  // lock. Returns `body`'s error, or the commit's. `body` must not call
  // Write again (not reentrant) and must not keep the connection.
  absl::Status Write(const std::function<absl::Status(SqliteDb& db)>& body);

  // Runs `body` on the writer connection outside a transaction, holding the
  // lock (schema upgrades at start-up: CREATE TABLE IF NOT EXISTS ...).
  absl::Status WithConnection(
      const std::function<absl::Status(SqliteDb& db)>& body);

 private:
  explicit SqliteWriter(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}

  absl::Mutex mu_;
  std::unique_ptr<SqliteDb> db_ ABSL_GUARDED_BY(mu_);
};

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_WRITER_H_
