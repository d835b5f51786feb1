// The tamper-evident audit log: an append-only RFC 9162 Merkle tree on
// RocksDB with Ed25519-signed C2SP checkpoints and secondary indexes
// (docs/audit-store-format.md).
//
// Group commit: one writer thread takes every pending entry and writes, in
// one WriteBatch, the entries, the new stored Merkle hashes (from an
// in-memory CompactRange, O(log n), packed into hash tiles), the next index
// and the signed checkpoint of the new tree. A sync thread then fsyncs the
// WAL (one fsync for every batch written so far), publishes the batch and
// hands it to a completion thread, which tells the callers their receipts,
// in index order; the receipts carry that checkpoint. So the writer writes
// batch N+2 while batch N+1 is synced and batch N acknowledged, and
// concurrent appends share one fsync and one signature. The secondary index
// postings wait in memory and an ingest thread writes them to the database
// in groups (index_backlog.h). History checkpoints ("c/<size>") are
// published every checkpoint_interval while the log grows, on demand, and
// on close.
#ifndef DATARUN_EXCHANGE_AUDIT_AUDIT_LOG_H_
#define DATARUN_EXCHANGE_AUDIT_AUDIT_LOG_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "datarun/v1/audit.pb.h"
#include "exchange/audit/audit_sink.h"
#include "exchange/audit/hash_tile_writer.h"
#include "exchange/audit/index_backlog.h"
#include "exchange/audit/indexed_fields.h"
#include "exchange/audit/log_reader.h"
#include "exchange/audit/log_search.h"
#include "exchange/audit/ordered_runner.h"
#include "exchange/audit/stored_checkpoint.h"
#include "exchange/checkpoint/note_signer.h"
#include "exchange/merkle/compact_range.h"
#include "exchange/merkle/hash.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"

namespace datarun::audit {

// Most entries Read returns at once.
inline constexpr uint64_t kMaxReadEntries = 1000;
// Most checkpoints CheckpointHistory returns at once.
inline constexpr int kMaxCheckpointHistory = 1000;

// Thread-safe.
class AuditLog final : public AuditSink {
 public:
  struct Options {
    // RocksDB directory; created (with parents) when missing.
    std::string path;
    // Ed25519 signing key (PKCS#8 PEM), created with mode 0600 when missing
    // (checkpoint::NoteSigner::LoadOrCreate). Keep it apart from the
    // database: whoever holds it can sign checkpoints.
    std::string signing_key_file;
    // Checkpoint origin, which is also the signing key's name, e.g.
    // "datarun.example/audit/node-1".
    std::string origin = "datarun.local/audit";
    // How often a history checkpoint is published while the log grows.
    absl::Duration checkpoint_interval = absl::Seconds(10);
    // Entries waiting for the writer beyond which Append refuses.
    size_t max_pending = 65536;
    // Durable entries whose index postings are gathered in memory before
    // they go to the database, sorted, as one ingested file
    // (index_backlog.h). Tests lower it.
    size_t index_ingest_entries = 65536;
    // fsync the WAL before acknowledging a batch (one fsync may cover
    // several batches). Only tests and benchmarks turn it off.
    bool sync = true;
    // Test hook: runs on the writer thread after it took a batch and before
    // it writes it.
    std::function<void()> before_write_for_tests;
    // Test hook: RocksDB environment (fault injection); default when null.
    // Not owned; must outlive the log.
    rocksdb::Env* env_for_tests = nullptr;
  };

  // Counters since Open, for metrics and tests.
  struct Stats {
    uint64_t appended = 0;  // entries made durable
    uint64_t batches = 0;   // batches made durable (WriteBatch writes)
    uint64_t rejected = 0;  // refused with RESOURCE_EXHAUSTED
    uint64_t failed = 0;    // refused or failed with UNAVAILABLE
    size_t pending = 0;     // entries queued, not yet taken by the writer
  };

  using SearchQuery = audit::SearchQuery;
  using Hit = SearchHit;

  // Opens or creates the log and starts the writer. On an existing log,
  // rebuilds the tree's right edge from the stored hashes and checks that
  // the latest stored checkpoint is signed by this key and has the
  // recomputed root. Errors, naming the path or file:
  //   INVALID_ARGUMENT     empty path or key file, max_pending == 0, a
  //                        non-positive interval, a bad origin;
  //   FAILED_PRECONDITION  the database is locked by another process, has
  //                        an unknown layout version, or was signed by
  //                        another key than `signing_key_file` holds (a log
  //                        of the entries-only version 1 is upgraded);
  //   DATA_LOSS            the stored state is inconsistent: next index and
  //                        last entry disagree, stored hashes are missing,
  //                        or the latest checkpoint does not verify or does
  //                        not match the tree recomputed from storage;
  //   INTERNAL / PERMISSION_DENIED  RocksDB, key file or OpenSSL failures.
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(const Options& options);

  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;
  // Refuses new appends, writes every pending one (running its callback),
  // publishes a final history checkpoint when the log grew, stops the
  // writer and closes the database. Must not run in a `done` callback.
  ~AuditLog() override;

  // See AuditSink::Append. Serializes, digests and hashes `entry` on the
  // calling thread. Receipts carry the tree size and signed checkpoint of
  // the batch the entry was written in. After a failed write every later
  // Append fails with UNAVAILABLE until the log is reopened, so no index is
  // ever handed out twice. (INTERNAL would mean protobuf produced bytes the
  // log cannot index; it does not happen.)
  void Append(v1::AuditEntry entry, AppendDone done) override;

  // Returns the number of durable entries (= the tree size of the latest
  // checkpoint).
  uint64_t size() const { return size_.load(std::memory_order_acquire); }

  // Returns the C2SP verifier key of the signing key
  // ("<origin>+<key id>+<base64 key>"), which checks every checkpoint.
  std::string VerifierKey() const;

  // Returns the signed checkpoint of the last durable batch (of size()).
  // Never fails once open; StatusOr for symmetry with the service API.
  absl::StatusOr<SignedCheckpoint> LatestCheckpoint() const;

  // Publishes the latest checkpoint into the history now (unless the
  // history already ends at this size, in which case that checkpoint is
  // returned) and returns it. UNAVAILABLE when the write fails.
  absl::StatusOr<SignedCheckpoint> PublishCheckpoint();

  // Returns up to `limit` (1..kMaxCheckpointHistory) history checkpoints of
  // size >= min_size, by increasing size. INVALID_ARGUMENT for a bad limit;
  // DATA_LOSS when a stored checkpoint does not verify.
  absl::StatusOr<std::vector<SignedCheckpoint>> CheckpointHistory(
      uint64_t min_size, int limit) const;

  // Returns the RFC 9162 inclusion proof of entry `index` in the tree of
  // `tree_size` entries (the audit path, leaf level first).
  // INVALID_ARGUMENT when index >= tree_size; OUT_OF_RANGE when tree_size
  // > size(); DATA_LOSS / NOT_FOUND when stored hashes are missing.
  absl::StatusOr<std::vector<merkle::Hash>> InclusionProof(
      uint64_t index, uint64_t tree_size) const;

  // Returns the RFC 9162 consistency proof from tree size `old_size` to
  // `new_size` (empty when old_size is 0 or equal to new_size).
  // INVALID_ARGUMENT when old_size > new_size; OUT_OF_RANGE when new_size >
  // size(); DATA_LOSS / NOT_FOUND when stored hashes are missing.
  absl::StatusOr<std::vector<merkle::Hash>> ConsistencyProof(
      uint64_t old_size, uint64_t new_size) const;

  // Returns the stored leaf hash of entry `index` (HashLeaf of its stored
  // bytes). OUT_OF_RANGE when index >= size().
  absl::StatusOr<merkle::Hash> LeafHash(uint64_t index) const;

  // Returns the entries [begin, end) in index order. Errors:
  //   INVALID_ARGUMENT  begin > end, or more than kMaxReadEntries at once;
  //   OUT_OF_RANGE      end > size();
  //   DATA_LOSS         an entry is missing or unparsable (index named).
  absl::StatusOr<std::vector<v1::AuditEntry>> Read(uint64_t begin,
                                                   uint64_t end) const;

  // Searches the durable entries through the secondary indexes (subject
  // hash, consumer, dataset, purpose; time filter); results in index order
  // from q.start_index, `*next_index` for paging. See SearchLog
  // (log_search.h) for the paging rules and errors.
  absl::StatusOr<std::vector<Hit>> Search(const SearchQuery& q,
                                          uint64_t* next_index) const;

  Stats stats() const;

  const std::string& path() const { return options_.path; }

 private:
  struct Pending {
    std::string bytes;       // deterministic serialization
    std::string digest_hex;  // SHA-256 of bytes
    merkle::Hash leaf;       // HashLeaf(bytes)
    // Where the indexed fields are in `bytes`.
    IndexedFields indexed;
    int64_t time_micros = 0;
    AppendDone done;
  };

  AuditLog(Options options, rocksdb::Options db_options,
           std::unique_ptr<rocksdb::DB> db,
           std::unique_ptr<checkpoint::NoteSigner> signer,
           std::unique_ptr<LogReader> reader, merkle::CompactRange range,
           std::string hash_tail, SignedCheckpoint latest,
           uint64_t history_size, uint64_t indexed);

  // Open: puts the postings of entries [backlog_.indexed(), size()) into
  // the backlog. DATA_LOSS / INTERNAL as LogReader::ReadEntries.
  absl::Status FillBacklog();

  void WriterLoop();
  // Writes `batch` (without syncing) and hands it to the sync thread.
  void WriteBatch(std::vector<Pending> batch);
  // Sync thread: makes a written batch durable (one WAL sync may cover
  // several), publishes it (size_, latest_) and hands its callbacks to the
  // completion thread.
  void MakeDurable(std::vector<Pending> batch, uint64_t first,
                   SignedCheckpoint checkpoint);
  // Latches `status` as the write error and fails the batch's callbacks.
  void FailBatch(std::vector<Pending> batch, const absl::Status& status);
  // Hands every complete group of index postings whose entries are below
  // `durable` to the ingest thread.
  void ScheduleIngestion(uint64_t durable);
  // Ingest thread: writes `group` (durable) to the database. A failure is
  // logged and latched like a failed write, and stops later ingestions (a
  // group must never be skipped).
  void IngestGroup(const IndexBacklog::Group& group);
  // Gives an emptied batch's capacity back for the queue to reuse.
  void Recycle(std::vector<Pending> batch);
  // Writes the latest checkpoint as c/<size> unless the history already
  // ends there.
  absl::StatusOr<SignedCheckpoint> Publish();
  // OUT_OF_RANGE unless tree_size <= size().
  absl::Status CheckTreeSize(uint64_t tree_size, absl::string_view what) const;

  const Options options_;
  const rocksdb::Options db_options_;  // what db_ was opened with
  const std::unique_ptr<rocksdb::DB> db_;
  const std::unique_ptr<checkpoint::NoteSigner> signer_;
  const std::unique_ptr<LogReader> reader_;
  // Only the writer thread touches range_ and tiles_; readers use size_.
  merkle::CompactRange range_;
  HashTileWriter tiles_;
  // Index postings not yet in the database.
  IndexBacklog backlog_;
  // Runs IngestGroup, in group order.
  std::unique_ptr<OrderedRunner> ingests_;
  std::atomic<bool> ingest_failed_{false};
  // Runs MakeDurable for written batches, in order.
  std::unique_ptr<OrderedRunner> syncs_;
  // Runs the callbacks of durable batches, in order.
  std::unique_ptr<OrderedRunner> completions_;
  // Entries written to RocksDB (the writer's range_.size() after its last
  // successful Write); the WAL holds them, maybe not yet synced.
  std::atomic<uint64_t> written_;
  // Entries known to be in a synced WAL; only the sync thread touches it.
  uint64_t synced_;
  std::atomic<uint64_t> size_;

  mutable absl::Mutex mu_;
  absl::CondVar work_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(mu_);
  std::vector<Pending> spare_ ABSL_GUARDED_BY(mu_);  // see Recycle
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status write_error_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
  SignedCheckpoint latest_ ABSL_GUARDED_BY(mu_);

  // Serializes history publication (writer thread and PublishCheckpoint).
  absl::Mutex history_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // Size of the newest history checkpoint, or ~0 when there is none.
  uint64_t history_size_ ABSL_GUARDED_BY(history_mu_);
  SignedCheckpoint history_latest_ ABSL_GUARDED_BY(history_mu_);

  std::thread writer_;
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_AUDIT_LOG_H_
