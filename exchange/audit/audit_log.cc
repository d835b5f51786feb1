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
#include "exchange/audit/index_ingest.h"
#include "exchange/audit/log_recovery.h"
#include "exchange/merkle/tree.h"
#include "rocksdb/options.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

constexpr uint64_t kNoHistory = ~uint64_t{0};
// Written batches that may wait for the sync thread, and durable batches
// whose callbacks may wait for the completion thread, before the thread
// handing them over waits.
constexpr size_t kMaxSyncingBatches = 1;
constexpr size_t kMaxCompletingBatches = 2;

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
  if (options.index_ingest_entries == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit log ", options.path,
                     ": index_ingest_entries must be at least 1"));
  }
  if (options.checkpoint_interval <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit log ", options.path, ": checkpoint_interval must be positive"));
  }
  return absl::OkStatus();
}

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
  RETURN_IF_ERROR(CleanIngestDir(options.path));
  rocksdb::Options db_options = AuditDbOptions(options.env_for_tests);
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, &raw);
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
      options, std::move(db_options), std::move(db), std::move(signer),
      std::move(reader), std::move(recovered.range),
      std::move(recovered.hash_tail), std::move(recovered.latest), history_size,
      recovered.indexed));
  RETURN_IF_ERROR(log->FillBacklog());
  {
    absl::MutexLock lock(&log->history_mu_);
    log->history_latest_ = std::move(history);
  }
  log->writer_ = std::thread([raw_log = log.get()] { raw_log->WriterLoop(); });
  return log;
}

AuditLog::AuditLog(Options options, rocksdb::Options db_options,
                   std::unique_ptr<rocksdb::DB> db,
                   std::unique_ptr<checkpoint::NoteSigner> signer,
                   std::unique_ptr<LogReader> reader,
                   merkle::CompactRange range, std::string hash_tail,
                   SignedCheckpoint latest, uint64_t history_size,
                   uint64_t indexed)
    : options_(std::move(options)),
      db_options_(std::move(db_options)),
      db_(std::move(db)),
      signer_(std::move(signer)),
      reader_(std::move(reader)),
      range_(std::move(range)),
      tiles_(merkle::StoredHashCount(range_.size()), std::move(hash_tail)),
      backlog_(indexed, options_.index_ingest_entries),
      ingests_(std::make_unique<OrderedRunner>(1)),
      syncs_(std::make_unique<OrderedRunner>(kMaxSyncingBatches)),
      completions_(std::make_unique<OrderedRunner>(kMaxCompletingBatches)),
      written_(range_.size()),
      synced_(range_.size()),
      size_(range_.size()),
      latest_(std::move(latest)),
      history_size_(history_size) {}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
    work_.Signal();
  }
  const bool writer_started = writer_.joinable();
  if (writer_started) writer_.join();
  syncs_.reset();    // makes the last batches durable
  ingests_.reset();  // finishes the index groups handed over
  // A log whose Open failed half way writes nothing more.
  if (writer_started) {
    backlog_.SealCurrent();
    while (auto group = backlog_.NextToIngest(size())) {
      if (ingest_failed_) break;
      IngestGroup(*group);
    }
  }
  if (writer_started && size() > 0) {
    absl::StatusOr<SignedCheckpoint> published = Publish();
    if (!published.ok()) {
      LogLine("audit_checkpoint_failed", LogLevel::kError)
          .Str("path", options_.path)
          .Status(published.status());
    }
  }
  completions_.reset();  // runs the callbacks of the last batches
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
  pending.time_micros = entry.time_micros();
  if (!FindIndexedFields(pending.bytes, &pending.indexed)) {
    // Cannot happen with bytes protobuf just serialized.
    done(absl::InternalError(
        "audit log: cannot find the indexed fields of a serialized entry"));
    return;
  }
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
  // RocksDB's per-operation counters cost a thread-local access per key
  // comparison; nothing reads them.
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
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
      // The queue continues in the spare vector's capacity (a recycled
      // batch), so appends rarely reallocate it.
      batch.swap(spare_);
      batch.swap(queue_);
    }
    if (!batch.empty()) {
      if (options_.before_write_for_tests) options_.before_write_for_tests();
      WriteBatch(std::move(batch));
    }
    if (closing) return;  // the destructor publishes, once all is durable
    if (absl::Now() >= publish_at) {
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
    // Keys go into the batch in ascending order (e/ < h/ < m/), which the
    // memtable's skip list inserts cheaply one after the other. Every key
    // costs a memtable insert, so the hashes go in tiles and the index
    // postings into the backlog (ingested in groups): one key per entry.
    size_t bytes = 0;
    for (const Pending& pending : batch) bytes += pending.bytes.size();
    rocksdb::WriteBatch write(bytes + batch.size() * 160 + 1024);
    std::string key;
    std::vector<merkle::Hash> stored;
    stored.reserve(2 * batch.size() + 64);
    for (size_t i = 0; i < batch.size(); ++i) {
      const Pending& pending = batch[i];
      write.Put(NumberKey(kEntryKeyPrefix, first + i, &key), pending.bytes);
      range_.Append(pending.leaf, &stored);
      absl::string_view values[std::size(kIndexKinds)];
      for (size_t k = 0; k < std::size(kIndexKinds); ++k) {
        values[k] = pending.indexed.Get(pending.bytes, static_cast<int>(k));
      }
      backlog_.AddEntry(first + i, pending.time_micros, values);
    }
    for (const merkle::Hash& hash : stored) tiles_.Add(hash, &write);
    tiles_.Finish(&write);
    signed_checkpoint =
        SignCheckpoint(*signer_, range_.size(), range_.Root(), absl::Now());
    if (signed_checkpoint.ok()) {
      write.Put(std::string(kLatestCheckpointKey),
                EncodeStoredCheckpoint(*signed_checkpoint));
      write.Put(std::string(kNextIndexKey), EncodeUint64(range_.size()));
      // Not synced here: the sync thread syncs the WAL (MakeDurable) while
      // this thread writes the next batch. Readers see nothing of the batch
      // before it is durable: they stop at size().
      status = FromRocksStatus(db_->Write(rocksdb::WriteOptions(), &write),
                               absl::StrCat("write to ", options_.path));
    } else {
      status = signed_checkpoint.status();
    }
  }
  if (!status.ok()) {
    FailBatch(std::move(batch), status);
    return;
  }
  written_.store(range_.size(), std::memory_order_release);
  syncs_->Post([this, batch = std::move(batch), first,
                checkpoint = *std::move(signed_checkpoint)]() mutable {
    MakeDurable(std::move(batch), first, std::move(checkpoint));
  });
}

void AuditLog::MakeDurable(std::vector<Pending> batch, uint64_t first,
                           SignedCheckpoint checkpoint) {
  const uint64_t end = checkpoint.checkpoint.size;
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    // After a failed write or sync, whether this batch is durable is
    // unknown: it is not acknowledged.
    status = write_error_;
  }
  if (status.ok() && options_.sync && synced_ < end) {
    // One fsync for every batch written so far (at least this one).
    const uint64_t target = written_.load(std::memory_order_acquire);
    status = FromRocksStatus(db_->SyncWAL(),
                             absl::StrCat("sync the log of ", options_.path));
    if (status.ok()) synced_ = target;
  }
  if (!status.ok()) {
    FailBatch(std::move(batch), status);
    return;
  }
  size_.store(end, std::memory_order_release);
  ScheduleIngestion(end);
  const absl::Time logged_at = absl::Now();
  std::string note = checkpoint.note;
  {
    absl::MutexLock lock(&mu_);
    stats_.appended += batch.size();
    ++stats_.batches;
    latest_ = std::move(checkpoint);
  }
  // The callbacks run on the completion thread while this one syncs the
  // next batch.
  completions_->Post([this, batch = std::move(batch), first, logged_at, end,
                      note = std::move(note)]() mutable {
    for (size_t i = 0; i < batch.size(); ++i) {
      AuditReceipt receipt;
      receipt.index = first + i;
      receipt.entry_digest_hex = std::move(batch[i].digest_hex);
      receipt.logged_at = logged_at;
      receipt.tree_size = end;
      receipt.checkpoint_note = note;
      batch[i].done(std::move(receipt));
    }
    Recycle(std::move(batch));
  });
}

void AuditLog::FailBatch(std::vector<Pending> batch,
                         const absl::Status& status) {
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
  completions_->Post([this, batch = std::move(batch),
                      unavailable = std::move(unavailable)]() mutable {
    for (Pending& pending : batch) pending.done(unavailable);
    Recycle(std::move(batch));
  });
}

void AuditLog::ScheduleIngestion(uint64_t durable) {
  while (auto group = backlog_.NextToIngest(durable)) {
    ingests_->Post([this, group = std::move(group)] { IngestGroup(*group); });
  }
}

void AuditLog::IngestGroup(const IndexBacklog::Group& group) {
  if (ingest_failed_) return;
  absl::Status status =
      IngestIndexGroup(db_.get(), db_options_, options_.path, group);
  if (!status.ok()) {
    // Like a failed write: the log takes no more entries until reopened
    // (which rebuilds the backlog from the entries), so the backlog stays
    // bounded. Searches still find the postings in it.
    LogLine("audit_index_ingest_failed", LogLevel::kError)
        .Str("path", options_.path)
        .Int("entries", static_cast<int64_t>(group.end - group.begin))
        .Status(status);
    ingest_failed_ = true;
    absl::MutexLock lock(&mu_);
    if (write_error_.ok()) write_error_ = status;
    return;
  }
  backlog_.Indexed(group);
}

absl::Status AuditLog::FillBacklog() {
  constexpr uint64_t kChunk = 4096;
  const uint64_t end = size();
  for (uint64_t begin = backlog_.indexed(); begin < end; begin += kChunk) {
    ASSIGN_OR_RETURN(
        std::vector<v1::AuditEntry> entries,
        reader_->ReadEntries(begin, std::min(end, begin + kChunk)));
    for (size_t i = 0; i < entries.size(); ++i) {
      absl::string_view values[std::size(kIndexKinds)];
      for (size_t k = 0; k < std::size(kIndexKinds); ++k) {
        values[k] = IndexedValue(entries[i], kIndexKinds[k]);
      }
      backlog_.AddEntry(begin + i, entries[i].time_micros(), values);
    }
  }
  ScheduleIngestion(end);
  return absl::OkStatus();
}

void AuditLog::Recycle(std::vector<Pending> batch) {
  batch.clear();
  absl::MutexLock lock(&mu_);
  if (spare_.capacity() < batch.capacity()) spare_.swap(batch);
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
  return SearchLog(db_.get(), *reader_, size(), q, next_index, &backlog_);
}

AuditLog::Stats AuditLog::stats() const {
  absl::MutexLock lock(&mu_);
  Stats stats = stats_;
  stats.pending = queue_.size();
  return stats;
}

}  // namespace datarun::audit
