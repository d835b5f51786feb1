#include "exchange/audit/audit_log.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/db_options.h"
#include "exchange/audit/digest.h"
#include "exchange/audit/log_recovery.h"
#include "exchange/merkle/tree.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

constexpr uint64_t kNoHistory = ~uint64_t{0};

absl::Status OpenError(const rocksdb::Status& status, const std::string& path) {
  if (status.IsIOError() && absl::StrContains(status.ToString(), "lock")) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit log ", path,
                     " is in use by another process: ", status.ToString()));
  }
  return FromRocksStatus(status, absl::StrCat("cannot open audit log ", path));
}

absl::Status ValidateOptions(const AuditLog::Options& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("audit log path is empty");
  }
  if (options.signing_key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit log ", options.path, ": signing_key_file is empty"));
  }
  if (options.max_pending == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit log ", options.path, ": max_pending must be at least 1"));
  }
  if (options.checkpoint_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit log ", options.path, ": checkpoint_interval must be positive"));
  }
  return absl::OkStatus();
}

// One index key to write: *prefix + 8-byte index -> 8-byte time.
struct IndexPut {
  const std::string* prefix;
  uint64_t index;
  int64_t time_micros;
  // By prefix, then index: the keys' byte order (for indexes below 2^56;
  // the order only matters for speed anyway).
  bool operator<(const IndexPut& other) const {
    int c = prefix->compare(*other.prefix);
    return c != 0 ? c < 0 : index < other.index;
  }
};

// Appends `prefix` + 8-byte big-endian `value` to a reused buffer.
const std::string& NumberKey(absl::string_view prefix, uint64_t value,
                             std::string* buffer) {
  buffer->assign(prefix.data(), prefix.size());
  for (int shift = 56; shift >= 0; shift -= 8) {
    buffer->push_back(static_cast<char>(value >> shift));
  }
  return *buffer;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(
    const Options& options) {
  RETURN_IF_ERROR(ValidateOptions(options));
  RETURN_IF_ERROR(MakeDirs(options.path));
  ASSIGN_OR_RETURN(std::unique_ptr<checkpoint::NoteSigner> signer,
                   checkpoint::NoteSigner::LoadOrCreate(
                       options.signing_key_file, options.origin));
  ASSIGN_OR_RETURN(
      checkpoint::NoteVerifier verifier,
      checkpoint::NoteVerifier::FromVerifierKey(signer->VerifierKey()));
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(AuditDbOptions(options.env_for_tests),
                                        options.path, &raw);
  if (!s.ok()) return OpenError(s, options.path);
  std::unique_ptr<rocksdb::DB> db(raw);
  auto reader =
      std::make_unique<LogReader>(db.get(), options.path, std::move(verifier));
  ASSIGN_OR_RETURN(RecoveredLog recovered,
                   RecoverLog(db.get(), *signer, *reader));
  uint64_t history_size = kNoHistory;
  SignedCheckpoint history;
  if (recovered.newest_history.has_value()) {
    history = *std::move(recovered.newest_history);
    history_size = history.checkpoint.size;
  }
  LogLine("audit_log_opened")
      .Str("path", options.path)
      .Int("entries", static_cast<int64_t>(recovered.range.size()))
      .Str("root", merkle::HashToHex(recovered.latest.checkpoint.root))
      .Str("verifier_key", signer->VerifierKey());
  std::unique_ptr<AuditLog> log(new AuditLog(
      options, std::move(db), std::move(signer), std::move(reader),
      std::move(recovered.range), std::move(recovered.latest), history_size));
  {
    absl::MutexLock lock(&log->history_mu_);
    log->history_latest_ = std::move(history);
  }
  log->writer_ = std::thread([raw_log = log.get()] { raw_log->WriterLoop(); });
  return log;
}

AuditLog::AuditLog(Options options, std::unique_ptr<rocksdb::DB> db,
                   std::unique_ptr<checkpoint::NoteSigner> signer,
                   std::unique_ptr<LogReader> reader,
                   merkle::CompactRange range, SignedCheckpoint latest,
                   uint64_t history_size)
    : options_(std::move(options)),
      db_(std::move(db)),
      signer_(std::move(signer)),
      reader_(std::move(reader)),
      range_(std::move(range)),
      size_(range_.size()),
      latest_(std::move(latest)),
      history_size_(history_size) {}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
    work_.Signal();
  }
  if (writer_.joinable()) writer_.join();
  // Flushed memtables make the next open (and a read-only verify) read
  // SST files instead of replaying the whole write-ahead log.
  rocksdb::Status s = db_->Flush(rocksdb::FlushOptions());
  rocksdb::Status closed = db_->Close();
  if (s.ok()) s = closed;
  if (!s.ok()) {
    LogLine("audit_log_close_failed", LogLevel::kError)
        .Str("path", options_.path)
        .Status(FromRocksStatus(s, "close"));
  }
}

void AuditLog::Append(v1::AuditEntry entry, AppendDone done) {
  Pending pending;
  pending.bytes = SerializeDeterministically(entry);
  pending.digest_hex = Sha256Hex(pending.bytes);
  pending.leaf = merkle::HashLeaf(pending.bytes);
  pending.index_prefixes = IndexKeyPrefixes(entry);
  pending.time_micros = entry.time_micros();
  pending.done = std::move(done);
  absl::Status refusal;
  {
    absl::MutexLock lock(&mu_);
    if (!write_error_.ok()) {
      ++stats_.failed;
      refusal = absl::UnavailableError(absl::StrCat(
          "audit log is not writable: ", write_error_.message(),
          " (earlier write failed; restart after fixing the cause)"));
    } else if (closing_) {
      ++stats_.failed;
      refusal = absl::UnavailableError(absl::StrCat(
          "audit log is not writable: ", options_.path, " is closing"));
    } else if (queue_.size() >= options_.max_pending) {
      ++stats_.rejected;
      refusal = absl::ResourceExhaustedError(
          absl::StrCat("audit queue full (", queue_.size(), " pending)"));
    } else {
      queue_.push_back(std::move(pending));
      work_.Signal();
      return;
    }
  }
  pending.done(std::move(refusal));
}

void AuditLog::WriterLoop() {
  absl::Time publish_at = absl::Now() + options_.checkpoint_interval;
  while (true) {
    std::vector<Pending> batch;
    bool closing = false;
    {
      absl::MutexLock lock(&mu_);
      while (queue_.empty() && !closing_) {
        if (work_.WaitWithDeadline(&mu_, publish_at)) break;  // timed out
      }
      closing = closing_ && queue_.empty();
      batch.swap(queue_);
    }
    if (!batch.empty()) {
      if (options_.before_write_for_tests) options_.before_write_for_tests();
      WriteBatch(std::move(batch));
    }
    if (closing || absl::Now() >= publish_at) {
      if (size() > 0) {
        absl::StatusOr<SignedCheckpoint> published = Publish();
        if (!published.ok()) {
          LogLine("audit_checkpoint_failed", LogLevel::kError)
              .Str("path", options_.path)
              .Status(published.status());
        }
      }
      publish_at = absl::Now() + options_.checkpoint_interval;
    }
    if (closing) return;
  }
}

void AuditLog::WriteBatch(std::vector<Pending> batch) {
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    status = write_error_;
  }
  const uint64_t first = range_.size();
  absl::StatusOr<SignedCheckpoint> signed_checkpoint =
      absl::UnknownError("not signed");
  if (status.ok()) {
    // Keys go into the batch in ascending order (e/ < h/ < m/ < x/), which
    // the memtable's skip list inserts cheaply one after the other.
    rocksdb::WriteBatch write(batch.size() * 800);
    std::string key;
    std::vector<merkle::Hash> stored;
    stored.reserve(2 * batch.size() + 64);
    std::vector<IndexPut> index_puts;
    for (size_t i = 0; i < batch.size(); ++i) {
      const Pending& pending = batch[i];
      write.Put(NumberKey(kEntryKeyPrefix, first + i, &key), pending.bytes);
      range_.Append(pending.leaf, &stored);
      for (const std::string& prefix : pending.index_prefixes) {
        index_puts.push_back({&prefix, first + i, pending.time_micros});
      }
    }
    uint64_t hash_index = merkle::StoredHashCount(first);
    for (const merkle::Hash& hash : stored) {
      write.Put(NumberKey(kHashKeyPrefix, hash_index++, &key),
                rocksdb::Slice(reinterpret_cast<const char*>(hash.data()),
                               hash.size()));
    }
    signed_checkpoint =
        SignCheckpoint(*signer_, range_.size(), range_.Root(), absl::Now());
    if (signed_checkpoint.ok()) {
      write.Put(std::string(kLatestCheckpointKey),
                EncodeStoredCheckpoint(*signed_checkpoint));
      write.Put(std::string(kNextIndexKey), EncodeUint64(range_.size()));
      std::sort(index_puts.begin(), index_puts.end());
      for (const IndexPut& put : index_puts) {
        write.Put(NumberKey(*put.prefix, put.index, &key),
                  EncodeUint64(static_cast<uint64_t>(put.time_micros)));
      }
      rocksdb::WriteOptions write_options;
      write_options.sync = options_.sync;
      status = FromRocksStatus(db_->Write(write_options, &write),
                               absl::StrCat("write to ", options_.path));
    } else {
      status = signed_checkpoint.status();
    }
  }
  if (!status.ok()) {
    LogLine("audit_write_failed", LogLevel::kError)
        .Str("path", options_.path)
        .Int("entries", static_cast<int64_t>(batch.size()))
        .Status(status);
    absl::Status unavailable = absl::UnavailableError(
        absl::StrCat("audit log is not writable: ", status.message()));
    {
      absl::MutexLock lock(&mu_);
      // Latch: whether the failed batch reached the WAL is unknown (and
      // range_ already holds it), so nothing more may be appended until
      // the log is reopened and recovered from disk.
      if (write_error_.ok()) write_error_ = status;
      stats_.failed += batch.size();
    }
    for (Pending& pending : batch) pending.done(unavailable);
    return;
  }
  size_.store(range_.size(), std::memory_order_release);
  const absl::Time logged_at = absl::Now();
  const uint64_t tree_size = range_.size();
  const std::string note = signed_checkpoint->note;
  {
    absl::MutexLock lock(&mu_);
    stats_.appended += batch.size();
    ++stats_.batches;
    latest_ = *std::move(signed_checkpoint);
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    AuditReceipt receipt;
    receipt.index = first + i;
    receipt.entry_digest_hex = std::move(batch[i].digest_hex);
    receipt.logged_at = logged_at;
    receipt.tree_size = tree_size;
    receipt.checkpoint_note = note;
    batch[i].done(std::move(receipt));
  }
}

absl::StatusOr<SignedCheckpoint> AuditLog::Publish() {
  absl::MutexLock history_lock(&history_mu_);
  SignedCheckpoint published;
  {
    absl::MutexLock lock(&mu_);
    published = latest_;
  }
  if (history_size_ == published.checkpoint.size) return history_latest_;
  published.published_at = absl::Now();
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  rocksdb::Status s =
      db_->Put(write_options, CheckpointKey(published.checkpoint.size),
               EncodeStoredCheckpoint(published));
  if (!s.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot publish the checkpoint at size ", published.checkpoint.size,
        " to audit log ", options_.path, ": ", s.ToString()));
  }
  history_size_ = published.checkpoint.size;
  history_latest_ = published;
  LogLine("audit_checkpoint_published")
      .Str("path", options_.path)
      .Int("size", static_cast<int64_t>(published.checkpoint.size))
      .Str("root", merkle::HashToHex(published.checkpoint.root));
  return published;
}

std::string AuditLog::VerifierKey() const { return signer_->VerifierKey(); }

absl::StatusOr<SignedCheckpoint> AuditLog::LatestCheckpoint() const {
  absl::MutexLock lock(&mu_);
  return latest_;
}

absl::StatusOr<SignedCheckpoint> AuditLog::PublishCheckpoint() {
  return Publish();
}

absl::StatusOr<std::vector<SignedCheckpoint>> AuditLog::CheckpointHistory(
    uint64_t min_size, int limit) const {
  if (limit < 1 || limit > kMaxCheckpointHistory) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint history limit must be between 1 and ",
                     kMaxCheckpointHistory, ", got ", limit));
  }
  return reader_->ReadCheckpoints(min_size, limit);
}

absl::Status AuditLog::CheckTreeSize(uint64_t tree_size,
                                     absl::string_view what) const {
  uint64_t size = this->size();
  if (tree_size > size) {
    return absl::OutOfRangeError(absl::StrCat(what, ": tree size ", tree_size,
                                              " is beyond the audit log's ",
                                              size, " entries"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<merkle::Hash>> AuditLog::InclusionProof(
    uint64_t index, uint64_t tree_size) const {
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("inclusion proof: entry index ", index,
                     " must be below the tree size ", tree_size));
  }
  RETURN_IF_ERROR(CheckTreeSize(tree_size, "inclusion proof"));
  return merkle::ProveInclusion(tree_size, index, *reader_);
}

absl::StatusOr<std::vector<merkle::Hash>> AuditLog::ConsistencyProof(
    uint64_t old_size, uint64_t new_size) const {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency proof: old size ", old_size,
                     " must not exceed the new size ", new_size));
  }
  RETURN_IF_ERROR(CheckTreeSize(new_size, "consistency proof"));
  return merkle::ProveConsistency(old_size, new_size, *reader_);
}

absl::StatusOr<merkle::Hash> AuditLog::LeafHash(uint64_t index) const {
  uint64_t size = this->size();
  if (index >= size) {
    return absl::OutOfRangeError(absl::StrCat("leaf hash: entry ", index,
                                              " is beyond the audit log's ",
                                              size, " entries"));
  }
  ASSIGN_OR_RETURN(std::vector<merkle::Hash> hashes,
                   reader_->ReadHashes({merkle::StoredHashIndex(0, index)}));
  return hashes[0];
}

absl::StatusOr<std::vector<v1::AuditEntry>> AuditLog::Read(uint64_t begin,
                                                           uint64_t end) const {
  if (begin > end) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit log read: begin ", begin, " is after end ", end));
  }
  if (end - begin > kMaxReadEntries) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit log read: at most ", kMaxReadEntries,
                     " entries at once, asked for ", end - begin));
  }
  uint64_t size = this->size();
  if (end > size) {
    return absl::OutOfRangeError(
        absl::StrCat("audit log ", options_.path, " has ", size,
                     " entries; cannot read up to ", end));
  }
  return reader_->ReadEntries(begin, end);
}

absl::StatusOr<std::vector<AuditLog::Hit>> AuditLog::Search(
    const SearchQuery& q, uint64_t* next_index) const {
  return SearchLog(db_.get(), *reader_, size(), q, next_index);
}

AuditLog::Stats AuditLog::stats() const {
  absl::MutexLock lock(&mu_);
  Stats stats = stats_;
  stats.pending = queue_.size();
  return stats;
}

}  // namespace datarun::audit
