#include "adapters/sdk/record_builder.h"

#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace datarun {
namespace adapter {
namespace {

TEST(RecordBuilderTest, SetsEveryTypedValue) {
  v1::Record record = RecordBuilder()
                          .Str("location", "朝阳区建国路88号3-1201")
                          .Int("dwelling_count", 2)
                          .Decimal("area", "89.50")
                          .Bool("mortgaged", true)
                          .Date("registered_on", "2019-04-02")
                          .Build();
  const auto& f = record.fields();
  ASSERT_EQ(f.size(), 5u);
  EXPECT_EQ(f.at("location").string_value(), "朝阳区建国路88号3-1201");
  EXPECT_EQ(f.at("dwelling_count").int_value(), 2);
  EXPECT_EQ(f.at("area").decimal_value(), "89.50");
  EXPECT_EQ(f.at("area").kind_case(), v1::Value::kDecimalValue);
  EXPECT_TRUE(f.at("mortgaged").bool_value());
  EXPECT_EQ(f.at("mortgaged").kind_case(), v1::Value::kBoolValue);
  EXPECT_EQ(f.at("registered_on").date_value(), "2019-04-02");
  EXPECT_EQ(f.at("registered_on").kind_case(), v1::Value::kDateValue);
}

TEST(RecordBuilderTest, WorksAsANamedBuilder) {
  RecordBuilder builder;
  builder.Str("usage", "住宅").Int("floor", 12);
  builder.Null("mortgage_holder");
  v1::Record record = std::move(builder).Build();
  EXPECT_EQ(record.fields().size(), 3u);
  EXPECT_EQ(record.fields().at("usage").string_value(), "住宅");
  EXPECT_EQ(record.fields().at("floor").int_value(), 12);
}

TEST(RecordBuilderTest, NullIsPresentAndEmpty) {
  v1::Record record = RecordBuilder().Null("mortgage_holder").Build();
  ASSERT_EQ(record.fields().count("mortgage_holder"), 1u);
  EXPECT_EQ(record.fields().at("mortgage_holder").kind_case(),
            v1::Value::KIND_NOT_SET);
}

TEST(RecordBuilderTest, FalseAndZeroAreNotNull) {
  v1::Record record = RecordBuilder().Bool("seized", false).Int("n", 0).Build();
  EXPECT_EQ(record.fields().at("seized").kind_case(), v1::Value::kBoolValue);
  EXPECT_EQ(record.fields().at("n").kind_case(), v1::Value::kIntValue);
}

TEST(RecordBuilderTest, ListHoldsNestedRecordsInOrder) {
  std::vector<v1::Record> owners;
  owners.push_back(
      RecordBuilder().Str("name", "张伟").Decimal("share", "0.5").Build());
  owners.push_back(
      RecordBuilder().Str("name", "李娜").Decimal("share", "0.5").Build());
  v1::Record record = RecordBuilder()
                          .List("owners", std::move(owners))
                          .List("none", {})
                          .Build();
  const v1::Value& value = record.fields().at("owners");
  ASSERT_EQ(value.kind_case(), v1::Value::kListValue);
  ASSERT_EQ(value.list_value().records_size(), 2);
  EXPECT_EQ(value.list_value().records(0).fields().at("name").string_value(),
            "张伟");
  EXPECT_EQ(value.list_value().records(1).fields().at("name").string_value(),
            "李娜");
  // An empty list is a list, not a null.
  EXPECT_EQ(record.fields().at("none").kind_case(), v1::Value::kListValue);
}

TEST(RecordBuilderTest, SettingAFieldAgainReplacesItsValue) {
  v1::Record record =
      RecordBuilder().Str("price", "1").Decimal("price", "2.00").Build();
  ASSERT_EQ(record.fields().size(), 1u);
  EXPECT_EQ(record.fields().at("price").kind_case(), v1::Value::kDecimalValue);
  EXPECT_EQ(record.fields().at("price").decimal_value(), "2.00");
  record = RecordBuilder().Str("x", "a").Null("x").Build();
  EXPECT_EQ(record.fields().at("x").kind_case(), v1::Value::KIND_NOT_SET);
}

}  // namespace
}  // namespace adapter
}  // namespace datarun
