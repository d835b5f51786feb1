#include "exchange/audit/audit_log.h"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/audit_testing.h"
#include "exchange/audit/digest.h"
#include "exchange/audit/verifier.h"
#include "exchange/checkpoint/checkpoint.h"
#include "exchange/checkpoint/note_verifier.h"
#include "exchange/merkle/compact_range.h"
#include "exchange/merkle/tree.h"
#include "exchange/merkle/verify.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

using ::datarun::audit::testing::Entry;
using ::datarun::audit::testing::Results;
using ::datarun::audit::testing::TempLog;
using ::datarun::audit::testing::WriterGate;
using ::testing::HasSubstr;

// Checks a receipt the way a consumer would: the checkpoint is signed by the
// log's key, and the entry is included in it.
void ExpectReceiptVerifies(const AuditLog& log, const AuditReceipt& receipt,
                           const v1::AuditEntry& entry) {
  auto verifier = checkpoint::NoteVerifier::FromVerifierKey(log.VerifierKey());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  auto body = verifier->Open(receipt.checkpoint_note);
  ASSERT_TRUE(body.ok()) << body.status();
  auto parsed = checkpoint::ParseBody(*body);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->origin, "test.datarun/audit");
  ASSERT_EQ(parsed->size, receipt.tree_size);
  ASSERT_LT(receipt.index, receipt.tree_size);
  auto proof = log.InclusionProof(receipt.index, receipt.tree_size);
  ASSERT_TRUE(proof.ok()) << proof.status();
  merkle::Hash leaf = merkle::HashLeaf(SerializeDeterministically(entry));
  EXPECT_TRUE(merkle::VerifyInclusion(receipt.tree_size, receipt.index, leaf,
                                      *proof, parsed->root)
                  .ok())
      << "entry " << receipt.index << " in tree " << receipt.tree_size;
}

TEST(AuditLogTest, AppendsReadsBackAndReceiptsVerify) {
  TempLog temp;
  auto log = temp.Open();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 0u);
  auto empty = log->LatestCheckpoint();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->checkpoint.size, 0u);
  EXPECT_EQ(empty->checkpoint.root, merkle::EmptyRoot());

  absl::Time before = absl::Now();
  for (int i = 0; i < 5; ++i) {
    v1::AuditEntry entry = Entry(absl::StrCat("req-", i));
    auto receipt = log->AppendAndWait(entry);
    ASSERT_TRUE(receipt.ok()) << receipt.status();
    EXPECT_EQ(receipt->index, static_cast<uint64_t>(i));
    EXPECT_EQ(receipt->tree_size, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(receipt->entry_digest_hex,
              Sha256Hex(SerializeDeterministically(entry)));
    EXPECT_GE(receipt->logged_at, before);
    ExpectReceiptVerifies(*log, *receipt, entry);
    v1::AuditReceipt proto = ToProto(*receipt);
    EXPECT_EQ(proto.entry_index(), receipt->index);
    EXPECT_EQ(proto.tree_size(), receipt->tree_size);
    EXPECT_EQ(proto.checkpoint(), receipt->checkpoint_note);
  }
  EXPECT_EQ(log->size(), 5u);
  auto latest = log->LatestCheckpoint();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->checkpoint.size, 5u);

  auto entries = log->Read(0, 5);
  ASSERT_TRUE(entries.ok()) << entries.status();
  ASSERT_EQ(entries->size(), 5u);
  EXPECT_EQ((*entries)[3].request_id(), "req-3");
  auto leaf = log->LeafHash(3);
  ASSERT_TRUE(leaf.ok());
  EXPECT_EQ(*leaf,
            merkle::HashLeaf(SerializeDeterministically(Entry("req-3"))));
}

TEST(AuditLogTest, ArgumentErrors) {
  TempLog temp;
  auto log = temp.Open();
  ASSERT_TRUE(log->AppendAndWait(Entry("a")).ok());
  EXPECT_EQ(log->Read(1, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->Read(0, 2).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(log->Read(0, 1001).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->InclusionProof(1, 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->InclusionProof(0, 2).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(log->ConsistencyProof(1, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log->ConsistencyProof(0, 2).status().code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(log->LeafHash(1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(log->CheckpointHistory(0, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AuditLogTest, ReopenContinuesWithIdenticalRoots) {
  TempLog temp;
  merkle::CompactRange expected;  // the tree rebuilt independently
  merkle::Hash root_before;
  std::string note_before;
  {
    auto log = temp.Open();
    for (int i = 0; i < 37; ++i) {
      v1::AuditEntry entry = Entry(absl::StrCat("a", i));
      ASSERT_TRUE(log->AppendAndWait(entry).ok());
      expected.Append(merkle::HashLeaf(SerializeDeterministically(entry)));
    }
    auto latest = log->LatestCheckpoint();
    root_before = latest->checkpoint.root;
    note_before = latest->note;
    EXPECT_EQ(root_before, expected.Root());
  }
  auto log = temp.Open();
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->size(), 37u);
  auto latest = log->LatestCheckpoint();
  EXPECT_EQ(latest->checkpoint.root, root_before);
  EXPECT_EQ(latest->note, note_before);
  for (int i = 0; i < 30; ++i) {
    v1::AuditEntry entry = Entry(absl::StrCat("b", i));
    auto receipt = log->AppendAndWait(entry);
    ASSERT_TRUE(receipt.ok());
    EXPECT_EQ(receipt->index, 37u + i);
    expected.Append(merkle::HashLeaf(SerializeDeterministically(entry)));
  }
  EXPECT_EQ(log->LatestCheckpoint()->checkpoint.root, expected.Root());
  // The old tree is a prefix of the new one.
  auto proof = log->ConsistencyProof(37, 67);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(
      merkle::VerifyConsistency(37, 67, root_before, expected.Root(), *proof)
          .ok());
  log.reset();
  auto report = VerifyLog(temp.options.path, "");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->entries, 67u);
  EXPECT_EQ(report->root, expected.Root());
}

TEST(AuditLogTest, ConcurrentReceiptsAreDistinctAndVerify) {
  TempLog temp;
  auto log = temp.Open();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  absl::Mutex mu;
  std::vector<std::pair<AuditReceipt, v1::AuditEntry>> got;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        v1::AuditEntry entry = Entry(absl::StrCat("t", t, "-", i));
        auto receipt = log->AppendAndWait(entry);
        ASSERT_TRUE(receipt.ok()) << receipt.status();
        absl::MutexLock lock(&mu);
        got.emplace_back(*receipt, entry);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(got.size(), static_cast<size_t>(kThreads * kPerThread));
  std::sort(got.begin(), got.end(), [](const auto& a, const auto& b) {
    return a.first.index < b.first.index;
  });
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].first.index, i) << "indexes distinct and contiguous";
    ExpectReceiptVerifies(*log, got[i].first, got[i].second);
  }
  auto entries = log->Read(0, got.size());
  ASSERT_TRUE(entries.ok());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ((*entries)[i].request_id(), got[i].second.request_id());
  }
}

TEST(AuditLogTest, GroupCommitSharesOneWriteAndOneCheckpoint) {
  TempLog temp;
  WriterGate gate;
  temp.options.before_write_for_tests = gate.Hook();
  auto log = temp.Open();
  Results results;
  log->Append(Entry("first"), results.Callback());
  gate.entered.WaitForNotification();  // the writer holds batch 1

  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        log->Append(Entry(absl::StrCat("t", t, "-", i)), results.Callback());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(log->stats().pending, static_cast<size_t>(kThreads * kPerThread));
  gate.release.Notify();
  results.WaitFor(1 + kThreads * kPerThread);

  absl::MutexLock lock(&results.mu);
  for (const auto& receipt : results.receipts) {
    ASSERT_TRUE(receipt.ok()) << receipt.status();
    uint64_t expected_size =
        receipt->index == 0 ? 1 : 1 + kThreads * kPerThread;
    EXPECT_EQ(receipt->tree_size, expected_size);
  }
  EXPECT_EQ(results.receipts[1]->checkpoint_note,
            results.receipts.back()->checkpoint_note);
  AuditLog::Stats stats = log->stats();
  EXPECT_EQ(stats.appended, 1u + kThreads * kPerThread);
  EXPECT_EQ(stats.batches, 2u);  // "first", then the 200 queued behind it
}

TEST(AuditLogTest, HistoryCheckpointsAreConsistent) {
  TempLog temp;
  temp.options.checkpoint_interval = absl::Hours(1);  // on demand only
  auto log = temp.Open();
  int appended = 0;
  for (int round : {3, 1, 8, 5, 16}) {
    for (int i = 0; i < round; ++i) {
      ASSERT_TRUE(log->AppendAndWait(Entry(absl::StrCat(appended++))).ok());
    }
    auto published = log->PublishCheckpoint();
    ASSERT_TRUE(published.ok()) << published.status();
    EXPECT_EQ(published->checkpoint.size, static_cast<uint64_t>(appended));
  }
  // Publishing again without growth returns the same checkpoint.
  auto again = log->PublishCheckpoint();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->checkpoint.size, 33u);

  auto history = log->CheckpointHistory(0, 100);
  ASSERT_TRUE(history.ok()) << history.status();
  std::vector<uint64_t> sizes;
  for (const auto& c : *history) sizes.push_back(c.checkpoint.size);
  EXPECT_THAT(sizes, ::testing::ElementsAre(3, 4, 12, 17, 33));
  for (size_t i = 0; i < history->size(); ++i) {
    for (size_t j = i; j < history->size(); ++j) {
      const auto& old_cp = (*history)[i].checkpoint;
      const auto& new_cp = (*history)[j].checkpoint;
      auto proof = log->ConsistencyProof(old_cp.size, new_cp.size);
      ASSERT_TRUE(proof.ok()) << proof.status();
      EXPECT_TRUE(merkle::VerifyConsistency(old_cp.size, new_cp.size,
                                            old_cp.root, new_cp.root, *proof)
                      .ok())
          << old_cp.size << " -> " << new_cp.size;
    }
  }
  auto tail = log->CheckpointHistory(12, 2);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ((*tail)[0].checkpoint.size, 12u);
  EXPECT_EQ((*tail)[1].checkpoint.size, 17u);
}

TEST(AuditLogTest, PublishesHistoryAtTheIntervalAndOnClose) {
  TempLog temp;
  temp.options.checkpoint_interval = absl::Milliseconds(20);
  {
    auto log = temp.Open();
    ASSERT_TRUE(log->AppendAndWait(Entry("a")).ok());
    // Published by the writer on its own, without another append.
    absl::Time give_up = absl::Now() + absl::Seconds(30);
    while (log->CheckpointHistory(1, 1)->empty() && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(5));
    }
    ASSERT_EQ(log->CheckpointHistory(1, 1)->size(), 1u);
    temp.options.checkpoint_interval = absl::Hours(1);
  }
  {
    auto log = temp.Open();  // interval: one hour
    ASSERT_TRUE(log->AppendAndWait(Entry("b")).ok());
    ASSERT_TRUE(log->AppendAndWait(Entry("c")).ok());
    EXPECT_TRUE(log->CheckpointHistory(2, 10)->empty());
  }
  auto log = temp.Open();
  auto history = log->CheckpointHistory(2, 10);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);  // the final checkpoint of the close
  EXPECT_EQ((*history)[0].checkpoint.size, 3u);
}

TEST(AuditLogTest, FullQueueIsResourceExhausted) {
  TempLog temp;
  WriterGate gate;
  temp.options.before_write_for_tests = gate.Hook();
  temp.options.max_pending = 2;
  auto log = temp.Open();
  Results results;
  log->Append(Entry("a"), results.Callback());
  gate.entered.WaitForNotification();
  log->Append(Entry("b"), results.Callback());
  log->Append(Entry("c"), results.Callback());
  absl::StatusOr<AuditReceipt> refused;
  bool called = false;
  log->Append(Entry("d"), [&](absl::StatusOr<AuditReceipt> r) {
    refused = std::move(r);
    called = true;
  });
  ASSERT_TRUE(called);  // refusals are immediate
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(refused.status().message(), "audit queue full (2 pending)");
  gate.release.Notify();
  results.WaitFor(3);
  EXPECT_EQ(log->size(), 3u);
  EXPECT_EQ(log->stats().rejected, 1u);
}

TEST(AuditLogTest, ClosingWritesEveryPendingEntry) {
  TempLog temp;
  WriterGate gate;
  temp.options.before_write_for_tests = gate.Hook();
  auto log = temp.Open();
  Results results;
  log->Append(Entry("a"), results.Callback());
  gate.entered.WaitForNotification();
  for (int i = 0; i < 10; ++i) {
    log->Append(Entry(absl::StrCat("q", i)), results.Callback());
  }
  std::thread closer([&] { log.reset(); });
  gate.release.Notify();
  closer.join();
  results.WaitFor(11);
  {
    absl::MutexLock lock(&results.mu);
    for (const auto& receipt : results.receipts) {
      EXPECT_TRUE(receipt.ok()) << receipt.status();
    }
  }
  temp.options.before_write_for_tests = nullptr;
  auto reopened = temp.Open();
  EXPECT_EQ(reopened->size(), 11u);
}

TEST(AuditLogTest, OpenValidatesOptions) {
  TempLog temp;
  AuditLog::Options options = temp.options;
  options.path = "";
  EXPECT_EQ(AuditLog::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = temp.options;
  options.signing_key_file = "";
  EXPECT_EQ(AuditLog::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = temp.options;
  options.max_pending = 0;
  EXPECT_EQ(AuditLog::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = temp.options;
  options.checkpoint_interval = absl::ZeroDuration();
  EXPECT_EQ(AuditLog::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = temp.options;
  options.origin = "has space";
  EXPECT_EQ(AuditLog::Open(options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(AuditLogTest, SecondOpenOfTheSameLogIsRefused) {
  TempLog temp;
  auto log = temp.Open();
  ASSERT_NE(log, nullptr);
  auto second = AuditLog::Open(temp.options);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr(temp.options.path));
}

TEST(AuditLogTest, OpenRefusesAnotherSigningKey) {
  TempLog temp;
  { ASSERT_TRUE(temp.Open()->AppendAndWait(Entry("a")).ok()); }
  std::filesystem::remove(temp.options.signing_key_file);  // a new key
  auto log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("restore the original signing key file"));
}

TEST(AuditLogTest, OpenRefusesOtherLayouts) {
  TempLog temp;
  {
    rocksdb::Options db_options;
    db_options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(db_options, temp.options.path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "something", "else").ok());
  }
  auto log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("not a datarun audit log"));
  ASSERT_TRUE(
      temp.OpenRaw()->Put(rocksdb::WriteOptions(), "m/format", "4").ok());
  log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("has layout version '4'; this build reads version 3"));
}

// A log of the entries-only layout 1 gets its tree, indexes and checkpoint.
TEST(AuditLogTest, UpgradesAVersion1Log) {
  TempLog temp;
  merkle::CompactRange expected;
  {
    rocksdb::Options db_options;
    db_options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(db_options, temp.options.path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteBatch batch;
    batch.Put("m/format", "1");
    for (int i = 0; i < 25; ++i) {
      std::string bytes = SerializeDeterministically(Entry(absl::StrCat(i)));
      batch.Put(EntryKey(i), bytes);
      expected.Append(merkle::HashLeaf(bytes));
    }
    batch.Put(std::string(kNextIndexKey), EncodeUint64(25));
    ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  }
  {
    auto log = temp.Open();
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->size(), 25u);
    EXPECT_EQ(log->LatestCheckpoint()->checkpoint.root, expected.Root());
    ASSERT_TRUE(log->AppendAndWait(Entry("after")).ok());
    uint64_t next = 0;
    AuditLog::SearchQuery query;
    query.consumer = "tax";
    EXPECT_EQ(log->Search(query, &next)->size(), 26u);
  }
  auto report = VerifyLog(temp.options.path, "");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->entries, 26u);
}

TEST(AuditLogTest, OpenDetectsLostEntries) {
  TempLog temp;
  {
    auto log = temp.Open();
    for (const char* id : {"a", "b", "c"}) {
      ASSERT_TRUE(log->AppendAndWait(Entry(id)).ok());
    }
  }
  ASSERT_TRUE(
      temp.OpenRaw()->Delete(rocksdb::WriteOptions(), EntryKey(2)).ok());
  auto log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("stored next index is 3 but the last entry is 1"));
}

// Rolls the log back by one entry consistently (entry, hashes, next index)
// but leaves the signed checkpoint of the longer tree: a truncation.
TEST(AuditLogTest, OpenRefusesALatestCheckpointThatNoLongerMatches) {
  TempLog temp;
  {
    auto log = temp.Open();
    for (int i = 0; i < 8; ++i) {
      ASSERT_TRUE(log->AppendAndWait(Entry(absl::StrCat(i))).ok());
    }
  }
  {
    auto db = temp.OpenRaw();
    // All 15 stored hashes of 8 entries are in tile 0; keep those of 7.
    ASSERT_EQ(HashTileOf(merkle::StoredHashCount(8) - 1), 0u);
    std::string tile;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), HashTileKey(0), &tile).ok());
    tile.resize(merkle::StoredHashCount(7) * merkle::kHashSize);
    rocksdb::WriteBatch batch;
    batch.Delete(EntryKey(7));
    batch.Put(HashTileKey(0), tile);
    batch.Put(std::string(kNextIndexKey), EncodeUint64(7));
    ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  }
  auto log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("the latest checkpoint (size 8, root "));
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("does not match the tree recomputed from storage "
                        "(size 7, root "));
}

TEST(AuditLogTest, OpenRefusesAnAlteredRightEdgeOrCheckpoint) {
  TempLog temp;
  {
    auto log = temp.Open();
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE(log->AppendAndWait(Entry(absl::StrCat(i))).ok());
    }
  }
  // The subtree over [0, 4) is on the right edge of a 6-leaf tree.
  const uint64_t hash = merkle::StoredHashIndex(2, 0);
  std::string key = HashTileKey(HashTileOf(hash));
  std::string original;
  {
    auto db = temp.OpenRaw();
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &original).ok());
    std::string altered = original;
    altered[HashOffsetInTile(hash) + 5] ^= 1;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, altered).ok());
  }
  auto log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("does not match the tree recomputed from storage"));
  {
    auto db = temp.OpenRaw();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, original).ok());
    std::string note;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(),
                        std::string(kLatestCheckpointKey), &note)
                    .ok());
    note[note.find('\n', 8) + 1] ^= 1;  // the tree size line
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        std::string(kLatestCheckpointKey), note)
                    .ok());
  }
  log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("latest checkpoint: signature invalid"));
}

}  // namespace
}  // namespace datarun::audit
