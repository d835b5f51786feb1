#include "exchange/policy/masking.h"

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace datarun::policy {
namespace {

v1::FieldSchema Field(v1::FieldType type, v1::MaskingRule masking) {
  v1::FieldSchema field;
  field.set_name("f");
  field.set_type(type);
  field.set_masking(masking);
  return field;
}

v1::Value String(const std::string& text) {
  v1::Value value;
  value.set_string_value(text);
  return value;
}

std::string Mask(v1::FieldType type, v1::MaskingRule rule,
                 const v1::Value& value) {
  v1::Value masked = MaskValue(Field(type, rule), value);
  EXPECT_EQ(masked.kind_case(), v1::Value::kMaskedValue);
  return masked.masked_value();
}

TEST(MaskValueTest, NameKeepsFirstCodePoint) {
  const auto kName = v1::MASKING_RULE_NAME;
  const auto kString = v1::FIELD_TYPE_STRING;
  EXPECT_EQ(Mask(kString, kName, String("张三丰")), "张**");
  EXPECT_EQ(Mask(kString, kName, String("张三")), "张*");
  EXPECT_EQ(Mask(kString, kName, String("欧阳娜娜")), "欧***");
  EXPECT_EQ(Mask(kString, kName, String("王")), "王");
  EXPECT_EQ(Mask(kString, kName, String("Smith")), "S****");
  EXPECT_EQ(Mask(kString, kName, String("")), "");
  // A 4-byte code point (U+20BB7 𠮷) counts once.
  EXPECT_EQ(Mask(kString, kName, String("𠮷野家")), "𠮷**");
  // Invalid UTF-8: each stray byte is one code point.
  EXPECT_EQ(Mask(kString, kName,
                 String("\xff\xfe"
                        "a")),
            "\xff**");
}

TEST(MaskValueTest, KeepEndsKeepsFourAndFour) {
  const auto kKeep = v1::MASKING_RULE_KEEP_ENDS;
  const auto kString = v1::FIELD_TYPE_STRING;
  EXPECT_EQ(Mask(kString, kKeep, String("11010519491231002X")),
            "1101**********002X");
  EXPECT_EQ(Mask(kString, kKeep, String("123456789")), "1234*6789");
  EXPECT_EQ(Mask(kString, kKeep, String("12345678")), "********");
  EXPECT_EQ(Mask(kString, kKeep, String("abc")), "***");
  EXPECT_EQ(Mask(kString, kKeep, String("京(2021)朝阳区不动产权第0012345号")),
            "京(20***************345号");
}

TEST(MaskValueTest, YearOnlyKeepsYear) {
  v1::Value date;
  date.set_date_value("1985-06-01");
  EXPECT_EQ(Mask(v1::FIELD_TYPE_DATE, v1::MASKING_RULE_YEAR_ONLY, date),
            "1985");
}

TEST(MaskValueTest, RedactAndFallbacks) {
  v1::Value decimal;
  decimal.set_decimal_value("1250000.00");
  EXPECT_EQ(Mask(v1::FIELD_TYPE_DECIMAL, v1::MASKING_RULE_REDACT, decimal),
            "***");
  v1::Value flag;
  flag.set_bool_value(true);
  EXPECT_EQ(Mask(v1::FIELD_TYPE_BOOL, v1::MASKING_RULE_UNSPECIFIED, flag),
            "***");
  // A rule that does not suit the value falls back to "***".
  EXPECT_EQ(Mask(v1::FIELD_TYPE_DECIMAL, v1::MASKING_RULE_NAME, decimal),
            "***");
  v1::Value list;
  list.mutable_list_value()->add_records();
  EXPECT_EQ(Mask(v1::FIELD_TYPE_RECORD_LIST, v1::MASKING_RULE_NAME, list),
            "***");
  EXPECT_EQ(Mask(v1::FIELD_TYPE_RECORD_LIST, v1::MASKING_RULE_REDACT, list),
            "***");
}

TEST(MaskValueTest, EachFieldMasksSubFieldsByTheirOwnRules) {
  v1::FieldSchema members;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        name: "members"
        type: FIELD_TYPE_RECORD_LIST
        masking: MASKING_RULE_EACH_FIELD
        fields { name: "name" type: FIELD_TYPE_STRING masking: MASKING_RULE_NAME }
        fields {
          name: "id_number"
          type: FIELD_TYPE_STRING
          masking: MASKING_RULE_KEEP_ENDS
        }
        fields { name: "relation" type: FIELD_TYPE_STRING }
      )pb",
      &members));
  v1::Value list;
  v1::Record* member = list.mutable_list_value()->add_records();
  (*member->mutable_fields())["name"] = String("陈林鸣");
  (*member->mutable_fields())["id_number"] = String("110105196407111678");
  (*member->mutable_fields())["relation"] = String("户主");
  (*member->mutable_fields())["undeclared"] = String("secret");

  v1::Value masked = MaskValue(members, list);
  ASSERT_EQ(masked.kind_case(), v1::Value::kListValue);
  const auto& fields = masked.list_value().records(0).fields();
  EXPECT_EQ(fields.at("name").masked_value(), "陈**");
  EXPECT_EQ(fields.at("id_number").masked_value(), "1101**********1678");
  EXPECT_EQ(fields.at("relation").string_value(), "户主");
  EXPECT_EQ(fields.at("undeclared").masked_value(), "***");
}

TEST(MaskValueTest, NullStaysNull) {
  v1::Value masked = MaskValue(
      Field(v1::FIELD_TYPE_STRING, v1::MASKING_RULE_NAME), v1::Value());
  EXPECT_EQ(masked.kind_case(), v1::Value::KIND_NOT_SET);
}

v1::Dataset Marriage() {
  v1::Dataset dataset;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"txt(
        id: "registry.marriage"
        fields { name: "marital_status" type: FIELD_TYPE_STRING masking: MASKING_RULE_REDACT }
        fields { name: "spouse_name" type: FIELD_TYPE_STRING masking: MASKING_RULE_NAME }
        fields { name: "spouse_id_number" type: FIELD_TYPE_STRING masking: MASKING_RULE_KEEP_ENDS }
        fields { name: "registered_on" type: FIELD_TYPE_DATE masking: MASKING_RULE_YEAR_ONLY }
      )txt",
      &dataset));
  return dataset;
}

v1::Record MarriageRecord() {
  v1::Record record;
  (*record.mutable_fields())["marital_status"] = String("已婚");
  (*record.mutable_fields())["spouse_name"] = String("李四");
  (*record.mutable_fields())["spouse_id_number"] = String("110105199001011234");
  (*record.mutable_fields())["registered_on"].set_date_value("2015-05-20");
  return record;
}

TEST(ApplyDecisionTest, KeepsClearMasksMaskedDropsTheRest) {
  Decision decision;
  decision.grant_id = "g";
  decision.clear_fields = {"marital_status"};
  decision.masked_fields = {"spouse_name", "registered_on"};
  v1::Record record = MarriageRecord();
  ASSERT_TRUE(ApplyDecision(decision, Marriage(), &record).ok());
  const auto& fields = record.fields();
  EXPECT_EQ(fields.size(), 3u);
  EXPECT_EQ(fields.at("marital_status").string_value(), "已婚");
  EXPECT_EQ(fields.at("spouse_name").masked_value(), "李*");
  EXPECT_EQ(fields.at("registered_on").masked_value(), "2015");
  EXPECT_EQ(fields.count("spouse_id_number"), 0u);
}

TEST(ApplyDecisionTest, FieldsAbsentFromTheRecordStayAbsent) {
  Decision decision;
  decision.clear_fields = {"marital_status"};
  decision.masked_fields = {"spouse_name"};
  v1::Record record;
  (*record.mutable_fields())["marital_status"] = String("未婚");
  ASSERT_TRUE(ApplyDecision(decision, Marriage(), &record).ok());
  EXPECT_EQ(record.fields().size(), 1u);
}

TEST(ApplyDecisionTest, EmptyDecisionReleasesNothing) {
  v1::Record record = MarriageRecord();
  ASSERT_TRUE(ApplyDecision(Decision(), Marriage(), &record).ok());
  EXPECT_TRUE(record.fields().empty());
}

TEST(ApplyDecisionTest, RejectsInconsistentDecisions) {
  Decision both;
  both.grant_id = "g";
  both.clear_fields = {"spouse_name"};
  both.masked_fields = {"spouse_name"};
  v1::Record record = MarriageRecord();
  absl::Status status = ApplyDecision(both, Marriage(), &record);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()),
            "registry.marriage: field 'spouse_name' is listed both in clear "
            "and masked by grant 'g'");
  EXPECT_EQ(record.fields().size(), 4u) << "left unchanged";

  Decision unknown;
  unknown.masked_fields = {"salary"};
  status = ApplyDecision(unknown, Marriage(), &record);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(status.message()),
            "registry.marriage: masked field 'salary' is not declared in the "
            "catalog");
}

}  // namespace
}  // namespace datarun::policy
