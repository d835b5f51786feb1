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

}  // namespace
}  // namespace datarun::audit
