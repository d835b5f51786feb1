#include "exchange/audit/verifier.h"

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rocksdb_read_only.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/hash_tile_scan.h"
#include "exchange/audit/index_key_tally.h"
#include "exchange/audit/stored_checkpoint.h"
#include "exchange/checkpoint/note_verifier.h"
#include "exchange/merkle/compact_range.h"
#include "exchange/merkle/tree.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/perf_level.h"

namespace datarun::audit {
namespace {

absl::Status Lost(const std::string& path, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat("audit log ", path, ": ", problem));
}

// A forward scan over the keys starting with one prefix.
class PrefixScan {
 public:
  PrefixScan(rocksdb::DB* db, absl::string_view prefix)
      : upper_(prefix), upper_slice_() {
    upper_.back() += 1;  // "e0": just past every "e/" key
    upper_slice_ = rocksdb::Slice(upper_);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice_;
    options.fill_cache = false;
    options.readahead_size = 2 << 20;
    // Every block is hashed by the verifier anyway: RocksDB's own block
    // checksums would only repeat that work.
    options.verify_checksums = false;
    it_.reset(db->NewIterator(options));
    it_->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
  }
  PrefixScan(const PrefixScan&) = delete;
  PrefixScan& operator=(const PrefixScan&) = delete;

  bool Valid() const { return it_->Valid(); }
  absl::string_view key() const {
    return absl::string_view(it_->key().data(), it_->key().size());
  }
  absl::string_view value() const {
    return absl::string_view(it_->value().data(), it_->value().size());
  }
  void Next() { it_->Next(); }
  rocksdb::Status status() const { return it_->status(); }

 private:
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Streams the entries through a CompactRange, checking stored hashes and
// checkpoints on the way, and feeds the index tally.
class EntryPass {
 public:
  EntryPass(rocksdb::DB* db, std::string path,
            const checkpoint::NoteVerifier& verifier, uint64_t size,
            IndexKeyTally* tally)
      : db_(db),
        path_(std::move(path)),
        verifier_(verifier),
        size_(size),
        tally_(tally),
        entries_(db, kEntryKeyPrefix),
        hashes_(db, path_, merkle::StoredHashCount(size)),
        checkpoints_(db, kCheckpointKeyPrefix) {}

  absl::Status Run(VerifyReport* report) {
    RETURN_IF_ERROR(CheckCheckpoints());
    std::vector<merkle::Hash> stored;
    for (uint64_t index = 0; index < size_; ++index) {
      if (!entries_.Valid() || entries_.key() != EntryKey(index)) {
        RETURN_IF_ERROR(ScanError(entries_));
        return Lost(path_, absl::StrCat("entry ", index, " is missing"));
      }
      stored.clear();
      range_.Append(merkle::HashLeaf(entries_.value()), &stored);
      RETURN_IF_ERROR(CheckHashes(index, stored));
      // One message reused for every entry keeps its allocations.
      if (!entry_.ParseFromArray(entries_.value().data(),
                                 static_cast<int>(entries_.value().size()))) {
        return Lost(path_, absl::StrCat("entry ", index, " cannot be parsed"));
      }
      tally_->AddEntry(index, entry_);
      entries_.Next();
      RETURN_IF_ERROR(CheckCheckpoints());
    }
    RETURN_IF_ERROR(CheckEnd());
    RETURN_IF_ERROR(CheckLatest());
    report->entries = size_;
    report->checkpoints = checkpoint_count_;
    report->root = range_.Root();
    return absl::OkStatus();
  }

 private:
  absl::Status ScanError(const PrefixScan& scan) const {
    return FromRocksStatus(scan.status(),
                           absl::StrCat("read audit log ", path_));
  }

  // Compares the hashes appending one entry produced with the stored ones.
  absl::Status CheckHashes(uint64_t index,
                           const std::vector<merkle::Hash>& computed) {
    for (size_t i = 0; i < computed.size(); ++i, ++hash_index_) {
      ASSIGN_OR_RETURN(absl::string_view stored, hashes_.Next(hash_index_));
      if (stored != merkle::HashBytes(computed[i])) {
        if (i == 0) {
          return Lost(path_,
                      absl::StrCat("entry ", index,
                                   ": stored leaf hash does not match the "
                                   "entry (the entry or its leaf hash ",
                                   HashName(hash_index_), " was altered)"));
        }
        return Lost(path_, absl::StrCat("hash ", HashName(hash_index_),
                                        ": stored value does not match the "
                                        "hash of its children"));
      }
    }
    return absl::OkStatus();
  }

  // Checks the history checkpoints at the current tree size.
  absl::Status CheckCheckpoints() {
    for (; checkpoints_.Valid(); checkpoints_.Next()) {
      absl::optional<uint64_t> size = ParseCheckpointKey(checkpoints_.key());
      if (!size.has_value()) {
        return Lost(path_, absl::StrCat("malformed checkpoint key ",
                                        PrintableKey(checkpoints_.key())));
      }
      if (*size > range_.size()) return absl::OkStatus();
      RETURN_IF_ERROR(
          CheckCheckpoint(checkpoints_.value(),
                          absl::StrCat("checkpoint at size ", *size), *size));
    }
    return ScanError(checkpoints_);
  }

  absl::Status CheckCheckpoint(absl::string_view value, const std::string& what,
                               uint64_t size) {
    ASSIGN_OR_RETURN(
        SignedCheckpoint signed_checkpoint,
        DecodeStoredCheckpoint(value, verifier_,
                               absl::StrCat("audit log ", path_, ": ", what)));
    if (signed_checkpoint.checkpoint.size != size) {
      return Lost(path_, absl::StrCat(what, ": the signed note says size ",
                                      signed_checkpoint.checkpoint.size));
    }
    if (signed_checkpoint.checkpoint.root != range_.Root()) {
      return Lost(path_, absl::StrCat(what,
                                      ": root does not match the tree "
                                      "recomputed from the entries"));
    }
    ++checkpoint_count_;
    return absl::OkStatus();
  }

  // Nothing may be stored beyond the tree.
  absl::Status CheckEnd() {
    if (entries_.Valid()) {
      return Lost(path_,
                  absl::StrCat("entry key ", PrintableKey(entries_.key()),
                               " is beyond the next index ", size_));
    }
    RETURN_IF_ERROR(ScanError(entries_));
    RETURN_IF_ERROR(hashes_.CheckEnd());
    if (checkpoints_.Valid()) {
      return Lost(path_, absl::StrCat("checkpoint key ",
                                      PrintableKey(checkpoints_.key()),
                                      " is beyond the tree size ", size_));
    }
    return ScanError(checkpoints_);
  }

  absl::Status CheckLatest() {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(),
                                 std::string(kLatestCheckpointKey), &value);
    if (s.IsNotFound()) {
      return Lost(path_, "the latest checkpoint (m/checkpoint) is missing");
    }
    RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("audit log ", path_)));
    return CheckCheckpoint(value, "latest checkpoint", size_);
  }

  rocksdb::DB* const db_;
  const std::string path_;
  const checkpoint::NoteVerifier& verifier_;
  const uint64_t size_;
  IndexKeyTally* const tally_;
  PrefixScan entries_;
  HashTileScan hashes_;
  PrefixScan checkpoints_;
  merkle::CompactRange range_;
  v1::AuditEntry entry_;
  uint64_t hash_index_ = 0;
  uint64_t checkpoint_count_ = 0;
};

absl::StatusOr<std::string> GetMeta(rocksdb::DB* db, absl::string_view key,
                                    const std::string& path) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), std::string(key), &value);
  if (s.IsNotFound()) {
    return Lost(path, absl::StrCat(key, " is missing"));
  }
  RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("audit log ", path)));
  return value;
}

}  // namespace

absl::StatusOr<VerifyReport> VerifyLog(absl::string_view path_view,
                                       absl::string_view verifier_key) {
  const std::string path(path_view);
  ASSIGN_OR_RETURN(std::unique_ptr<rocksdb::DB> db,
                   OpenLiveReadOnly(rocksdb::Options(), path, "audit log"));
  absl::StatusOr<std::string> format = GetMeta(db.get(), kFormatKey, path);
  if (!format.ok() || *format != kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrCat(
        "audit log ", path, " is not a datarun audit log of layout version ",
        kFormatVersion,
        format.ok() ? absl::StrCat(" (it has '", *format, "')")
                    : std::string(" (no m/format record)")));
  }
  std::string key(verifier_key);
  if (key.empty()) {
    ASSIGN_OR_RETURN(key, GetMeta(db.get(), kVerifierKeyKey, path));
  }
  absl::StatusOr<checkpoint::NoteVerifier> verifier =
      checkpoint::NoteVerifier::FromVerifierKey(key);
  if (!verifier.ok()) {
    if (verifier_key.empty()) {
      return Lost(path, absl::StrCat("stored verifier key is malformed: ",
                                     verifier.status().message()));
    }
    return verifier.status();
  }
  ASSIGN_OR_RETURN(std::string next_bytes,
                   GetMeta(db.get(), kNextIndexKey, path));
  absl::optional<uint64_t> size = DecodeUint64(next_bytes);
  if (!size.has_value()) return Lost(path, "m/next_index is malformed");

  uint64_t indexed = 0;
  {
    std::string value;
    rocksdb::Status s =
        db->Get(rocksdb::ReadOptions(), std::string(kIndexedKey), &value);
    if (!s.IsNotFound()) {
      RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("audit log ", path)));
      absl::optional<uint64_t> w = DecodeUint64(value);
      if (!w.has_value() || *w > *size || *size - *w > kMaxIndexBacklog) {
        return Lost(path, absl::StrCat("the index watermark ", kIndexedKey,
                                       " is malformed or out of range (",
                                       w.has_value() ? *w : 0, " of ", *size,
                                       " entries; at most ", kMaxIndexBacklog,
                                       " may wait)"));
      }
      indexed = *w;
    } else if (*size > kMaxIndexBacklog) {
      return Lost(path, absl::StrCat("the index watermark ", kIndexedKey,
                                     " is missing"));
    }
  }

  // The index keys are read on a second thread while the entries stream.
  // Neither thread needs RocksDB's per-operation perf counters.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  IndexKeyTally tally(*size, indexed);
  absl::Status index_status;
  std::thread index_scan([&] {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
    index_status = tally.ScanStored(db.get(), path);
  });
  VerifyReport report;
  absl::Status entry_status =
      EntryPass(db.get(), path, *verifier, *size, &tally).Run(&report);
  index_scan.join();
  RETURN_IF_ERROR(entry_status);
  RETURN_IF_ERROR(index_status);
  RETURN_IF_ERROR(tally.Compare(db.get(), path));
  report.index_keys = tally.stored_postings();
  report.indexed = indexed;
  return report;
}

}  // namespace datarun::audit
