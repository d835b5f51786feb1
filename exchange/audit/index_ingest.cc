#include "exchange/audit/index_ingest.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "rocksdb/sst_file_writer.h"

namespace datarun::audit {

std::string IngestDir(const std::string& path) { return path + "/ingest"; }

absl::Status IngestIndexGroup(rocksdb::DB* db, const rocksdb::Options& options,
                              const std::string& path,
                              const IndexBacklog::Group& group) {
  RETURN_IF_ERROR(MakeDirs(IngestDir(path)));
  const std::string file = absl::StrCat(IngestDir(path), "/index-", group.begin,
                                        "-", group.end, ".sst");
  const std::string what =
      absl::StrCat("audit log ", path, ": index file ", file);
  // Uncompressed, like flushes (the last level compresses).
  rocksdb::Options file_options = options;
  file_options.compression = rocksdb::kNoCompression;
  file_options.bottommost_compression = rocksdb::kNoCompression;
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), file_options);
  RETURN_IF_ERROR(FromRocksStatus(writer.Open(file), what));
  for (const auto& [key, value] : IndexBlocks(group)) {
    RETURN_IF_ERROR(FromRocksStatus(writer.Put(key, value), what));
  }
  RETURN_IF_ERROR(FromRocksStatus(
      writer.Put(std::string(kIndexedKey), EncodeUint64(group.end)), what));
  RETURN_IF_ERROR(FromRocksStatus(writer.Finish(), what));
  rocksdb::IngestExternalFileOptions ingest;
  ingest.move_files = true;
  absl::Status status =
      FromRocksStatus(db->IngestExternalFile({file}, ingest), what);
  std::error_code ignored;
  std::filesystem::remove(file, ignored);  // the database has its own link
  return status;
}

absl::Status CleanIngestDir(const std::string& path) {
  std::error_code error;
  std::filesystem::remove_all(IngestDir(path), error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("cannot clean ", IngestDir(path), ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace datarun::audit
