#include "exchange/audit/log_recovery.h"

#include <limits>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/log_upgrade.h"
#include "exchange/merkle/tree.h"
#include "rocksdb/iterator.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

// Returns the value of `key`, or nullopt when it is not stored.
absl::StatusOr<absl::optional<std::string>> GetOptional(
    rocksdb::DB* db, absl::string_view key, const std::string& path) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), std::string(key), &value);
  if (s.IsNotFound()) return absl::optional<std::string>();
  RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("audit log ", path)));
  return absl::optional<std::string>(std::move(value));
}

// Returns the last key starting with `prefix` (an 8-byte number follows),
// or nullopt when there is none.
absl::StatusOr<absl::optional<std::string>> LastKey(rocksdb::DB* db,
                                                    absl::string_view prefix,
                                                    const std::string& path) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  it->SeekForPrev(absl::StrCat(prefix, EncodeUint64(~uint64_t{0})));
  absl::optional<std::string> key;
  if (it->Valid() &&
      it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()))) {
    key = it->key().ToString();
  }
  RETURN_IF_ERROR(
      FromRocksStatus(it->status(), absl::StrCat("audit log ", path)));
  return key;
}

absl::StatusOr<bool> IsEmpty(rocksdb::DB* db, const std::string& path) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  bool empty = !it->Valid();
  RETURN_IF_ERROR(
      FromRocksStatus(it->status(), absl::StrCat("audit log ", path)));
  return empty;
}

absl::StatusOr<RecoveredLog> Initialise(rocksdb::DB* db,
                                        const checkpoint::NoteSigner& signer,
                                        const std::string& path) {
  RecoveredLog log;
  ASSIGN_OR_RETURN(log.latest,
                   SignCheckpoint(signer, 0, merkle::EmptyRoot(), absl::Now()));
  rocksdb::WriteBatch batch;
  batch.Put(std::string(kFormatKey), std::string(kFormatVersion));
  batch.Put(std::string(kNextIndexKey), EncodeUint64(0));
  batch.Put(std::string(kVerifierKeyKey), signer.VerifierKey());
  batch.Put(std::string(kLatestCheckpointKey),
            EncodeStoredCheckpoint(log.latest));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  RETURN_IF_ERROR(
      FromRocksStatus(db->Write(sync, &batch),
                      absl::StrCat("cannot initialise audit log ", path)));
  return log;
}

// Checks that the log was signed with `signer`'s key.
absl::Status CheckKey(rocksdb::DB* db, const checkpoint::NoteSigner& signer,
                      const std::string& path) {
  ASSIGN_OR_RETURN(absl::optional<std::string> stored_key,
                   GetOptional(db, kVerifierKeyKey, path));
  if (!stored_key.has_value()) {
    return absl::DataLossError(
        absl::StrCat("audit log ", path, ": ", kVerifierKeyKey, " is missing"));
  }
  if (*stored_key != signer.VerifierKey()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "audit log ", path, " was signed with verifier key ", *stored_key,
        " but the signing key file holds ", signer.VerifierKey(),
        ": restore the original signing key file (or check the origin)"));
  }
  return absl::OkStatus();
}

// Checks (upgrading a version 1 or 2 log first) the layout and the key.
absl::Status CheckFormat(rocksdb::DB* db, const checkpoint::NoteSigner& signer,
                         const std::string& path) {
  ASSIGN_OR_RETURN(absl::optional<std::string> format,
                   GetOptional(db, kFormatKey, path));
  if (!format.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "audit log ", path,
        " is not empty but has no layout version record: it is not a datarun "
        "audit log"));
  }
  if (*format == "2") RETURN_IF_ERROR(CheckKey(db, signer, path));
  if (*format == "1" || *format == "2") {
    RETURN_IF_ERROR(UpgradeLayout(db, signer, *format, path));
    format = std::string(kFormatVersion);
  }
  if (*format != kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit log ", path, " has layout version '", *format,
                     "'; this build reads version ", kFormatVersion,
                     " (and upgrades versions 1 and 2)"));
  }
  return CheckKey(db, signer, path);
}

// Reads the next index and checks it against the last entry and hash tile;
// sets *hash_tail to the hashes of the last tile unless it is full.
absl::StatusOr<uint64_t> ReadSize(rocksdb::DB* db, const std::string& path,
                                  std::string* hash_tail) {
  ASSIGN_OR_RETURN(absl::optional<std::string> next_bytes,
                   GetOptional(db, kNextIndexKey, path));
  absl::optional<uint64_t> next;
  if (next_bytes.has_value()) next = DecodeUint64(*next_bytes);
  if (!next.has_value()) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", path, ": the next-index record is missing or malformed"));
  }
  ASSIGN_OR_RETURN(absl::optional<std::string> last_entry,
                   LastKey(db, kEntryKeyPrefix, path));
  absl::optional<uint64_t> last;
  if (last_entry.has_value()) {
    last = ParseEntryKey(*last_entry);
    if (!last.has_value()) {
      return absl::DataLossError(absl::StrCat("audit log ", path,
                                              ": malformed entry key ",
                                              PrintableKey(*last_entry)));
    }
  }
  uint64_t expected = last.has_value() ? *last + 1 : 0;
  if (*next != expected) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", path, ": stored next index is ", *next, " but ",
        last.has_value() ? absl::StrCat("the last entry is ", *last)
                         : std::string("there are no entries")));
  }
  ASSIGN_OR_RETURN(absl::optional<std::string> last_tile_key,
                   LastKey(db, kHashTileKeyPrefix, path));
  const uint64_t hashes = merkle::StoredHashCount(*next);
  absl::optional<uint64_t> last_tile;
  if (last_tile_key.has_value()) last_tile = ParseHashTileKey(*last_tile_key);
  std::string tail;
  if (last_tile.has_value()) {
    ASSIGN_OR_RETURN(absl::optional<std::string> value,
                     GetOptional(db, *last_tile_key, path));
    if (value.has_value()) tail = *std::move(value);
  }
  const bool tiles_ok =
      hashes == 0
          ? !last_tile_key.has_value()
          : last_tile == absl::optional<uint64_t>(HashTileOf(hashes - 1)) &&
                tail.size() == HashTileSize(*last_tile, hashes);
  if (!tiles_ok) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", path, ": a tree of ", *next, " entries has ", hashes,
        " stored hashes, but the last hash tile is ",
        last_tile_key.has_value()
            ? absl::StrCat(PrintableKey(*last_tile_key), " with ",
                           tail.size() / merkle::kHashSize, " hashes")
            : std::string("absent")));
  }
  if (tail.size() == kHashesPerTile * merkle::kHashSize) tail.clear();
  *hash_tail = std::move(tail);
  return *next;
}

}  // namespace

absl::StatusOr<RecoveredLog> RecoverLog(rocksdb::DB* db,
                                        const checkpoint::NoteSigner& signer,
                                        LogReader& reader) {
  const std::string& path = reader.path();
  ASSIGN_OR_RETURN(bool empty, IsEmpty(db, path));
  if (empty) return Initialise(db, signer, path);
  RETURN_IF_ERROR(CheckFormat(db, signer, path));
  std::string hash_tail;
  ASSIGN_OR_RETURN(uint64_t size, ReadSize(db, path, &hash_tail));

  absl::StatusOr<merkle::CompactRange> range =
      merkle::CompactRange::FromStorage(size, reader);
  if (!range.ok()) {
    return absl::DataLossError(
        absl::StrCat("audit log ", path, ": ", range.status().message()));
  }
  if (size > 0) {
    ASSIGN_OR_RETURN(absl::optional<std::string> bytes,
                     GetOptional(db, EntryKey(size - 1), path));
    if (!bytes.has_value()) {
      return absl::DataLossError(absl::StrCat("audit log ", path, ": entry ",
                                              size - 1, " is missing"));
    }
    ASSIGN_OR_RETURN(std::vector<merkle::Hash> leaf,
                     reader.ReadHashes({merkle::StoredHashIndex(0, size - 1)}));
    if (merkle::HashLeaf(*bytes) != leaf[0]) {
      return absl::DataLossError(
          absl::StrCat("audit log ", path, ": entry ", size - 1,
                       ": stored leaf hash does not match the entry"));
    }
  }

  RecoveredLog log;
  log.range = *std::move(range);
  log.hash_tail = std::move(hash_tail);
  ASSIGN_OR_RETURN(log.latest, reader.ReadLatestCheckpoint());
  merkle::Hash root = log.range.Root();
  if (log.latest.checkpoint.size != size ||
      log.latest.checkpoint.root != root) {
    return absl::DataLossError(
        absl::StrCat("audit log ", path, ": the latest checkpoint (size ",
                     log.latest.checkpoint.size, ", root ",
                     merkle::HashToHex(log.latest.checkpoint.root),
                     ") does not match the tree recomputed from storage (size ",
                     size, ", root ", merkle::HashToHex(root), ")"));
  }

  ASSIGN_OR_RETURN(absl::optional<std::string> indexed,
                   GetOptional(db, kIndexedKey, path));
  if (indexed.has_value()) {
    absl::optional<uint64_t> w = DecodeUint64(*indexed);
    if (!w.has_value() || *w > size) {
      return absl::DataLossError(absl::StrCat(
          "audit log ", path, ": the index watermark ", kIndexedKey,
          " is malformed or beyond the ", size, " entries"));
    }
    log.indexed = *w;
  }

  ASSIGN_OR_RETURN(absl::optional<std::string> last_checkpoint,
                   LastKey(db, kCheckpointKeyPrefix, path));
  if (last_checkpoint.has_value()) {
    absl::optional<uint64_t> history_size =
        ParseCheckpointKey(*last_checkpoint);
    if (!history_size.has_value() || *history_size > size) {
      return absl::DataLossError(absl::StrCat(
          "audit log ", path, ": history checkpoint key ",
          PrintableKey(*last_checkpoint), " is beyond the tree size ", size));
    }
    ASSIGN_OR_RETURN(std::vector<SignedCheckpoint> newest,
                     reader.ReadCheckpoints(*history_size, 1));
    if (!newest.empty()) log.newest_history = std::move(newest[0]);
  }
  return log;
}

}  // namespace datarun::audit
