#include "exchange/audit/indexed_fields.h"

#include <string>

#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/audit_testing.h"
#include "exchange/audit/digest.h"
#include "gtest/gtest.h"

namespace datarun::audit {
namespace {

TEST(IndexedFieldsTest, FindsTheIndexedValuesInTheBytes) {
  v1::AuditEntry entry = testing::Entry("r1", 5);
  entry.set_subject_hash(std::string(64, 'f'));
  entry.set_purpose("a/b");
  entry.set_record_count(3);
  entry.add_fields_masked("x");
  std::string bytes = SerializeDeterministically(entry);
  IndexedFields fields;
  ASSERT_TRUE(FindIndexedFields(bytes, &fields));
  for (int k = 0; k < 4; ++k) {
    EXPECT_EQ(fields.Get(bytes, k), IndexedValue(entry, kIndexKinds[k]))
        << "kind " << static_cast<char>(kIndexKinds[k]);
  }
}

TEST(IndexedFieldsTest, EmptyFieldsAreEmpty) {
  v1::AuditEntry entry;
  entry.set_time_micros(1);
  entry.set_dataset("d");
  std::string bytes = SerializeDeterministically(entry);
  IndexedFields fields;
  ASSERT_TRUE(FindIndexedFields(bytes, &fields));
  EXPECT_EQ(fields.Get(bytes, 0), "");
  EXPECT_EQ(fields.Get(bytes, 1), "");
  EXPECT_EQ(fields.Get(bytes, 2), "d");
  EXPECT_EQ(fields.Get(bytes, 3), "");
}

TEST(IndexedFieldsTest, RejectsMalformedWireFormat) {
  IndexedFields fields;
  EXPECT_FALSE(FindIndexedFields("\x12\x05tax", &fields));  // too short
  EXPECT_FALSE(FindIndexedFields("\x08", &fields));         // no varint
  EXPECT_FALSE(FindIndexedFields("\x0b", &fields));         // a group
  EXPECT_TRUE(FindIndexedFields("", &fields));
}

}  // namespace
}  // namespace datarun::audit
