#include "adapters/sdk/record_builder.h"

#include <string>
#include <utility>

namespace datarun {
namespace adapter {

v1::Value& RecordBuilder::Set(absl::string_view field) {
  v1::Value& value = (*record_.mutable_fields())[std::string(field)];
  value.Clear();
  return value;
}

RecordBuilder& RecordBuilder::Str(absl::string_view field,
                                  absl::string_view value) & {
  Set(field).set_string_value(std::string(value));
  return *this;
}

RecordBuilder& RecordBuilder::Int(absl::string_view field, int64_t value) & {
  Set(field).set_int_value(value);
  return *this;
}

RecordBuilder& RecordBuilder::Decimal(absl::string_view field,
                                      absl::string_view value) & {
  Set(field).set_decimal_value(std::string(value));
  return *this;
}

RecordBuilder& RecordBuilder::Bool(absl::string_view field, bool value) & {
  Set(field).set_bool_value(value);
  return *this;
}

RecordBuilder& RecordBuilder::Date(absl::string_view field,
                                   absl::string_view yyyy_mm_dd) & {
  Set(field).set_date_value(std::string(yyyy_mm_dd));
  return *this;
}

RecordBuilder& RecordBuilder::List(absl::string_view field,
                                   std::vector<v1::Record> records) & {
  v1::RecordList* list = Set(field).mutable_list_value();
  list->mutable_records()->Reserve(static_cast<int>(records.size()));
  for (v1::Record& record : records) {
    *list->add_records() = std::move(record);
  }
  return *this;
}

RecordBuilder& RecordBuilder::Null(absl::string_view field) & {
  Set(field);
  return *this;
}

RecordBuilder&& RecordBuilder::Str(absl::string_view field,
                                   absl::string_view value) && {
  return std::move(Str(field, value));
}

RecordBuilder&& RecordBuilder::Int(absl::string_view field, int64_t value) && {
  return std::move(Int(field, value));
}

RecordBuilder&& RecordBuilder::Decimal(absl::string_view field,
                                       absl::string_view value) && {
  return std::move(Decimal(field, value));
}

RecordBuilder&& RecordBuilder::Bool(absl::string_view field, bool value) && {
  return std::move(Bool(field, value));
}

RecordBuilder&& RecordBuilder::Date(absl::string_view field,
                                    absl::string_view yyyy_mm_dd) && {
  return std::move(Date(field, yyyy_mm_dd));
}

RecordBuilder&& RecordBuilder::List(absl::string_view field,
                                    std::vector<v1::Record> records) && {
  return std::move(List(field, std::move(records)));
}

RecordBuilder&& RecordBuilder::Null(absl::string_view field) && {
  return std::move(Null(field));
}

v1::Record RecordBuilder::Build() && { return std::move(record_); }

}  // namespace adapter
}  // namespace datarun
