// The department stores the generator writes: each is created under a
// temporary name with the department's schema, bulk-loaded inside one open
// transaction, and moved into place only when complete, so an adapter
// never sees a half-written store.
#ifndef DATARUN_ADAPTERS_DATAGEN_STORE_FILES_H_
#define DATARUN_ADAPTERS_DATAGEN_STORE_FILES_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/legacy_store/sqlite_db.h"

namespace datarun {
namespace datagen {

// One department store being written under a temporary name.
struct Store {
  std::string path;       // <dir>/<name>.db
  std::string temp_path;  // <path>.tmp
  std::unique_ptr<legacy::SqliteDb> db;
};

// Creates <dir>/<name>.db.tmp (replacing a leftover one) with `schema`,
// tuned for bulk loading (no journal, no fsync, a large page cache), and
// begins a transaction. Errors: the store's, naming the file.
absl::StatusOr<Store> CreateStore(const std::string& dir, const char* name,
                                  absl::string_view schema);

// Commits, analyses, makes the file self-contained (no WAL) and renames it
// to its final path, replacing an existing store. INTERNAL naming the files
// when it cannot be removed or renamed.
absl::Status CloseStore(Store* store);

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_STORE_FILES_H_
