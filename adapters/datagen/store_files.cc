#include "adapters/datagen/store_files.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {
namespace {

using legacy::SqliteDb;

absl::Status RemoveIfExists(const std::string& path) {
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::InternalError(
        absl::StrCat("cannot remove ", path, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status RemoveDatabase(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    RETURN_IF_ERROR(RemoveIfExists(absl::StrCat(path, suffix)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Store> CreateStore(const std::string& dir, const char* name,
                                  absl::string_view schema) {
  Store s;
  s.path = absl::StrCat(dir, "/", name, ".db");
  s.temp_path = absl::StrCat(s.path, ".tmp");
  RETURN_IF_ERROR(RemoveDatabase(s.temp_path));
  ASSIGN_OR_RETURN(s.db, SqliteDb::Open(s.temp_path, SqliteDb::Mode::kCreate));
  // Bulk load into a temporary file that is renamed only when complete: no
  // journal, no fsync, and a page cache large enough for the indexes
  // (random identity numbers) to stay in memory.
  RETURN_IF_ERROR(s.db->Exec("PRAGMA journal_mode=OFF"));
  RETURN_IF_ERROR(s.db->Exec("PRAGMA synchronous=OFF"));
  RETURN_IF_ERROR(s.db->Exec("PRAGMA cache_size=-65536"));
  RETURN_IF_ERROR(s.db->Exec(schema));
  RETURN_IF_ERROR(s.db->Exec("BEGIN"));
  return s;
}

absl::Status CloseStore(Store* s) {
  RETURN_IF_ERROR(s->db->Exec("COMMIT"));
  RETURN_IF_ERROR(s->db->Exec("ANALYZE"));
  RETURN_IF_ERROR(s->db->Exec("PRAGMA journal_mode=DELETE"));
  s->db.reset();
  RETURN_IF_ERROR(RemoveDatabase(s->path));
  if (rename(s->temp_path.c_str(), s->path.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", s->temp_path,
                                            " to ", s->path, ": ",
                                            strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace datagen
}  // namespace datarun
