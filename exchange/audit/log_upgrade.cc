#include "exchange/audit/log_upgrade.h"

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "datarun/v1/audit.pb.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/stored_checkpoint.h"
#include "exchange/merkle/compact_range.h"
#include "rocksdb/iterator.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

// Entries per intermediate (unsynced) write.
constexpr uint64_t kChunk = 10000;

absl::Status Lost(const std::string& path, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat(
      "audit log ", path, " (upgrading from version 1): ", problem));
}

}  // namespace

absl::Status UpgradeFromVersion1(rocksdb::DB* db,
                                 const checkpoint::NoteSigner& signer,
                                 const std::string& path) {
  std::string next_bytes;
  rocksdb::Status s =
      db->Get(rocksdb::ReadOptions(), std::string(kNextIndexKey), &next_bytes);
  if (s.IsNotFound()) return Lost(path, "the next-index record is missing");
  RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("audit log ", path)));
  absl::optional<uint64_t> size = DecodeUint64(next_bytes);
  if (!size.has_value())
    return Lost(path, "the next-index record is malformed");

  std::string upper(kEntryKeyPrefix);
  upper.back() += 1;
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options));
  merkle::CompactRange range;
  std::vector<merkle::Hash> stored;
  uint64_t hash_index = 0;
  rocksdb::WriteBatch batch;
  it->Seek(std::string(kEntryKeyPrefix));
  for (uint64_t index = 0; index < *size; ++index, it->Next()) {
    if (!it->Valid() || it->key() != EntryKey(index)) {
      RETURN_IF_ERROR(
          FromRocksStatus(it->status(), absl::StrCat("audit log ", path)));
      return Lost(path, absl::StrCat("entry ", index, " is missing"));
    }
    absl::string_view bytes(it->value().data(), it->value().size());
    v1::AuditEntry entry;
    if (!entry.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return Lost(path, absl::StrCat("entry ", index, " cannot be parsed"));
    }
    stored.clear();
    range.Append(merkle::HashLeaf(bytes), &stored);
    for (const merkle::Hash& hash : stored) {
      batch.Put(HashKey(hash_index++),
                rocksdb::Slice(reinterpret_cast<const char*>(hash.data()),
                               hash.size()));
    }
    const std::string time =
        EncodeUint64(static_cast<uint64_t>(entry.time_micros()));
    for (const std::string& prefix : IndexKeyPrefixes(entry)) {
      batch.Put(prefix + EncodeUint64(index), time);
    }
    if ((index + 1) % kChunk == 0) {
      RETURN_IF_ERROR(
          FromRocksStatus(db->Write(rocksdb::WriteOptions(), &batch),
                          absl::StrCat("upgrade audit log ", path)));
      batch.Clear();
    }
  }
  if (it->Valid()) {
    return Lost(path,
                absl::StrCat("entry key ", PrintableKey(it->key().ToString()),
                             " is beyond the next index ", *size));
  }
  RETURN_IF_ERROR(
      FromRocksStatus(it->status(), absl::StrCat("audit log ", path)));
  ASSIGN_OR_RETURN(SignedCheckpoint latest,
                   SignCheckpoint(signer, *size, range.Root(), absl::Now()));
  batch.Put(std::string(kVerifierKeyKey), signer.VerifierKey());
  batch.Put(std::string(kLatestCheckpointKey), EncodeStoredCheckpoint(latest));
  batch.Put(std::string(kFormatKey), std::string(kFormatVersion));
  rocksdb::WriteOptions sync;
  sync.sync = true;  // also makes the unsynced chunks before it durable
  RETURN_IF_ERROR(FromRocksStatus(db->Write(sync, &batch),
                                  absl::StrCat("upgrade audit log ", path)));
  LogLine("audit_log_upgraded")
      .Str("path", path)
      .Str("from", "1")
      .Str("to", std::string(kFormatVersion))
      .Int("entries", static_cast<int64_t>(*size))
      .Str("root", merkle::HashToHex(range.Root()));
  return absl::OkStatus();
}

}  // namespace datarun::audit
