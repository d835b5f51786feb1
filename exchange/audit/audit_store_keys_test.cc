#include "exchange/audit/audit_store_keys.h"

#include "gtest/gtest.h"

namespace datarun::audit {
namespace {

TEST(AuditStoreKeysTest, EntryKeysSortInIndexOrder) {
  EXPECT_LT(EntryKey(255), EntryKey(256));
  EXPECT_LT(EntryKey(1), EntryKey(1ull << 40));
  EXPECT_EQ(EntryKey(258), std::string("e/\0\0\0\0\0\0\x01\x02", 10));
}

TEST(AuditStoreKeysTest, EntryKeysRoundTrip) {
  for (uint64_t index : {0ull, 1ull, 65535ull, ~0ull}) {
    EXPECT_EQ(ParseEntryKey(EntryKey(index)), index);
  }
}

TEST(AuditStoreKeysTest, RejectsOtherKeys) {
  EXPECT_FALSE(ParseEntryKey(kNextIndexKey).has_value());
  EXPECT_FALSE(ParseEntryKey("e/1234567").has_value());
  EXPECT_FALSE(DecodeUint64("123456789").has_value());
  EXPECT_EQ(DecodeUint64(EncodeUint64(0x0102030405060708ull)),
            0x0102030405060708ull);
}

TEST(AuditStoreKeysTest, HashAndCheckpointKeys) {
  EXPECT_EQ(ParseHashTileKey(HashTileKey(12345)), 12345u);
  EXPECT_EQ(ParseCheckpointKey(CheckpointKey(2048)), 2048u);
  EXPECT_FALSE(ParseHashTileKey(CheckpointKey(1)).has_value());
  EXPECT_EQ(HashName(6), "h/(level 2, 0)");  // 0:(0,0) 1:(0,1) 2:(1,0) ...
  EXPECT_EQ(PrintableKey(HashTileKey(3)), "h/3");
  EXPECT_EQ(PrintableKey(EntryKey(258)), "e/258");
  EXPECT_EQ(PrintableKey(std::string("m/a\x01\\", 5)), "m/a\\x01\\x5c");
}

TEST(AuditStoreKeysTest, HashTiles) {
  EXPECT_EQ(HashTileOf(0), 0u);
  EXPECT_EQ(HashTileOf(kHashesPerTile - 1), 0u);
  EXPECT_EQ(HashTileOf(kHashesPerTile), 1u);
  EXPECT_EQ(HashOffsetInTile(kHashesPerTile + 3), 3u * 32);
  EXPECT_EQ(HashTileSize(0, 0), 0u);
  EXPECT_EQ(HashTileSize(0, 5), 5u * 32);
  EXPECT_EQ(HashTileSize(0, 40), kHashesPerTile * 32);
  EXPECT_EQ(HashTileSize(1, 40), (40 - kHashesPerTile) * 32);
  EXPECT_EQ(HashTileSize(2, 40), 0u);
}

TEST(AuditStoreKeysTest, IndexKeys) {
  v1::AuditEntry entry;
  entry.set_consumer("tax");
  entry.set_subject_hash("ab12");
  entry.set_purpose("a/b");  // separators inside values are fine
  EXPECT_EQ(IndexKeyPrefix(IndexKind::kSubject,
                           IndexedValue(entry, IndexKind::kSubject)),
            "x/s/ab12/");
  EXPECT_EQ(IndexKeyPrefix(IndexKind::kConsumer, "tax"), "x/c/tax/");
  EXPECT_EQ(IndexedValue(entry, IndexKind::kDataset), "");
  const std::string key = IndexBlockKey(IndexKind::kPurpose, "a/b", 77);
  EXPECT_EQ(key, "x/p/a/b/" + EncodeUint64(77));
  auto parts = ParseIndexKey(key);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->kind, IndexKind::kPurpose);
  EXPECT_EQ(parts->value, "a/b");
  EXPECT_EQ(parts->index, 77u);
  EXPECT_EQ(PrintableKey(key), "x/p/a/b/77");
  EXPECT_EQ(IndexName(IndexKind::kPurpose, "a/b"), "x/p/a/b");
  EXPECT_FALSE(ParseIndexKey("x/q/v/" + EncodeUint64(1)).has_value());
  EXPECT_FALSE(ParseIndexKey("x/s//" + EncodeUint64(1)).has_value());
  EXPECT_FALSE(ParseIndexKey("x/s/v" + EncodeUint64(1)).has_value());
}

}  // namespace
}  // namespace datarun::audit
