#include "adapters/legacy_store/sqlite_pool.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace datarun {
namespace legacy {

SqlitePool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(db_);
}

absl::StatusOr<std::unique_ptr<SqlitePool>> SqlitePool::Open(
    absl::string_view path, SqliteDb::Mode mode, int size) {
  if (size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("legacy store ", path,
                     ": connection pool size must be >= 1, got ", size));
  }
  std::unique_ptr<SqlitePool> pool(new SqlitePool(std::string(path)));
  for (int i = 0; i < size; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path, mode));
    pool->all_.push_back(std::move(db));
  }
  absl::MutexLock lock(&pool->mu_);
  for (auto& db : pool->all_) pool->free_.push_back(db.get());
  return pool;
}

SqlitePool::Lease SqlitePool::Acquire() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](std::vector<SqliteDb*>* free) { return !free->empty(); }, &free_));
  SqliteDb* db = free_.back();
  free_.pop_back();
  return Lease(this, db);
}

void SqlitePool::Release(SqliteDb* db) {
  absl::MutexLock lock(&mu_);
  free_.push_back(db);
}

}  // namespace legacy
}  // namespace datarun
