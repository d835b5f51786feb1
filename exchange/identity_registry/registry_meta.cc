#include "exchange/identity_registry/registry_meta.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/optional.h"
#include "common/rocksdb_status.h"
#include "exchange/identity_registry/registry_keys.h"
#include "rocksdb/iterator.h"
#include "rocksdb/write_batch.h"

namespace datarun::identity {
namespace {

// Returns the key-check value: the 32-byte hash of kKeyCheckInput.
std::string KeyCheck(const audit::SubjectHasher& hasher) {
  return std::string(
      HashBytes(*SubjectHashFromHex(hasher.Hash(kKeyCheckInput))));
}

bool IsEmpty(rocksdb::DB* db) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  return !it->Valid();
}

}  // namespace

std::string EncodeSharedKinds(const SharedKinds& kinds) {
  std::vector<std::string> sorted(kinds.begin(), kinds.end());
  std::sort(sorted.begin(), sorted.end());
  return absl::StrJoin(sorted, "\n");
}

SharedKinds DecodeSharedKinds(absl::string_view stored) {
  SharedKinds kinds;
  for (absl::string_view line :
       absl::StrSplit(stored, '\n', absl::SkipEmpty())) {
    kinds.insert(std::string(line));
  }
  return kinds;
}

absl::StatusOr<RegistryMeta> InitOrCheckMeta(rocksdb::DB* db,
                                             absl::string_view path,
                                             const audit::SubjectHasher& hasher,
                                             const SharedKinds& shared) {
  RegistryMeta meta;
  std::string format;
  rocksdb::Status read =
      db->Get(rocksdb::ReadOptions(), ToSlice(kFormatKey), &format);
  if (read.IsNotFound()) {
    if (!IsEmpty(db)) {
      return absl::FailedPreconditionError(absl::StrCat(
          path, " is not a datarun identity registry (it has no ", kFormatKey,
          " key); point identity_dir at an empty or registry "
          "directory"));
    }
    rocksdb::WriteBatch batch;
    batch.Put(ToSlice(kFormatKey), ToSlice(kFormatVersion));
    batch.Put(ToSlice(kKeyCheckKey), KeyCheck(hasher));
    batch.Put(ToSlice(kNextSequenceKey), EncodeUint64(meta.next_sequence));
    meta.shared_kinds = EncodeSharedKinds(shared);
    batch.Put(ToSlice(kSharedKindsKey), meta.shared_kinds);
    rocksdb::WriteOptions write;
    write.sync = true;
    absl::Status status =
        FromRocksStatus(db->Write(write, &batch),
                        absl::StrCat("initialising identity registry ", path));
    if (!status.ok()) return status;
    return meta;
  }
  if (!read.ok()) {
    return FromRocksStatus(read,
                           absl::StrCat("reading ", kFormatKey, " of ", path));
  }
  if (format != kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "identity registry ", path, " has format version \"", format,
        "\"; this build reads version ", kFormatVersion,
        " only (use the datarun release that wrote it, or a newer one)"));
  }
  std::string key_check;
  read = db->Get(rocksdb::ReadOptions(), ToSlice(kKeyCheckKey), &key_check);
  if (!read.ok() && !read.IsNotFound()) {
    return FromRocksStatus(read, absl::StrCat("reading ", kKeyCheckKey));
  }
  if (key_check != KeyCheck(hasher)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "identity registry ", path,
        " was written with another subject hash key (the exchange's "
        "audit_key_file); subjects would not be found: restore the original "
        "key file"));
  }
  std::string sequence;
  read = db->Get(rocksdb::ReadOptions(), ToSlice(kNextSequenceKey), &sequence);
  if (!read.ok() && !read.IsNotFound()) {
    return FromRocksStatus(read, absl::StrCat("reading ", kNextSequenceKey));
  }
  absl::optional<uint64_t> next = DecodeUint64(sequence);
  if (!next.has_value() || *next == 0) {
    return absl::DataLossError(
        absl::StrCat("identity registry ", path, ": ", kNextSequenceKey,
                     " is missing or not an 8-byte number"));
  }
  meta.next_sequence = *next;
  read = db->Get(rocksdb::ReadOptions(), ToSlice(kSharedKindsKey),
                 &meta.shared_kinds);
  if (!read.ok() && !read.IsNotFound()) {
    return FromRocksStatus(read, absl::StrCat("reading ", kSharedKindsKey));
  }
  return meta;
}

}  // namespace datarun::identity
