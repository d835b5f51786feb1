// Read-only opening of a RocksDB database that another process may be
// writing (an offline checker run against a live exchange).
#ifndef DATARUN_COMMON_ROCKSDB_READ_ONLY_H_
#define DATARUN_COMMON_ROCKSDB_READ_ONLY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace datarun {

// Opens the database at `path` with rocksdb::DB::OpenForReadOnly and
// `options` (max_open_files is forced to -1 so that every table file is held
// open once the open succeeds: later deletions by the writer do not matter).
//
// A live writer keeps flushing, ingesting and compacting, so a table file
// the MANIFEST names can be deleted while the open reads it; such an open is
// retried (up to 20 times, with a short growing pause) on the newer
// MANIFEST. Returns NOT_FOUND when `path` holds no database (no CURRENT
// file), otherwise the error of the last attempt as FromRocksStatus maps it,
// prefixed with "cannot open <what> <path> read-only". Thread-safe.
absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenLiveReadOnly(
    rocksdb::Options options, const std::string& path, absl::string_view what);

}  // namespace datarun

#endif  // DATARUN_COMMON_ROCKSDB_READ_ONLY_H_
