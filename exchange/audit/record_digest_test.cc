#include "exchange/audit/record_digest.h"

#include "exchange/audit/digest.h"
#include "gtest/gtest.h"

namespace datarun::audit {
namespace {

v1::Record Record(std::vector<std::pair<std::string, std::string>> fields) {
  v1::Record record;
  for (const auto& [name, value] : fields) {
    (*record.mutable_fields())[name].set_string_value(value);
  }
  return record;
}

TEST(RecordDigestTest, NothingReleasedIsTheEmptyString) {
  google::protobuf::RepeatedPtrField<v1::Record> none;
  EXPECT_EQ(RecordDigestHex(none), "");
}

TEST(RecordDigestTest, KnownAnswer) {
  // RecordList{records{fields{key:"a" value{string_value:"x"}}}} is
  // 0a 0a 0a 08 0a 01 61 12 03 0a 01 78; its SHA-256 (python hashlib):
  google::protobuf::RepeatedPtrField<v1::Record> records;
  *records.Add() = Record({{"a", "x"}});
  EXPECT_EQ(RecordDigestHex(records),
            "7f9d150fe0864819a0c1f0af9266efa06fb933b61efaf4ffda0d3d757eaf129d");
}

TEST(RecordDigestTest, IsTheDigestOfTheRecordListSerialization) {
  v1::RecordList list;
  *list.add_records() = Record({{"title_no", "T-1"}, {"area", "89.50"}});
  *list.add_records() = Record({{"title_no", "T-2"}});
  EXPECT_EQ(RecordDigestHex(list.records()),
            Sha256Hex(SerializeDeterministically(list)));
}

TEST(RecordDigestTest, FieldInsertionOrderDoesNotMatter) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (int i = 0; i < 40; ++i) {
    fields.emplace_back("field_" + std::to_string(i), std::to_string(i * 7));
  }
  google::protobuf::RepeatedPtrField<v1::Record> forward;
  *forward.Add() = Record(fields);
  std::reverse(fields.begin(), fields.end());
  google::protobuf::RepeatedPtrField<v1::Record> backward;
  *backward.Add() = Record(fields);
  EXPECT_EQ(RecordDigestHex(forward), RecordDigestHex(backward));
}

TEST(RecordDigestTest, DifferentRecordsDiffer) {
  google::protobuf::RepeatedPtrField<v1::Record> a;
  *a.Add() = Record({{"owner", "张三"}});
  google::protobuf::RepeatedPtrField<v1::Record> b;
  *b.Add() = Record({{"owner", "张四"}});
  EXPECT_NE(RecordDigestHex(a), RecordDigestHex(b));
  EXPECT_EQ(RecordDigestHex(a).size(), 64u);
}

TEST(Sha256HexTest, KnownAnswerForTheEmptyString) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace datarun::audit
