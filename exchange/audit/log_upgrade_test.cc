// Opening a log of layout version 2 (one key per stored hash and per index
// term) upgrades it to hash tiles and index blocks, keeping its signed
// checkpoints; an altered version 2 log is refused and left as it was.
#include "exchange/audit/log_upgrade.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/audit_testing.h"
#include "exchange/audit/digest.h"
#include "exchange/audit/stored_checkpoint.h"
#include "exchange/audit/verifier.h"
#include "exchange/checkpoint/note_signer.h"
#include "exchange/merkle/compact_range.h"
#include "exchange/merkle/verify.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/iterator.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

using ::datarun::audit::testing::Entry;
using ::datarun::audit::testing::TempLog;
using ::testing::HasSubstr;

constexpr int kEntries = 40;

v1::AuditEntry Numbered(int i) {
  v1::AuditEntry entry = Entry(absl::StrCat("r", i), i);
  entry.set_consumer(i % 2 == 0 ? "tax" : "land");
  entry.set_subject_hash(absl::StrCat("subject", i % 5));
  return entry;
}

// Writes a version 2 log as that layout stored it: "h/<hash index>" -> 32
// bytes, "x/<kind>/<value>/<index>" -> 8-byte time, signed checkpoints.
// Returns the root.
merkle::Hash WriteVersion2Log(TempLog& temp) {
  auto signer = checkpoint::NoteSigner::LoadOrCreate(
      temp.options.signing_key_file, temp.options.origin);
  EXPECT_TRUE(signer.ok()) << signer.status();
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  EXPECT_TRUE(rocksdb::DB::Open(options, temp.options.path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteBatch batch;
  merkle::CompactRange range;
  uint64_t hash_index = 0;
  for (int i = 0; i < kEntries; ++i) {
    v1::AuditEntry entry = Numbered(i);
    std::string bytes = SerializeDeterministically(entry);
    batch.Put(EntryKey(i), bytes);
    std::vector<merkle::Hash> stored;
    range.Append(merkle::HashLeaf(bytes), &stored);
    for (const merkle::Hash& hash : stored) {
      batch.Put(absl::StrCat("h/", EncodeUint64(hash_index++)),
                std::string(merkle::HashBytes(hash)));
    }
    for (IndexKind kind : kIndexKinds) {
      const std::string& value = IndexedValue(entry, kind);
      if (value.empty()) continue;
      batch.Put(IndexKeyPrefix(kind, value) + EncodeUint64(i),
                EncodeUint64(static_cast<uint64_t>(entry.time_micros())));
    }
    if (i + 1 == 20) {
      auto history = SignCheckpoint(**signer, 20, range.Root(), absl::Now());
      EXPECT_TRUE(history.ok());
      batch.Put(CheckpointKey(20), EncodeStoredCheckpoint(*history));
    }
  }
  auto latest = SignCheckpoint(**signer, kEntries, range.Root(), absl::Now());
  EXPECT_TRUE(latest.ok());
  batch.Put(std::string(kFormatKey), "2");
  batch.Put(std::string(kNextIndexKey), EncodeUint64(kEntries));
  batch.Put(std::string(kVerifierKeyKey), (*signer)->VerifierKey());
  batch.Put(std::string(kLatestCheckpointKey), EncodeStoredCheckpoint(*latest));
  EXPECT_TRUE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  return range.Root();
}

// Returns the keys starting with `prefix`.
std::vector<std::string> KeysWithPrefix(rocksdb::DB* db,
                                        absl::string_view prefix) {
  std::vector<std::string> keys;
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Valid() &&
       it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
       it->Next()) {
    keys.push_back(it->key().ToString());
  }
  return keys;
}

TEST(LogUpgradeTest, UpgradesAVersion2Log) {
  TempLog temp;
  const merkle::Hash root = WriteVersion2Log(temp);
  {
    auto log = temp.Open();
    ASSERT_NE(log, nullptr);
    EXPECT_EQ(log->size(), static_cast<uint64_t>(kEntries));
    EXPECT_EQ(log->LatestCheckpoint()->checkpoint.root, root);
    for (uint64_t index : {0, 17, 39}) {
      auto proof = log->InclusionProof(index, kEntries);
      ASSERT_TRUE(proof.ok()) << proof.status();
      merkle::Hash leaf = merkle::HashLeaf(
          SerializeDeterministically(Numbered(static_cast<int>(index))));
      EXPECT_TRUE(
          merkle::VerifyInclusion(kEntries, index, leaf, *proof, root).ok());
    }
    AuditLog::SearchQuery query;
    query.consumer = "land";
    query.subject_hash = "subject3";
    uint64_t next = 0;
    auto hits = log->Search(query, &next);
    ASSERT_TRUE(hits.ok()) << hits.status();
    ASSERT_EQ(hits->size(), 4u);  // 3, 13, 23, 33
    EXPECT_EQ((*hits)[1].index, 13u);
    auto history = log->CheckpointHistory(0, 10);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->size(), 1u);
    EXPECT_EQ((*history)[0].checkpoint.size, 20u);
    ASSERT_TRUE(log->AppendAndWait(Numbered(kEntries)).ok());
  }
  {
    auto db = temp.OpenRaw();
    std::string format;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), "m/format", &format).ok());
    EXPECT_EQ(format, kFormatVersion);
    // Only tiles are left under h/: the 80 hashes of 41 entries in 3.
    EXPECT_EQ(KeysWithPrefix(db.get(), kHashTileKeyPrefix).size(), 3u);
  }
  auto report = VerifyLog(temp.options.path, "");
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->entries, kEntries + 1u);
  EXPECT_EQ(report->checkpoints, 3u);  // size 20, size 41 (close), latest
}

TEST(LogUpgradeTest, RefusesAnAlteredVersion2LogAndLeavesItAsItWas) {
  TempLog temp;
  WriteVersion2Log(temp);
  std::vector<std::string> hash_keys;
  {
    auto db = temp.OpenRaw();
    std::string bytes;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), EntryKey(7), &bytes).ok());
    bytes[bytes.size() - 1] ^= 1;
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), EntryKey(7), bytes).ok());
    hash_keys = KeysWithPrefix(db.get(), "h/");
  }
  auto log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("(upgrading from version 2): the signed latest "
                        "checkpoint (size 40"));
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("does not match the tree rebuilt from the entries"));
  auto db = temp.OpenRaw();
  std::string format;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), "m/format", &format).ok());
  EXPECT_EQ(format, "2");
  EXPECT_EQ(KeysWithPrefix(db.get(), "h/"), hash_keys);
}

TEST(LogUpgradeTest, RefusesAVersion2LogOfAnotherKey) {
  TempLog temp;
  WriteVersion2Log(temp);
  temp.options.signing_key_file = temp.dir() + "/keys/other.key";
  auto log = AuditLog::Open(temp.options);
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(log.status().message()),
              HasSubstr("restore the original signing key file"));
}

TEST(LogUpgradeTest, RejectsUnknownVersions) {
  TempLog temp;
  auto signer = checkpoint::NoteSigner::Generate(temp.options.origin);
  ASSERT_TRUE(signer.ok());
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, temp.options.path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  EXPECT_EQ(UpgradeLayout(db.get(), **signer, "7", temp.options.path).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datarun::audit
