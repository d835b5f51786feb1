// The index backlog on its own, and the log's index across ingestions:
// searches see every durable entry whether its postings are in memory or in
// the database, reopening rebuilds what was not ingested, and the verifier
// accepts a lagging watermark.
#include "exchange/audit/index_backlog.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/audit_testing.h"
#include "exchange/audit/index_block.h"
#include "exchange/audit/verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/iterator.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

using ::datarun::audit::testing::Entry;
using ::datarun::audit::testing::TempLog;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

std::vector<uint64_t> Indexes(const std::vector<Posting>& postings) {
  std::vector<uint64_t> out;
  for (const Posting& p : postings) out.push_back(p.index);
  return out;
}

void Add(IndexBacklog& backlog, uint64_t index, absl::string_view subject,
         absl::string_view consumer = "") {
  const absl::string_view values[] = {subject, consumer, "", ""};
  backlog.AddEntry(index, static_cast<int64_t>(index) * 10, values);
}

TEST(IndexBacklogTest, GroupsFindAndIndex) {
  IndexBacklog backlog(10, 3);  // groups [10, 13), [13, 16), ...
  Add(backlog, 10, "a");
  Add(backlog, 11, "b", "tax");
  Add(backlog, 12, "a");
  EXPECT_EQ(backlog.NextToIngest(100), nullptr) << "not sealed yet";
  Add(backlog, 13, "");  // seals [10, 13)
  Add(backlog, 14, "a", "tax");
  std::vector<Posting> found;
  EXPECT_EQ(backlog.Find(IndexKind::kSubject, "a", &found), 10u);
  EXPECT_THAT(Indexes(found), ElementsAre(10, 12, 14));
  EXPECT_EQ(backlog.Find(IndexKind::kConsumer, "tax", &found), 10u);
  EXPECT_THAT(Indexes(found), ElementsAre(11, 14));
  EXPECT_EQ(backlog.Find(IndexKind::kSubject, "zzz", &found), 10u);
  EXPECT_TRUE(found.empty());
  EXPECT_EQ(backlog.postings(), 6u);

  EXPECT_EQ(backlog.NextToIngest(12), nullptr) << "entry 12 is not durable";
  auto group = backlog.NextToIngest(13);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->begin, 10u);
  EXPECT_EQ(group->end, 13u);
  EXPECT_EQ(backlog.NextToIngest(100), nullptr) << "handed out once";
  auto blocks = IndexBlocks(*group);
  ASSERT_EQ(blocks.size(), 3u);  // in key order
  EXPECT_EQ(blocks[0].first, IndexBlockKey(IndexKind::kConsumer, "tax", 11));
  EXPECT_EQ(blocks[1].first, IndexBlockKey(IndexKind::kSubject, "a", 12));
  EXPECT_EQ(blocks[2].first, IndexBlockKey(IndexKind::kSubject, "b", 11));
  IndexBlockReader reader(12, blocks[1].second);
  Posting posting;
  std::vector<Posting> postings;
  while (reader.Next(&posting)) postings.push_back(posting);
  EXPECT_TRUE(reader.ok());
  EXPECT_THAT(Indexes(postings), ElementsAre(10, 12));
  EXPECT_EQ(postings[1].time_micros, 120);

  backlog.Indexed(*group);
  EXPECT_EQ(backlog.indexed(), 13u);
  EXPECT_EQ(backlog.postings(), 2u);
  EXPECT_EQ(backlog.Find(IndexKind::kSubject, "a", &found), 13u);
  EXPECT_THAT(Indexes(found), ElementsAre(14));

  backlog.SealCurrent();  // the log closes: [13, 15)
  group = backlog.NextToIngest(15);
  ASSERT_NE(group, nullptr);
  EXPECT_EQ(group->begin, 13u);
  EXPECT_EQ(group->end, 15u);
  backlog.Indexed(*group);
  EXPECT_EQ(backlog.indexed(), 15u);
  EXPECT_EQ(backlog.postings(), 0u);
  backlog.SealCurrent();  // nothing to seal
  EXPECT_EQ(backlog.NextToIngest(100), nullptr);
}

v1::AuditEntry Subjected(int i) {
  v1::AuditEntry entry = Entry(absl::StrCat("r", i), i);
  entry.set_subject_hash(i % 5 == 0 ? "" : absl::StrCat("s", i % 3));
  return entry;
}

std::vector<uint64_t> Expected(int size, int subject) {
  std::vector<uint64_t> out;
  for (int i = 0; i < size; ++i) {
    if (i % 5 != 0 && i % 3 == subject) out.push_back(i);
  }
  return out;
}

std::vector<uint64_t> SearchSubject(AuditLog& log, int subject,
                                    int limit = 1000) {
  AuditLog::SearchQuery query;
  query.subject_hash = absl::StrCat("s", subject);
  query.limit = limit;
  std::vector<uint64_t> found;
  while (true) {
    uint64_t next = 0;
    auto hits = log.Search(query, &next);
    EXPECT_TRUE(hits.ok()) << hits.status();
    if (!hits.ok()) break;
    for (const auto& hit : *hits) found.push_back(hit.index);
    if (next == 0) break;
    query.start_index = next;
  }
  return found;
}

TEST(IndexWatermarkTest, SearchesSeeEveryDurableEntryAcrossIngestions) {
  TempLog temp;
  temp.options.index_ingest_entries = 3;
  auto log = temp.Open();
  ASSERT_NE(log, nullptr);
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(log->AppendAndWait(Subjected(i)).ok());
    // Ingestions run on their own thread meanwhile.
    ASSERT_THAT(SearchSubject(*log, i % 3, 2),
                ElementsAreArray(Expected(i + 1, i % 3)))
        << "after entry " << i;
  }
  // While open, the watermark is at the end of some group ingested by
  // then (ingestions run on their own thread).
  auto open = VerifyLog(temp.options.path, log->VerifierKey());
  ASSERT_TRUE(open.ok()) << open.status();
  EXPECT_LE(open->indexed, 60u);
  EXPECT_EQ(open->indexed % 3, 0u);
  log.reset();
  auto closed = VerifyLog(temp.options.path, "");
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->indexed, 60u);
  log = temp.Open();
  EXPECT_THAT(SearchSubject(*log, 1), ElementsAreArray(Expected(60, 1)));
}

// A watermark behind the log (as a crash leaves it): the log rebuilds the
// missing postings from the entries and writes them on close.
TEST(IndexWatermarkTest, ReopeningRebuildsWhatWasNotIngested) {
  TempLog temp;
  {
    auto log = temp.Open();
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE(log->AppendAndWait(Subjected(i)).ok());
    }
  }
  {
    // Back to the state of a crash after the group ending at entry 20 was
    // ingested: the watermark says 20 and no block lists a later entry.
    auto db = temp.OpenRaw();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), std::string(kIndexedKey),
                        EncodeUint64(20))
                    .ok());
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions()));
    rocksdb::WriteBatch batch;
    for (it->Seek("x/"); it->Valid() && it->key().starts_with("x/");
         it->Next()) {
      auto parts = ParseIndexKey(it->key().ToString());
      ASSERT_TRUE(parts.has_value());
      const std::string value = it->value().ToString();
      IndexBlockReader reader(parts->index, value);
      std::vector<Posting> kept;
      Posting posting;
      while (reader.Next(&posting)) {
        if (posting.index < 20) kept.push_back(posting);
      }
      ASSERT_TRUE(reader.ok());
      batch.Delete(it->key());
      if (kept.empty()) continue;
      std::string block;
      for (const Posting& p : kept) {
        AppendPosting(kept.back().index, p.index, p.time_micros, &block);
      }
      batch.Put(IndexBlockKey(parts->kind, parts->value, kept.back().index),
                block);
    }
    ASSERT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  }
  auto lagging = VerifyLog(temp.options.path, "");
  ASSERT_TRUE(lagging.ok()) << lagging.status();
  EXPECT_EQ(lagging->indexed, 20u);
  {
    auto log = temp.Open();
    ASSERT_NE(log, nullptr);
    for (int s = 0; s < 3; ++s) {
      EXPECT_THAT(SearchSubject(*log, s), ElementsAreArray(Expected(30, s)));
    }
  }
  auto closed = VerifyLog(temp.options.path, "");
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->indexed, 30u);
}

TEST(IndexWatermarkTest, AWatermarkBeyondTheLogIsRefusedAtOpen) {
  TempLog temp;
  {
    auto log = temp.Open();
    ASSERT_TRUE(log->AppendAndWait(Subjected(1)).ok());
  }
  ASSERT_TRUE(temp.OpenRaw()
                  ->Put(rocksdb::WriteOptions(), std::string(kIndexedKey),
                        EncodeUint64(2))
                  .ok());
  auto log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
}

// Rebuilding the backlog reads the entries past the watermark; when one is
// unreadable the log refuses to open, and writes nothing on the way out.
TEST(IndexWatermarkTest, AFailedOpenWritesNothing) {
  TempLog temp;
  {
    auto log = temp.Open();
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(log->AppendAndWait(Subjected(i)).ok());
    }
  }
  std::vector<std::string> checkpoints;
  {
    auto db = temp.OpenRaw();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), std::string(kIndexedKey),
                        EncodeUint64(0))
                    .ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), EntryKey(3), "\xff\xff").ok());
  }
  auto log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(log.status().message()),
              ::testing::HasSubstr("entry 3 cannot be parsed"));
  auto db = temp.OpenRaw();
  std::string indexed;
  ASSERT_TRUE(
      db->Get(rocksdb::ReadOptions(), std::string(kIndexedKey), &indexed).ok());
  EXPECT_EQ(indexed, EncodeUint64(0));
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  int history = 0;
  for (it->Seek("c/"); it->Valid() && it->key().starts_with("c/"); it->Next()) {
    ++history;
  }
  EXPECT_EQ(history, 1) << "only the checkpoint published at the first close";
}

}  // namespace
}  // namespace datarun::audit
