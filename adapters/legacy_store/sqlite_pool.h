// A fixed set of connections to one SQLite store, shared by threads.
//
//   ASSIGN_OR_RETURN(auto pool, SqlitePool::Open("land.db",
//                                                SqliteDb::Mode::kReadOnly,
//                                                4));
//   SqlitePool::Lease db = pool->Acquire();   // blocks until one is free
//   RETURN_IF_ERROR(db->Query(...));
//   // the connection returns to the pool when `db` is destroyed
//
// This is how department adapters, whose Fetch runs concurrently on SDK
// worker threads, read their store: each call borrows its own connection,
// so no connection is ever used by two threads at once.
//
// Thread-safe. The pool must outlive every Lease.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_POOL_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_POOL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "adapters/legacy_store/sqlite_db.h"

namespace datarun {
namespace legacy {

class SqlitePool {
 public:
  // A borrowed connection; returns it to the pool on destruction. Movable.
  class Lease {
   public:
    Lease(Lease&& other) noexcept : pool_(other.pool_), db_(other.db_) {
      other.pool_ = nullptr;
      other.db_ = nullptr;
    }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();
    SqliteDb* operator->() const { return db_; }
    SqliteDb& operator*() const { return *db_; }

   private:
    friend class SqlitePool;
    Lease(SqlitePool* pool, SqliteDb* db) : pool_(pool), db_(db) {}
    SqlitePool* pool_;
    SqliteDb* db_;
  };

  // Opens `size` (>= 1) connections to `path` in `mode` at once, so that a
  // missing or unreadable store is reported at start-up. Errors as
  // SqliteDb::Open; INVALID_ARGUMENT when size < 1.
  static absl::StatusOr<std::unique_ptr<SqlitePool>> Open(
      absl::string_view path, SqliteDb::Mode mode, int size);

  // Returns a free connection, waiting until one is returned if all are
  // borrowed.
  Lease Acquire();

  const std::string& path() const { return path_; }

 private:
  explicit SqlitePool(std::string path) : path_(std::move(path)) {}
  void Release(SqliteDb* db);

  const std::string path_;
  std::vector<std::unique_ptr<SqliteDb>> all_;  // set once in Open
  absl::Mutex mu_;
  std::vector<SqliteDb*> free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_SQLITE_POOL_H_
