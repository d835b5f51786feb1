// Failure behaviour of the audit log: a failing disk, and kill -9 in the
// middle of group commits.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/audit_testing.h"
#include "exchange/audit/verifier.h"
#include "exchange/merkle/verify.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"

namespace datarun::audit {
namespace {

using ::datarun::audit::testing::Entry;
using ::datarun::audit::testing::TempLog;
using ::testing::HasSubstr;

// A file system whose WAL writes and syncs fail while `fail` is set, and
// whose WAL syncs alone fail while `fail_sync` (if any) is set.
class FailingWalFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit FailingWalFileSystem(std::atomic<bool>* fail,
                                std::atomic<bool>* fail_sync = nullptr)
      : FileSystemWrapper(rocksdb::FileSystem::Default()),
        fail_(fail),
        fail_sync_(fail_sync != nullptr ? fail_sync : fail) {}
  const char* Name() const override { return "FailingWalFileSystem"; }

  rocksdb::IOStatus NewWritableFile(
      const std::string& name, const rocksdb::FileOptions& options,
      std::unique_ptr<rocksdb::FSWritableFile>* result,
      rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok() && absl::EndsWith(name, ".log")) {
      *result = std::make_unique<File>(std::move(*result), fail_, fail_sync_);
    }
    return s;
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, std::atomic<bool>* fail,
         std::atomic<bool>* fail_sync)
        : FSWritableFileOwnerWrapper(std::move(file)),
          fail_(fail),
          fail_sync_(fail_sync) {}
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
      if (*fail_sync_) return rocksdb::IOStatus::IOError("injected: no sync");
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (*fail_) return rocksdb::IOStatus::IOError("injected: disk full");
      if (*fail_sync_) return rocksdb::IOStatus::IOError("injected: no sync");
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }

   private:
    std::atomic<bool>* fail_;
    std::atomic<bool>* fail_sync_;
  };

  std::atomic<bool>* fail_;
  std::atomic<bool>* fail_sync_;
};

TEST(AuditLogFailureTest, AFailedWriteMakesTheLogUnwritableUntilReopened) {
  TempLog temp;
  std::atomic<bool> fail{false};
  auto env =
      rocksdb::NewCompositeEnv(std::make_shared<FailingWalFileSystem>(&fail));
  temp.options.env_for_tests = env.get();
  {
    auto log = temp.Open();
    ASSERT_NE(log, nullptr);
    ASSERT_TRUE(log->AppendAndWait(Entry("a")).ok());
    fail = true;
    auto failed = log->AppendAndWait(Entry("b"));
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(failed.status().message()),
                HasSubstr("audit log is not writable: "));
    EXPECT_THAT(std::string(failed.status().message()),
                HasSubstr("injected: disk full"));
    // The disk recovers, but the log stays closed: it cannot know whether
    // "b" reached the WAL, so it must not hand out index 1 again.
    fail = false;
    auto latched = log->AppendAndWait(Entry("c"));
    EXPECT_EQ(latched.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(latched.status().message()),
                HasSubstr("earlier write failed"));
    EXPECT_EQ(log->size(), 1u);
    EXPECT_EQ(log->LatestCheckpoint()->checkpoint.size, 1u);
  }
  temp.options.env_for_tests = nullptr;
  auto log = temp.Open();
  ASSERT_NE(log, nullptr);
  uint64_t size = log->size();
  EXPECT_GE(size, 1u);
  auto entries = log->Read(0, size);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ((*entries)[0].request_id(), "a");
  auto next = log->AppendAndWait(Entry("d"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->index, size);
}

// The batch reaches the WAL but the WAL cannot be synced: nothing is
// acknowledged or published, and the log stays closed until reopened.
TEST(AuditLogFailureTest, AFailedSyncIsNotAcknowledged) {
  TempLog temp;
  std::atomic<bool> fail{false};
  std::atomic<bool> fail_sync{false};
  auto env = rocksdb::NewCompositeEnv(
      std::make_shared<FailingWalFileSystem>(&fail, &fail_sync));
  temp.options.env_for_tests = env.get();
  temp.options.sync = true;
  {
    auto log = temp.Open();
    ASSERT_NE(log, nullptr);
    ASSERT_TRUE(log->AppendAndWait(Entry("a")).ok());
    fail_sync = true;
    auto failed = log->AppendAndWait(Entry("b"));
    EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(failed.status().message()),
                HasSubstr("injected: no sync"));
    fail_sync = false;
    auto latched = log->AppendAndWait(Entry("c"));
    EXPECT_EQ(latched.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(log->size(), 1u);
    EXPECT_EQ(log->LatestCheckpoint()->checkpoint.size, 1u);
    uint64_t next = 0;
    AuditLog::SearchQuery query;
    query.consumer = "tax";
    EXPECT_EQ(log->Search(query, &next)->size(), 1u) << "b is not visible";
  }
  temp.options.env_for_tests = nullptr;
  auto log = temp.Open();
  ASSERT_NE(log, nullptr);
  const uint64_t size = log->size();
  EXPECT_GE(size, 1u);
  auto next = log->AppendAndWait(Entry("d"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->index, size);
  EXPECT_TRUE(VerifyLog(temp.options.path, "").ok());
}

// kill -9 in the middle of synced group commits: every acknowledged entry is
// there after reopening, at the index its receipt named, with an inclusion
// proof against the new latest checkpoint; the log verifies and continues.
TEST(AuditLogFailureTest, AcknowledgedEntriesSurviveKill9) {
  TempLog temp;
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string helper = DATARUN_AUDIT_CRASH_HELPER;
  std::string path = temp.options.path;
  std::string key = temp.options.signing_key_file;
  // Index postings go to the database every 50 entries: the kill lands
  // with some of them only in the writer's memory.
  std::string ingest = "50";
  std::vector<char*> argv = {helper.data(), path.data(), key.data(),
                             ingest.data(), nullptr};
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

  auto report = VerifyLog(path, "");
  ASSERT_TRUE(report.ok()) << report.status();
  temp.options.origin = "crash.test/audit";
  auto log = temp.Open();
  ASSERT_NE(log, nullptr);
  EXPECT_GT(log->size(), acked.rbegin()->first);
  EXPECT_EQ(report->entries, log->size());
  auto latest = log->LatestCheckpoint();
  ASSERT_TRUE(latest.ok());
  for (const auto& [index, request_id] : acked) {
    auto entry = log->Read(index, index + 1);
    ASSERT_TRUE(entry.ok()) << entry.status();
    ASSERT_EQ((*entry)[0].request_id(), request_id) << "index " << index;
    auto leaf = log->LeafHash(index);
    auto proof = log->InclusionProof(index, latest->checkpoint.size);
    ASSERT_TRUE(leaf.ok() && proof.ok());
    ASSERT_TRUE(merkle::VerifyInclusion(latest->checkpoint.size, index, *leaf,
                                        *proof, latest->checkpoint.root)
                    .ok())
        << "index " << index;
  }
  // The index is whole again: what was not ingested before the kill was
  // rebuilt from the entries.
  EXPECT_LE(report->indexed, report->entries);
  std::vector<uint64_t> found;
  AuditLog::SearchQuery query;
  query.subject_hash = "subject-3";
  query.limit = kMaxSearchLimit;
  while (true) {
    uint64_t next = 0;
    auto hits = log->Search(query, &next);
    ASSERT_TRUE(hits.ok()) << hits.status();
    for (const auto& hit : *hits) found.push_back(hit.index);
    if (next == 0) break;
    query.start_index = next;
  }
  for (const auto& [index, request_id] : acked) {
    const int i = std::stoi(request_id.substr(request_id.rfind('-') + 1));
    const bool listed = std::binary_search(found.begin(), found.end(), index);
    EXPECT_EQ(listed, i % 7 == 3) << request_id << " at " << index;
  }
  auto next = log->AppendAndWait(Entry("after-crash"));
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->index, report->entries);
  log.reset();
  auto closed = VerifyLog(path, "");
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->indexed, closed->entries);
}

}  // namespace
}  // namespace datarun::audit
