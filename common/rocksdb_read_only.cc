#include "common/rocksdb_read_only.h"

#include <sys/stat.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/rocksdb_status.h"

namespace datarun {

absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenLiveReadOnly(
    rocksdb::Options options, const std::string& path, absl::string_view what) {
  struct stat st;
  if (::stat((path + "/CURRENT").c_str(), &st) != 0) {
    return absl::NotFoundError(
        absl::StrCat("no ", what, " (RocksDB database) at ", path));
  }
  options.max_open_files = -1;
  rocksdb::Status opened;
  for (int attempt = 0; attempt < 20; ++attempt) {
    rocksdb::DB* raw = nullptr;
    opened = rocksdb::DB::OpenForReadOnly(options, path, &raw);
    if (opened.ok()) return std::unique_ptr<rocksdb::DB>(raw);
    const bool vanished =
        (opened.IsCorruption() || opened.IsIOError()) &&
        opened.ToString().find("No such file") != std::string::npos;
    if (!vanished) break;
    absl::SleepFor(absl::Milliseconds(10 * (attempt + 1)));
  }
  return FromRocksStatus(
      opened, absl::StrCat("cannot open ", what, " ", path, " read-only"));
}

}  // namespace datarun
