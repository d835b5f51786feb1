#include "exchange/audit/verifier.h"

#include <filesystem>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/audit_testing.h"
#include "exchange/audit/index_block.h"
#include "exchange/audit/stored_checkpoint.h"
#include "exchange/checkpoint/note_signer.h"
#include "exchange/merkle/tree.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::audit {
namespace {

using ::datarun::audit::testing::Entry;
using ::datarun::audit::testing::TempDir;
using ::datarun::audit::testing::TempLog;
using ::testing::HasSubstr;

constexpr int kEntries = 500;

v1::AuditEntry Numbered(int i) {
  v1::AuditEntry entry = Entry(absl::StrCat("r", i), i);
  entry.set_subject_hash(absl::StrCat("subject", i % 13));
  entry.set_purpose(i % 4 == 0 ? "" : "transfer");
  return entry;
}

// One log of 500 entries with history checkpoints every 100, built once;
// each test tampers with its own copy.
class VerifierTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    origin_ = new TempLog;
    origin_->options.checkpoint_interval = absl::Hours(1);
    auto log = origin_->Open();
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < kEntries; ++i) {
      ASSERT_TRUE(log->AppendAndWait(Numbered(i)).ok());
      if ((i + 1) % 100 == 0) {
        ASSERT_TRUE(log->PublishCheckpoint().ok());
      }
    }
    verifier_key_ = new std::string(log->VerifierKey());
    root_ = log->LatestCheckpoint()->checkpoint.root;
  }
  static void TearDownTestSuite() {
    delete origin_;
    delete verifier_key_;
  }

  void SetUp() override {
    dir_ = TempDir();
    ASSERT_FALSE(dir_.empty());
    path_ = dir_ + "/log";
    std::filesystem::copy(origin_->options.path, path_,
                          std::filesystem::copy_options::recursive);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::unique_ptr<rocksdb::DB> OpenRaw() {
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(rocksdb::Options(), path_, &raw);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::unique_ptr<rocksdb::DB>(raw);
  }

  // Flips one bit of the value stored under `key`, at `offset` from its
  // start (negative: from its end).
  void FlipValueByte(const std::string& key, int offset) {
    auto db = OpenRaw();
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok())
        << PrintableKey(key);
    size_t at = offset >= 0 ? static_cast<size_t>(offset)
                            : value.size() - static_cast<size_t>(-offset);
    ASSERT_LT(at, value.size());
    value[at] ^= 0x01;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, value).ok());
  }

  // Rewrites the index block `key` (naming `last`): keeps the postings
  // `edit` returns true for, as `edit` changed them.
  void RewriteBlock(const std::string& key, uint64_t last,
                    const std::function<bool(Posting*)>& edit) {
    auto db = OpenRaw();
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok())
        << PrintableKey(key);
    IndexBlockReader reader(last, value);
    std::string rewritten;
    Posting posting;
    while (reader.Next(&posting)) {
      if (edit(&posting)) {
        AppendPosting(last, posting.index, posting.time_micros, &rewritten);
      }
    }
    ASSERT_TRUE(reader.ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key, rewritten).ok());
  }

  // Expects VerifyLog to fail with DATA_LOSS mentioning `what`.
  void ExpectDataLoss(absl::string_view what,
                      absl::string_view verifier_key = "") {
    auto report = VerifyLog(path_, verifier_key);
    ASSERT_FALSE(report.ok()) << "tampering went unnoticed: " << what;
    EXPECT_EQ(report.status().code(), absl::StatusCode::kDataLoss)
        << report.status();
    EXPECT_THAT(std::string(report.status().message()), HasSubstr(what));
    EXPECT_THAT(std::string(report.status().message()), HasSubstr(path_));
  }

  static TempLog* origin_;
  static std::string* verifier_key_;
  static merkle::Hash root_;
  std::string dir_;
  std::string path_;
};

TempLog* VerifierTest::origin_ = nullptr;
std::string* VerifierTest::verifier_key_ = nullptr;
merkle::Hash VerifierTest::root_;

TEST_F(VerifierTest, AnIntactLogVerifies) {
  for (const std::string& key : {std::string(), *verifier_key_}) {
    auto report = VerifyLog(path_, key);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->entries, static_cast<uint64_t>(kEntries));
    EXPECT_EQ(report->checkpoints, 6u);  // 5 history + the latest
    // Postings: subject + consumer + dataset for all, purpose for 3 in 4.
    EXPECT_EQ(report->index_keys, 3u * kEntries + kEntries * 3 / 4);
    EXPECT_EQ(report->root, root_);
  }
}

TEST_F(VerifierTest, VerifiesWhileTheLogIsOpenForAppending) {
  TempLog temp;
  auto log = temp.Open();
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(log->AppendAndWait(Numbered(i)).ok());
  auto report = VerifyLog(temp.options.path, log->VerifierKey());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->entries, 20u);
}

TEST_F(VerifierTest, AnAlteredEntryIsNamed) {
  FlipValueByte(EntryKey(234), 5);
  ExpectDataLoss("entry 234: stored leaf hash does not match the entry");
}

TEST_F(VerifierTest, AnAlteredLeafHashIsNamed) {
  const uint64_t hash = merkle::StoredHashIndex(0, 321);
  FlipValueByte(HashTileKey(HashTileOf(hash)),
                static_cast<int>(HashOffsetInTile(hash)));
  ExpectDataLoss(
      "entry 321: stored leaf hash does not match the entry (the entry or its "
      "leaf hash h/(level 0, 321) was altered)");
}

TEST_F(VerifierTest, AnAlteredInteriorHashIsNamed) {
  const uint64_t hash = merkle::StoredHashIndex(3, 17);
  FlipValueByte(HashTileKey(HashTileOf(hash)),
                static_cast<int>(HashOffsetInTile(hash)) + 31);
  ExpectDataLoss(
      "hash h/(level 3, 17): stored value does not match the hash of its "
      "children");
}

TEST_F(VerifierTest, AnAlteredHistoryCheckpointIsNamed) {
  // A different base64 digit inside the signature (still canonical base64).
  auto db = OpenRaw();
  std::string value;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), CheckpointKey(200), &value).ok());
  char& digit = value[value.size() - 10];
  digit = digit == 'A' ? 'B' : 'A';
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), CheckpointKey(200), value).ok());
  db.reset();
  ExpectDataLoss("checkpoint at size 200: signature invalid");
}

TEST_F(VerifierTest, AnAlteredCheckpointRootIsNamed) {
  auto db = OpenRaw();
  std::string value;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), CheckpointKey(300), &value).ok());
  size_t root_line = value.find('\n', value.find('\n', 8) + 1) + 1;
  value[root_line + 3] = value[root_line + 3] == 'A' ? 'B' : 'A';
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), CheckpointKey(300), value).ok());
  db.reset();
  ExpectDataLoss("checkpoint at size 300: signature invalid");
}

TEST_F(VerifierTest, AnAlteredLatestCheckpointIsNamed) {
  auto db = OpenRaw();
  std::string value;
  ASSERT_TRUE(
      db->Get(rocksdb::ReadOptions(), std::string(kLatestCheckpointKey), &value)
          .ok());
  value[value.find('\n', 8) + 1] ^= 1;  // "500" -> "400": the size line
  ASSERT_TRUE(
      db->Put(rocksdb::WriteOptions(), std::string(kLatestCheckpointKey), value)
          .ok());
  db.reset();
  ExpectDataLoss("latest checkpoint: signature invalid");
}

// An insider who also holds the signing key can sign a false root; the
// verifier still catches it against the entries.
TEST_F(VerifierTest, ACorrectlySignedWrongRootIsNamed) {
  auto signer = checkpoint::NoteSigner::LoadOrCreate(
      origin_->options.signing_key_file, origin_->options.origin);
  ASSERT_TRUE(signer.ok()) << signer.status();
  auto forged =
      SignCheckpoint(**signer, 400, merkle::HashLeaf("forged"), absl::Now());
  ASSERT_TRUE(forged.ok());
  ASSERT_TRUE(OpenRaw()
                  ->Put(rocksdb::WriteOptions(), CheckpointKey(400),
                        EncodeStoredCheckpoint(*forged))
                  .ok());
  ExpectDataLoss(
      "checkpoint at size 400: root does not match the tree recomputed from "
      "the entries");
}

TEST_F(VerifierTest, APinnedKeyRejectsAnotherSigner) {
  auto other = checkpoint::NoteSigner::Generate(origin_->options.origin);
  ASSERT_TRUE(other.ok());
  ExpectDataLoss("checkpoint at size 100: not signed by",
                 (*other)->VerifierKey());
}

// The index is written in groups: here one block per value for the whole
// (closed) log of 500 entries, named by its last entry.
std::string BlockOf(IndexKind kind, absl::string_view value, uint64_t last) {
  return IndexBlockKey(kind, value, last);
}

std::string SubjectBlock(absl::string_view subject, uint64_t last) {
  return BlockOf(IndexKind::kSubject, subject, last);
}

TEST_F(VerifierTest, AnAlteredIndexKeyIsNamed) {
  // An insider hides subject12's entries (12, 25, ..., 493) from "who
  // accessed my data": the key's value part is rewritten (keys cannot be
  // edited in place).
  std::string key = SubjectBlock("subject12", 493);
  {
    auto db = OpenRaw();
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), key, &value).ok());
    std::string altered = key;
    altered[6] ^= 0x01;  // "subject12" -> "sucject12"
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), key).ok());
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), altered, value).ok());
  }
  ExpectDataLoss("index x/s/subject12 is missing entry 12");
}

TEST_F(VerifierTest, ADroppedSubjectPostingIsNamed) {
  // The block is rewritten without entry 77 alone.
  RewriteBlock(SubjectBlock("subject12", 493), 493,
               [](Posting* p) { return p->index != 77; });
  ExpectDataLoss("index x/s/subject12 is missing entry 77");
}

TEST_F(VerifierTest, APostingAboveTheWatermarkIsNamed) {
  // The watermark claims the postings of entries 300 and later are not
  // written yet, but they are there.
  ASSERT_TRUE(OpenRaw()
                  ->Put(rocksdb::WriteOptions(), std::string(kIndexedKey),
                        EncodeUint64(300))
                  .ok());
  ExpectDataLoss(
      "lists entry 300, at or above the index watermark 300 (y/indexed)");
}

TEST_F(VerifierTest, AWatermarkBeyondTheLogIsNamed) {
  ASSERT_TRUE(OpenRaw()
                  ->Put(rocksdb::WriteOptions(), std::string(kIndexedKey),
                        EncodeUint64(501))
                  .ok());
  ExpectDataLoss(
      "the index watermark y/indexed is malformed or out "
      "of range (501 of 500 entries");
}

TEST_F(VerifierTest, ADroppedPostingIsNamed) {
  // The consumer block is rewritten without entry 90.
  RewriteBlock(BlockOf(IndexKind::kConsumer, "tax", kEntries - 1), kEntries - 1,
               [](Posting* p) { return p->index != 90; });
  ExpectDataLoss("index x/c/tax is missing entry 90");
}

TEST_F(VerifierTest, AnAlteredIndexTimeIsNamed) {
  RewriteBlock(BlockOf(IndexKind::kConsumer, "tax", kEntries - 1), kEntries - 1,
               [](Posting* p) {
                 if (p->index == 5) p->time_micros += 1;
                 return true;
               });
  ExpectDataLoss("index x/c/tax holds another time for entry 5");
}

TEST_F(VerifierTest, AnExtraPostingIsNamed) {
  std::string block;
  AppendPosting(8, 8, Numbered(8).time_micros(), &block);
  ASSERT_TRUE(OpenRaw()
                  ->Put(rocksdb::WriteOptions(),
                        BlockOf(IndexKind::kPurpose, "transfer", 8), block)
                  .ok());
  ExpectDataLoss("index x/p/transfer lists entry 8, which does not match it");
}

TEST_F(VerifierTest, ADuplicatedPostingIsNamed) {
  // Entry 30 listed again in a forged block of entry 31's batch.
  std::string block;
  AppendPosting(31, 30, Numbered(30).time_micros(), &block);
  AppendPosting(31, 31, Numbered(31).time_micros(), &block);
  ASSERT_TRUE(OpenRaw()
                  ->Put(rocksdb::WriteOptions(),
                        BlockOf(IndexKind::kConsumer, "tax", 31), block)
                  .ok());
  ExpectDataLoss("index x/c/tax lists entry 30 more than once");
}

TEST_F(VerifierTest, APostingBeyondTheLogIsNamed) {
  std::string block;
  AppendPosting(9999, 9999, 0, &block);
  ASSERT_TRUE(OpenRaw()
                  ->Put(rocksdb::WriteOptions(),
                        BlockOf(IndexKind::kDataset, "x.y", 9999), block)
                  .ok());
  ExpectDataLoss(
      "index block x/d/x.y/9999 names entry 9999, beyond the log's "
      "500 entries");
}

TEST_F(VerifierTest, AMalformedIndexBlockIsNamed) {
  ASSERT_TRUE(OpenRaw()
                  ->Put(rocksdb::WriteOptions(),
                        BlockOf(IndexKind::kConsumer, "tax", 6), "\x01")
                  .ok());
  ExpectDataLoss("index block x/c/tax/6 is malformed");
}

TEST_F(VerifierTest, MissingAndExtraItemsAreNamed) {
  ASSERT_TRUE(OpenRaw()->Delete(rocksdb::WriteOptions(), EntryKey(100)).ok());
  ExpectDataLoss("entry 100 is missing");
  TearDown();
  SetUp();
  // A whole tile, or the end of one.
  const uint64_t tile = HashTileOf(merkle::StoredHashIndex(1, 10));
  ASSERT_TRUE(
      OpenRaw()->Delete(rocksdb::WriteOptions(), HashTileKey(tile)).ok());
  ExpectDataLoss(
      absl::StrCat("hash ", HashName(tile * kHashesPerTile), " is missing"));
  TearDown();
  SetUp();
  {
    auto db = OpenRaw();
    std::string value;
    ASSERT_TRUE(
        db->Get(rocksdb::ReadOptions(), HashTileKey(tile), &value).ok());
    value.resize(value.size() - merkle::kHashSize);
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), HashTileKey(tile), value).ok());
  }
  ExpectDataLoss(absl::StrCat(
      "hash ", HashName((tile + 1) * kHashesPerTile - 1), " is missing"));
  TearDown();
  SetUp();
  ASSERT_TRUE(OpenRaw()
                  ->Put(rocksdb::WriteOptions(), HashTileKey(1000),
                        std::string(merkle::kHashSize, 'h'))
                  .ok());
  ExpectDataLoss("hash tile h/1000 is beyond the");
  TearDown();
  SetUp();
  ASSERT_TRUE(OpenRaw()
                  ->Put(rocksdb::WriteOptions(), EntryKey(kEntries),
                        Numbered(1).SerializeAsString())
                  .ok());
  ExpectDataLoss("entry key e/500 is beyond the next index 500");
}

TEST_F(VerifierTest, ReportsWhatIsNotALog) {
  auto report = VerifyLog(dir_ + "/nothing", "");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
  report = VerifyLog(path_, "not a key");
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datarun::audit
