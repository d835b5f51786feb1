// The audit log on RocksDB, with group commit: one writer thread takes every
// pending entry, writes them in one WriteBatch with a synced WAL write, then
// completes their callbacks, so concurrent appends share one fsync.
//
// Layout (docs/audit-store-format.md): "e/" + big-endian index -> the entry's
// deterministic serialization; "m/next_index" -> next index, written in the
// same batch. The Merkle tree and secondary indexes come later, beside these
// keys.
#ifndef DATARUN_EXCHANGE_AUDIT_ROCKSDB_AUDIT_SINK_H_
#define DATARUN_EXCHANGE_AUDIT_ROCKSDB_AUDIT_SINK_H_

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
#include "datarun/v1/audit.pb.h"
#include "exchange/audit/audit_sink.h"
#include "rocksdb/db.h"

namespace datarun::audit {

class RocksDbAuditSink final : public AuditSink {
 public:
  struct Options {
    // Database directory; created (with parents) when missing.
    std::string path;
    // Entries waiting for the writer beyond which Append refuses.
    size_t max_pending = 65536;
    // fsync the WAL on every batch. Only tests turn this off.
    bool sync = true;
    // Test hook: runs on the writer thread after it took a batch and before
    // it writes it.
    std::function<void()> before_write_for_tests;
    // Test hook: RocksDB environment (fault injection); default when null.
    // Not owned; must outlive the sink.
    rocksdb::Env* env_for_tests = nullptr;
  };

  // Counters since Open, for metrics and tests.
  struct Stats {
    uint64_t appended = 0;  // entries made durable
    uint64_t batches = 0;   // WriteBatch writes (= syncs when sync is on)
    uint64_t rejected = 0;  // refused with RESOURCE_EXHAUSTED
    uint64_t failed = 0;    // refused or failed with UNAVAILABLE
    size_t pending = 0;     // entries queued, not yet taken by the writer
  };

  // Opens or creates the log at `options.path` and starts the writer thread.
  // Errors, naming the path:
  //   INVALID_ARGUMENT     empty path or max_pending == 0;
  //   FAILED_PRECONDITION  the database is locked by another process, or
  //                        was written by an unknown layout version;
  //   DATA_LOSS            the stored next index does not follow the last
  //                        entry (entries lost or written outside the sink),
  //                        or an entry key is malformed;
  //   INTERNAL             other RocksDB or file errors.
  static absl::StatusOr<std::unique_ptr<RocksDbAuditSink>> Open(
      const Options& options);

  RocksDbAuditSink(const RocksDbAuditSink&) = delete;
  RocksDbAuditSink& operator=(const RocksDbAuditSink&) = delete;
  // Refuses new appends, writes every pending one (running its callback),
  // stops the writer and closes the database. Must not be called from a
  // `done` callback.
  ~RocksDbAuditSink() override;

  // See AuditSink::Append. Serializes and digests `entry` on the calling
  // thread. After a failed write every later Append fails with UNAVAILABLE
  // until the sink is reopened, so no index is ever handed out twice.
  void Append(v1::AuditEntry entry, AppendDone done) override;

  // Returns the entries [begin, end) in index order. Thread-safe, may run
  // concurrently with appends. Errors:
  //   INVALID_ARGUMENT  begin > end;
  //   OUT_OF_RANGE      end > size();
  //   DATA_LOSS         an entry is missing or unparsable (index named).
  absl::StatusOr<std::vector<v1::AuditEntry>> Read(uint64_t begin,
                                                   uint64_t end) const;

  // Returns the number of durable entries (= the next index).
  uint64_t size() const { return size_.load(std::memory_order_acquire); }

  Stats stats() const;

  const std::string& path() const { return options_.path; }

 private:
  struct Pending {
    std::string bytes;
    std::string digest_hex;
    AppendDone done;
  };

  RocksDbAuditSink(Options options, std::unique_ptr<rocksdb::DB> db,
                   uint64_t next_index);

  void WriterLoop();
  void WriteBatch(std::vector<Pending> batch);

  const Options options_;
  const std::unique_ptr<rocksdb::DB> db_;
  // Only the writer thread touches next_index_; readers use size_.
  uint64_t next_index_;
  std::atomic<uint64_t> size_;

  mutable absl::Mutex mu_;
  absl::CondVar work_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status write_error_ ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);

  std::thread writer_;
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_ROCKSDB_AUDIT_SINK_H_
