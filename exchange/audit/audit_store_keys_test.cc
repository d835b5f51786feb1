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
  EXPECT_EQ(ParseHashKey(HashKey(12345)), 12345u);
  EXPECT_EQ(ParseCheckpointKey(CheckpointKey(2048)), 2048u);
  EXPECT_FALSE(ParseHashKey(CheckpointKey(1)).has_value());
  EXPECT_EQ(HashName(6), "h/(level 2, 0)");  // 0:(0,0) 1:(0,1) 2:(1,0) ...
  EXPECT_EQ(PrintableKey(HashKey(3)), "h/3");
  EXPECT_EQ(PrintableKey(EntryKey(258)), "e/258");
  EXPECT_EQ(PrintableKey(std::string("m/a\x01\\", 5)), "m/a\\x01\\x5c");
}

TEST(AuditStoreKeysTest, IndexKeys) {
  v1::AuditEntry entry;
  entry.set_consumer("tax");
  entry.set_subject_hash("ab12");
  entry.set_purpose("a/b");  // separators inside values are fine
  std::vector<std::string> prefixes = IndexKeyPrefixes(entry);
  ASSERT_EQ(prefixes.size(), 3u);  // no dataset
  EXPECT_EQ(prefixes[0], "x/s/ab12/");
  EXPECT_EQ(prefixes[1], "x/c/tax/");
  EXPECT_EQ(prefixes[2], "x/p/a/b/");
  auto parts = ParseIndexKey(prefixes[2] + EncodeUint64(77));
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->kind, IndexKind::kPurpose);
  EXPECT_EQ(parts->value, "a/b");
  EXPECT_EQ(parts->index, 77u);
  EXPECT_EQ(PrintableKey(prefixes[2] + EncodeUint64(77)), "x/p/a/b/77");
  EXPECT_FALSE(ParseIndexKey("x/q/v/" + EncodeUint64(1)).has_value());
  EXPECT_FALSE(ParseIndexKey("x/s//" + EncodeUint64(1)).has_value());
  EXPECT_FALSE(ParseIndexKey("x/s/v" + EncodeUint64(1)).has_value());
}

}  // namespace
}  // namespace datarun::audit
