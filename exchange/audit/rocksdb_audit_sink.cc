#include "exchange/audit/rocksdb_audit_sink.h"

#include <limits>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/digest.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

absl::Status OpenError(const rocksdb::Status& status, const std::string& path) {
  if (status.IsIOError() && absl::StrContains(status.ToString(), "lock")) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit log ", path,
                     " is in use by another process: ", status.ToString()));
  }
  return FromRocksStatus(status, absl::StrCat("cannot open audit log ", path));
}

// Reads the layout version and the next index, checks that the next index
// follows the last stored entry, and initialises a new database.
absl::StatusOr<uint64_t> Recover(rocksdb::DB* db, const std::string& path) {
  std::string format;
  rocksdb::Status s =
      db->Get(rocksdb::ReadOptions(), std::string(kFormatKey), &format);
  bool has_format = s.ok();
  if (!s.ok() && !s.IsNotFound()) {
    return FromRocksStatus(s, absl::StrCat("audit log ", path));
  }
  std::string next_bytes;
  s = db->Get(rocksdb::ReadOptions(), std::string(kNextIndexKey), &next_bytes);
  bool has_next = s.ok();
  if (!s.ok() && !s.IsNotFound()) {
    return FromRocksStatus(s, absl::StrCat("audit log ", path));
  }

  absl::optional<uint64_t> last;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions()));
    it->SeekForPrev(EntryKey(std::numeric_limits<uint64_t>::max()));
    if (it->Valid() &&
        absl::StartsWith(absl::string_view(it->key().data(), it->key().size()),
                         kEntryKeyPrefix)) {
      last =
          ParseEntryKey(absl::string_view(it->key().data(), it->key().size()));
      if (!last.has_value()) {
        return absl::DataLossError(absl::StrCat("audit log ", path,
                                                ": malformed entry key of ",
                                                it->key().size(), " bytes"));
      }
    }
    RETURN_IF_ERROR(
        FromRocksStatus(it->status(), absl::StrCat("audit log ", path)));
  }

  bool empty = false;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions()));
    it->SeekToFirst();
    empty = !it->Valid();
    RETURN_IF_ERROR(
        FromRocksStatus(it->status(), absl::StrCat("audit log ", path)));
  }
  if (empty) {
    // A new log.
    rocksdb::WriteBatch batch;
    batch.Put(std::string(kFormatKey), std::string(kFormatVersion));
    batch.Put(std::string(kNextIndexKey), EncodeUint64(0));
    rocksdb::WriteOptions sync;
    sync.sync = true;
    RETURN_IF_ERROR(
        FromRocksStatus(db->Write(sync, &batch),
                        absl::StrCat("cannot initialise audit log ", path)));
    return 0;
  }
  if (!has_format) {
    return absl::FailedPreconditionError(absl::StrCat(
        "audit log ", path,
        " is not empty but has no layout version record: it is not a datarun "
        "audit log"));
  }
  if (format != kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit log ", path, " has layout version '", format,
                     "'; this build reads version ", kFormatVersion));
  }
  absl::optional<uint64_t> next = DecodeUint64(next_bytes);
  if (!has_next || !next.has_value()) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", path, ": the next-index record is missing or malformed"));
  }
  uint64_t expected = last.has_value() ? *last + 1 : 0;
  if (*next != expected) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", path, ": stored next index is ", *next, " but ",
        last.has_value() ? absl::StrCat("the last entry is ", *last)
                         : std::string("there are no entries")));
  }
  return *next;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RocksDbAuditSink>> RocksDbAuditSink::Open(
    const Options& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("audit log path is empty");
  }
  if (options.max_pending == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "audit log ", options.path, ": max_pending must be at least 1"));
  }
  RETURN_IF_ERROR(MakeDirs(options.path));
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.paranoid_checks = true;
  if (options.env_for_tests != nullptr) db_options.env = options.env_for_tests;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, &raw);
  if (!s.ok()) return OpenError(s, options.path);
  std::unique_ptr<rocksdb::DB> db(raw);
  ASSIGN_OR_RETURN(uint64_t next_index, Recover(db.get(), options.path));
  LogLine("audit_log_opened")
      .Str("path", options.path)
      .Int("entries", static_cast<int64_t>(next_index));
  return std::unique_ptr<RocksDbAuditSink>(
      new RocksDbAuditSink(options, std::move(db), next_index));
}

RocksDbAuditSink::RocksDbAuditSink(Options options,
                                   std::unique_ptr<rocksdb::DB> db,
                                   uint64_t next_index)
    : options_(std::move(options)),
      db_(std::move(db)),
      next_index_(next_index),
      size_(next_index) {
  writer_ = std::thread([this] { WriterLoop(); });
}

RocksDbAuditSink::~RocksDbAuditSink() {
  {
    absl::MutexLock lock(&mu_);
    closing_ = true;
    work_.Signal();
  }
  writer_.join();
  rocksdb::Status s = db_->Close();
  if (!s.ok()) {
    LogLine("audit_log_close_failed", LogLevel::kError)
        .Str("path", options_.path)
        .Status(FromRocksStatus(s, "close"));
  }
}

void RocksDbAuditSink::Append(v1::AuditEntry entry, AppendDone done) {
  Pending pending;
  pending.bytes = SerializeDeterministically(entry);
  pending.digest_hex = Sha256Hex(pending.bytes);
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

void RocksDbAuditSink::WriterLoop() {
  while (true) {
    std::vector<Pending> batch;
    {
      absl::MutexLock lock(&mu_);
      while (queue_.empty() && !closing_) work_.Wait(&mu_);
      if (queue_.empty()) return;  // closing, and everything is written
      batch.swap(queue_);
    }
    if (options_.before_write_for_tests) options_.before_write_for_tests();
    WriteBatch(std::move(batch));
  }
}

void RocksDbAuditSink::WriteBatch(std::vector<Pending> batch) {
  absl::Status status;
  {
    absl::MutexLock lock(&mu_);
    status = write_error_;
  }
  uint64_t first = next_index_;
  if (status.ok()) {
    rocksdb::WriteBatch write;
    for (size_t i = 0; i < batch.size(); ++i) {
      write.Put(EntryKey(first + i), batch[i].bytes);
    }
    write.Put(std::string(kNextIndexKey), EncodeUint64(first + batch.size()));
    rocksdb::WriteOptions write_options;
    write_options.sync = options_.sync;
    status = FromRocksStatus(db_->Write(write_options, &write),
                             absl::StrCat("write to ", options_.path));
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
      // Latch: whether the failed batch reached the WAL is unknown, so the
      // in-memory next index can no longer be trusted until reopened.
      if (write_error_.ok()) write_error_ = status;
      stats_.failed += batch.size();
    }
    for (Pending& pending : batch) pending.done(unavailable);
    return;
  }
  next_index_ = first + batch.size();
  size_.store(next_index_, std::memory_order_release);
  absl::Time logged_at = absl::Now();
  {
    absl::MutexLock lock(&mu_);
    stats_.appended += batch.size();
    ++stats_.batches;
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    AuditReceipt receipt;
    receipt.index = first + i;
    receipt.entry_digest_hex = std::move(batch[i].digest_hex);
    receipt.logged_at = logged_at;
    batch[i].done(std::move(receipt));
  }
}

absl::StatusOr<std::vector<v1::AuditEntry>> RocksDbAuditSink::Read(
    uint64_t begin, uint64_t end) const {
  if (begin > end) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit log read: begin ", begin, " is after end ", end));
  }
  uint64_t size = this->size();
  if (end > size) {
    return absl::OutOfRangeError(
        absl::StrCat("audit log ", options_.path, " has ", size,
                     " entries; cannot read up to ", end));
  }
  std::vector<v1::AuditEntry> entries;
  if (begin == end) return entries;
  entries.reserve(end - begin);
  std::string upper = EntryKey(end);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  uint64_t expected = begin;
  for (it->Seek(EntryKey(begin)); it->Valid() && expected < end; it->Next()) {
    absl::optional<uint64_t> index =
        ParseEntryKey(absl::string_view(it->key().data(), it->key().size()));
    if (!index.has_value() || *index != expected) break;
    v1::AuditEntry entry;
    if (!entry.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("audit log ", options_.path,
                                              ": entry ", expected,
                                              " cannot be parsed"));
    }
    entries.push_back(std::move(entry));
    ++expected;
  }
  RETURN_IF_ERROR(FromRocksStatus(
      it->status(), absl::StrCat("read audit log ", options_.path)));
  if (expected != end) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", options_.path, ": entry ", expected, " is missing"));
  }
  return entries;
}

RocksDbAuditSink::Stats RocksDbAuditSink::stats() const {
  absl::MutexLock lock(&mu_);
  Stats stats = stats_;
  stats.pending = queue_.size();
  return stats;
}

}  // namespace datarun::audit
