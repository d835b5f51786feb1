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
#include "exchange/audit/hash_tile_writer.h"
#include "exchange/audit/index_block_batch.h"
#include "exchange/audit/stored_checkpoint.h"
#include "exchange/checkpoint/note_verifier.h"
#include "exchange/merkle/compact_range.h"
#include "exchange/merkle/tree.h"
#include "rocksdb/iterator.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

// Entries per intermediate (unsynced) write, and per index block.
constexpr uint64_t kChunk = 10000;

// Returns "<prefix>" and the key just past every key starting with it.
std::string PastPrefix(absl::string_view prefix) {
  std::string upper(prefix);
  upper.back() += 1;
  return upper;
}

// Checks that the signed latest checkpoint of a version 2 log is the tree
// rebuilt from its entries.
absl::Status CheckLatest(rocksdb::DB* db, const checkpoint::NoteSigner& signer,
                         uint64_t size, const merkle::Hash& root,
                         const std::string& what) {
  ASSIGN_OR_RETURN(
      checkpoint::NoteVerifier verifier,
      checkpoint::NoteVerifier::FromVerifierKey(signer.VerifierKey()));
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(),
                              std::string(kLatestCheckpointKey), &value);
  if (s.IsNotFound()) {
    return absl::DataLossError(
        absl::StrCat(what, ": the latest checkpoint is missing"));
  }
  RETURN_IF_ERROR(FromRocksStatus(s, what));
  ASSIGN_OR_RETURN(
      SignedCheckpoint latest,
      DecodeStoredCheckpoint(value, verifier,
                             absl::StrCat(what, ": latest checkpoint")));
  if (latest.checkpoint.size != size || latest.checkpoint.root != root) {
    return absl::DataLossError(absl::StrCat(
        what, ": the signed latest checkpoint (size ", latest.checkpoint.size,
        ", root ", merkle::HashToHex(latest.checkpoint.root),
        ") does not match the tree rebuilt from the entries (size ", size,
        ", root ", merkle::HashToHex(root), "); run datarunctl audit verify"));
  }
  return absl::OkStatus();
}

// Streams entries 0..size-1 and returns the root of their tree. With a
// `batch`, also replaces the stored hashes and index keys with hash tiles
// and index blocks, writing every kChunk entries (unsynced) and leaving the
// last part in `batch`.
absl::StatusOr<merkle::Hash> Rebuild(rocksdb::DB* db, uint64_t size,
                                     rocksdb::WriteBatch* batch,
                                     const std::string& what) {
  auto lost = [&what](absl::string_view problem) {
    return absl::DataLossError(absl::StrCat(what, ": ", problem));
  };
  std::string upper = PastPrefix(kEntryKeyPrefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read_options));
  merkle::CompactRange range;
  HashTileWriter tiles(0, "");
  IndexBlockBatch index;
  std::vector<merkle::Hash> stored;
  std::vector<v1::AuditEntry> chunk;
  chunk.reserve(kChunk);
  rocksdb::WriteBatch scratch;
  rocksdb::WriteBatch* out = batch != nullptr ? batch : &scratch;
  if (batch != nullptr) {
    // Whatever an older layout (or an interrupted upgrade) stored there.
    batch->DeleteRange(std::string(kHashTileKeyPrefix),
                       PastPrefix(kHashTileKeyPrefix));
    batch->DeleteRange(std::string(kIndexKeyPrefix),
                       PastPrefix(kIndexKeyPrefix));
    batch->Delete(std::string(kIndexedKey));
  }
  it->Seek(std::string(kEntryKeyPrefix));
  for (uint64_t i = 0; i < size; ++i, it->Next()) {
    if (!it->Valid() || it->key() != EntryKey(i)) {
      RETURN_IF_ERROR(FromRocksStatus(it->status(), what));
      return lost(absl::StrCat("entry ", i, " is missing"));
    }
    absl::string_view bytes(it->value().data(), it->value().size());
    chunk.emplace_back();
    if (!chunk.back().ParseFromArray(bytes.data(),
                                     static_cast<int>(bytes.size()))) {
      return lost(absl::StrCat("entry ", i, " cannot be parsed"));
    }
    stored.clear();
    range.Append(merkle::HashLeaf(bytes), &stored);
    if (batch == nullptr) {
      chunk.clear();
      continue;
    }
    for (const merkle::Hash& hash : stored) tiles.Add(hash, out);
    for (IndexKind kind : kIndexKinds) {
      index.Add(kind, IndexedValue(chunk.back(), kind), i,
                chunk.back().time_micros());
    }
    if ((i + 1) % kChunk == 0) {
      tiles.Finish(out);
      index.PutBlocks(out);
      RETURN_IF_ERROR(
          FromRocksStatus(db->Write(rocksdb::WriteOptions(), out), what));
      out->Clear();
      chunk.clear();
    }
  }
  if (it->Valid()) {
    return lost(absl::StrCat("entry key ", PrintableKey(it->key().ToString()),
                             " is beyond the next index ", size));
  }
  RETURN_IF_ERROR(FromRocksStatus(it->status(), what));
  tiles.Finish(out);
  index.PutBlocks(out);
  return range.Root();
}

}  // namespace

absl::Status UpgradeLayout(rocksdb::DB* db,
                           const checkpoint::NoteSigner& signer,
                           absl::string_view from, const std::string& path) {
  if (from != "1" && from != "2") {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit log ", path, ": cannot upgrade from layout version ", from));
  }
  const std::string what =
      absl::StrCat("audit log ", path, " (upgrading from version ", from, ")");
  auto lost = [&what](absl::string_view problem) {
    return absl::DataLossError(absl::StrCat(what, ": ", problem));
  };
  std::string next_bytes;
  rocksdb::Status s =
      db->Get(rocksdb::ReadOptions(), std::string(kNextIndexKey), &next_bytes);
  if (s.IsNotFound()) return lost("the next-index record is missing");
  RETURN_IF_ERROR(FromRocksStatus(s, what));
  absl::optional<uint64_t> size = DecodeUint64(next_bytes);
  if (!size.has_value()) return lost("the next-index record is malformed");

  if (from == "2") {
    // Check before changing anything, so a refused upgrade leaves the log
    // as it was.
    ASSIGN_OR_RETURN(merkle::Hash root, Rebuild(db, *size, nullptr, what));
    RETURN_IF_ERROR(CheckLatest(db, signer, *size, root, what));
  }
  rocksdb::WriteBatch batch;
  ASSIGN_OR_RETURN(merkle::Hash root, Rebuild(db, *size, &batch, what));
  if (from == "1") {
    ASSIGN_OR_RETURN(SignedCheckpoint latest,
                     SignCheckpoint(signer, *size, root, absl::Now()));
    batch.Put(std::string(kVerifierKeyKey), signer.VerifierKey());
    batch.Put(std::string(kLatestCheckpointKey),
              EncodeStoredCheckpoint(latest));
  }
  // Every entry is in the blocks written above.
  batch.Put(std::string(kIndexedKey), EncodeUint64(*size));
  batch.Put(std::string(kFormatKey), std::string(kFormatVersion));
  rocksdb::WriteOptions sync;
  sync.sync = true;  // also makes the unsynced chunks before it durable
  RETURN_IF_ERROR(FromRocksStatus(db->Write(sync, &batch), what));
  LogLine("audit_log_upgraded")
      .Str("path", path)
      .Str("from", std::string(from))
      .Str("to", std::string(kFormatVersion))
      .Int("entries", static_cast<int64_t>(*size))
      .Str("root", merkle::HashToHex(root));
  return absl::OkStatus();
}

}  // namespace datarun::audit
