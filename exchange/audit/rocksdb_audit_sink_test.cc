#include "exchange/audit/rocksdb_audit_sink.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/digest.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace datarun::audit {
namespace {

using ::testing::HasSubstr;

std::string TempDir() {
  std::string tmpl = "/tmp/datarun_audit_sink_XXXXXX";
  char* dir = ::mkdtemp(tmpl.data());
  return dir == nullptr ? "" : std::string(dir);
}

v1::AuditEntry Entry(absl::string_view request_id) {
  v1::AuditEntry entry;
  entry.set_time_micros(1'800'000'000'000'000);
  entry.set_consumer("tax");
  entry.set_on_behalf_of("T0042");
  entry.set_dataset("land.property_title");
  entry.set_owner("land");
  entry.set_subject_hash(std::string(64, 'a'));
  entry.add_fields_requested("title_no");
  entry.add_fields_released("title_no");
  entry.set_purpose("property_transfer.deed_tax");
  entry.set_request_id(std::string(request_id));
  entry.set_decision(v1::AUDIT_DECISION_ALLOW);
  entry.set_grant_id("g-tax-land-1");
  entry.set_status_code("OK");
  return entry;
}

// Blocks the writer on its first batch until released.
struct WriterGate {
  absl::Notification entered;
  absl::Notification release;
  std::atomic<int> batches{0};
  std::function<void()> Hook() {
    return [this] {
      if (batches++ == 0) {
        entered.Notify();
        release.WaitForNotification();
      }
    };
  }
};

// Collects async receipts.
struct Results {
  absl::Mutex mu;
  std::vector<absl::StatusOr<AuditReceipt>> receipts ABSL_GUARDED_BY(mu);
  AuditSink::AppendDone Callback() {
    return [this](absl::StatusOr<AuditReceipt> r) {
      absl::MutexLock lock(&mu);
      receipts.push_back(std::move(r));
    };
  }
  void WaitFor(size_t n) {
    absl::MutexLock lock(&mu);
    auto enough = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu) {
      return receipts.size() >= n;
    };
    mu.Await(absl::Condition(&enough));
  }
};

// A file system whose WAL writes fail while `fail` is set.
class FailingWalFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FailingWalFileSystem(std::atomic<bool>* fail)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), fail_(fail) {}
  const char* Name() const override { return "FailingWalFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *result = std::make_unique<File>(std::move(*result), fail_);
    }
    return s;
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, std::atomic<bool>* fail)
        : FSWritableFileOwnerWrapper(std::move(file)), fail_(fail) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (*fail_) return rocksdb::IOStatus::IOError("injected: disk full");
      return FSWritableFileOwnerWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data,
                             const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (*fail_) return rocksdb::IOStatus::IOError("injected: disk full");
      return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (*fail_) return rocksdb::IOStatus::IOError("injected: disk full");
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (*fail_) return rocksdb::IOStatus::IOError("injected: disk full");
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }

   private:
    std::atomic<bool>* fail_;
  };

  std::atomic<bool>* fail_;
};

class RocksDbAuditSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    ASSERT_FALSE(dir_.empty());
    options_.path = dir_ + "/audit";
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::unique_ptr<RocksDbAuditSink> OpenSink() {
    auto sink = RocksDbAuditSink::Open(options_);
    EXPECT_TRUE(sink.ok()) << sink.status();
    return sink.ok() ? std::move(*sink) : nullptr;
  }

  std::string dir_;
  RocksDbAuditSink::Options options_;
};

TEST_F(RocksDbAuditSinkTest, AppendsAndReadsBack) {
  auto sink = OpenSink();
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(sink->size(), 0u);
  absl::Time before = absl::Now();
  for (int i = 0; i < 3; ++i) {
    v1::AuditEntry entry = Entry(absl::StrCat("req-", i));
    auto receipt = sink->AppendAndWait(entry);
    ASSERT_TRUE(receipt.ok()) << receipt.status();
    EXPECT_EQ(receipt->index, static_cast<uint64_t>(i));
    EXPECT_EQ(receipt->entry_digest_hex,
              Sha256Hex(SerializeDeterministically(entry)));
    EXPECT_GE(receipt->logged_at, before);
    v1::AuditReceipt proto = ToProto(*receipt);
    EXPECT_EQ(proto.entry_index(), receipt->index);
    EXPECT_EQ(proto.entry_digest(), receipt->entry_digest_hex);
  }
  EXPECT_EQ(sink->size(), 3u);

  auto entries = sink->Read(0, 3);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(SerializeDeterministically((*entries)[i]),
              SerializeDeterministically(Entry(absl::StrCat("req-", i))));
  }
  auto middle = sink->Read(1, 2);
  ASSERT_TRUE(middle.ok());
  ASSERT_EQ(middle->size(), 1u);
  EXPECT_EQ((*middle)[0].request_id(), "req-1");
  EXPECT_TRUE(sink->Read(3, 3)->empty());
}

TEST_F(RocksDbAuditSinkTest, ReadRejectsBadRanges) {
  auto sink = OpenSink();
  ASSERT_TRUE(sink->AppendAndWait(Entry("a")).ok());
  EXPECT_EQ(sink->Read(1, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto beyond = sink->Read(0, 2);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_THAT(std::string(beyond.status().message()),
              HasSubstr("has 1 entries"));
}

TEST_F(RocksDbAuditSinkTest, IndexesContinueAfterReopen) {
  {
    auto sink = OpenSink();
    ASSERT_TRUE(sink->AppendAndWait(Entry("a")).ok());
    ASSERT_TRUE(sink->AppendAndWait(Entry("b")).ok());
  }
  auto sink = OpenSink();
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(sink->size(), 2u);
  auto receipt = sink->AppendAndWait(Entry("c"));
  ASSERT_TRUE(receipt.ok());
  EXPECT_EQ(receipt->index, 2u);
  auto entries = sink->Read(0, 3);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ((*entries)[0].request_id(), "a");
  EXPECT_EQ((*entries)[2].request_id(), "c");
}

TEST_F(RocksDbAuditSinkTest, ConcurrentAppendsGetDistinctContiguousIndexes) {
  auto sink = OpenSink();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  absl::Mutex mu;
  std::vector<std::pair<uint64_t, std::string>> got;  // index, request id
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = absl::StrCat("t", t, "-", i);
        auto receipt = sink->AppendAndWait(Entry(id));
        if (!receipt.ok()) {
          ++failures;
          continue;
        }
        absl::MutexLock lock(&mu);
        got.emplace_back(receipt->index, id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_EQ(got.size(), static_cast<size_t>(kThreads * kPerThread));
  std::sort(got.begin(), got.end());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].first, i) << "indexes must be distinct and contiguous";
  }
  // Every receipt names the slot its own entry landed in.
  auto entries = sink->Read(0, got.size());
  ASSERT_TRUE(entries.ok()) << entries.status();
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ((*entries)[i].request_id(), got[i].second);
  }
  RocksDbAuditSink::Stats stats = sink->stats();
  EXPECT_EQ(stats.appended, got.size());
  EXPECT_LE(stats.batches, stats.appended);
}

TEST_F(RocksDbAuditSinkTest, ConcurrentAppendsShareOneSyncedWrite) {
  WriterGate gate;
  options_.before_write_for_tests = gate.Hook();
  auto sink = OpenSink();
  Results results;
  sink->Append(Entry("first"), results.Callback());
  gate.entered.WaitForNotification();  // the writer holds batch 1

  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        sink->Append(Entry(absl::StrCat("t", t, "-", i)), results.Callback());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(sink->stats().pending, static_cast<size_t>(kThreads * kPerThread));
  gate.release.Notify();
  results.WaitFor(1 + kThreads * kPerThread);

  std::vector<uint64_t> indexes;
  {
    absl::MutexLock lock(&results.mu);
    for (const auto& receipt : results.receipts) {
      ASSERT_TRUE(receipt.ok()) << receipt.status();
      indexes.push_back(receipt->index);
    }
  }
  std::sort(indexes.begin(), indexes.end());
  for (size_t i = 0; i < indexes.size(); ++i) ASSERT_EQ(indexes[i], i);
  RocksDbAuditSink::Stats stats = sink->stats();
  EXPECT_EQ(stats.appended, 1u + kThreads * kPerThread);
  // One write for "first", one for the 200 that queued behind it.
  EXPECT_EQ(stats.batches, 2u);
}

TEST_F(RocksDbAuditSinkTest, FullQueueIsResourceExhausted) {
  WriterGate gate;
  options_.before_write_for_tests = gate.Hook();
  options_.max_pending = 2;
  auto sink = OpenSink();
  Results results;
  sink->Append(Entry("a"), results.Callback());
  gate.entered.WaitForNotification();
  sink->Append(Entry("b"), results.Callback());
  sink->Append(Entry("c"), results.Callback());

  absl::StatusOr<AuditReceipt> refused;
  bool called = false;
  sink->Append(Entry("d"), [&](absl::StatusOr<AuditReceipt> r) {
    refused = std::move(r);
    called = true;
  });
  ASSERT_TRUE(called);  // refusals are immediate
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().message(), "audit queue full (2 pending)");
  EXPECT_EQ(sink->stats().rejected, 1u);

  gate.release.Notify();
  results.WaitFor(3);
  EXPECT_EQ(sink->size(), 3u);
  auto entries = sink->Read(0, 3);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ((*entries)[0].request_id(), "a");
  EXPECT_EQ((*entries)[1].request_id(), "b");
  EXPECT_EQ((*entries)[2].request_id(), "c");
}

TEST_F(RocksDbAuditSinkTest, ClosingWritesEveryPendingEntry) {
  WriterGate gate;
  options_.before_write_for_tests = gate.Hook();
  auto sink = OpenSink();
  Results results;
  sink->Append(Entry("a"), results.Callback());
  gate.entered.WaitForNotification();
  for (int i = 0; i < 10; ++i) {
    sink->Append(Entry(absl::StrCat("q", i)), results.Callback());
  }
  std::thread closer([&] { sink.reset(); });
  gate.release.Notify();
  closer.join();
  results.WaitFor(11);
  {
    absl::MutexLock lock(&results.mu);
    for (const auto& receipt : results.receipts) {
      EXPECT_TRUE(receipt.ok()) << receipt.status();
    }
  }
  options_.before_write_for_tests = nullptr;
  auto reopened = OpenSink();
  EXPECT_EQ(reopened->size(), 11u);
}

TEST_F(RocksDbAuditSinkTest, SecondOpenOfTheSameLogIsRefused) {
  auto sink = OpenSink();
  ASSERT_NE(sink, nullptr);
  auto second = RocksDbAuditSink::Open(options_);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()), HasSubstr(options_.path));
}

TEST_F(RocksDbAuditSinkTest, OpenDetectsLostEntries) {
  {
    auto sink = OpenSink();
    for (const char* id : {"a", "b", "c"}) {
      ASSERT_TRUE(sink->AppendAndWait(Entry(id)).ok());
    }
  }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::Options(), options_.path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), EntryKey(2)).ok());
  }
  auto sink = RocksDbAuditSink::Open(options_);
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(sink.status().message()),
              HasSubstr("stored next index is 3 but the last entry is 1"));
}

TEST_F(RocksDbAuditSinkTest, OpenRefusesAnUnknownLayout) {
  {
    rocksdb::Options db_options;
    db_options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(db_options, options_.path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "something", "else").ok());
  }
  auto sink = RocksDbAuditSink::Open(options_);
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(sink.status().message()),
              HasSubstr("not a datarun audit log"));
}

TEST_F(RocksDbAuditSinkTest, AFailedWriteMakesTheLogUnwritableUntilReopened) {
  std::atomic<bool> fail{false};
  auto env =
      rocksdb::NewCompositeEnv(std::make_shared<FailingWalFileSystem>(&fail));
  options_.env_for_tests = env.get();
  {
    auto sink = OpenSink();
    ASSERT_NE(sink, nullptr);
    ASSERT_TRUE(sink->AppendAndWait(Entry("a")).ok());
    fail = true;
    auto failed = sink->AppendAndWait(Entry("b"));
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(failed.status().message()),
                HasSubstr("audit log is not writable: "));
    EXPECT_THAT(std::string(failed.status().message()),
                HasSubstr("injected: disk full"));
    // The disk recovers, but the sink stays closed: it cannot know whether
    // "b" reached the WAL, so it must not hand out index 1 again.
    fail = false;
    auto latched = sink->AppendAndWait(Entry("c"));
    EXPECT_EQ(latched.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(latched.status().message()),
                HasSubstr("earlier write failed"));
    EXPECT_EQ(sink->size(), 1u);
  }
  options_.env_for_tests = nullptr;
  auto sink = OpenSink();
  ASSERT_NE(sink, nullptr);
  uint64_t size = sink->size();
  EXPECT_GE(size, 1u);
  auto entries = sink->Read(0, size);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ((*entries)[0].request_id(), "a");
  auto next = sink->AppendAndWait(Entry("d"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->index, size);
}

// kill -9 in the middle of group commits: every acknowledged entry is there
// after reopening, with the index its receipt named, and the log continues.
TEST_F(RocksDbAuditSinkTest, AcknowledgedEntriesSurviveKill9) {
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string helper = DATARUN_AUDIT_CRASH_HELPER;
  std::vector<char*> argv = {helper.data(), options_.path.data(), nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv.data(),
                        environ),
            0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);

  // Read acknowledgements until enough arrived, then kill without warning.
  std::map<uint64_t, std::string> acked;
  std::string buffer;
  char chunk[4096];
  while (acked.size() < 300) {
    ssize_t n = ::read(out[0], chunk, sizeof(chunk));
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
    size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      std::string line = buffer.substr(0, newline);
      buffer.erase(0, newline + 1);
      size_t space = line.find(' ');
      acked[std::stoull(line.substr(0, space))] = line.substr(space + 1);
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "helper exited early: " << status;
  ASSERT_GE(acked.size(), 300u);

  auto sink = OpenSink();
  ASSERT_NE(sink, nullptr);
  EXPECT_GT(sink->size(), acked.rbegin()->first);
  auto entries = sink->Read(0, sink->size());
  ASSERT_TRUE(entries.ok()) << entries.status();
  for (const auto& [index, request_id] : acked) {
    ASSERT_EQ((*entries)[index].request_id(), request_id) << "index " << index;
  }
  auto next = sink->AppendAndWait(Entry("after-crash"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->index, entries->size());
}

TEST_F(RocksDbAuditSinkTest, OpenValidatesOptions) {
  RocksDbAuditSink::Options options;
  EXPECT_EQ(RocksDbAuditSink::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.path = dir_ + "/x";
  options.max_pending = 0;
  EXPECT_EQ(RocksDbAuditSink::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datarun::audit
