#include "exchange/catalog/record_checker.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "exchange/catalog/value_format.h"

namespace datarun::catalog {
namespace {

using FieldList = google::protobuf::RepeatedPtrField<v1::FieldSchema>;

// "DECIMAL" for FIELD_TYPE_DECIMAL.
std::string TypeName(v1::FieldType type) {
  std::string name = v1::FieldType_Name(type);
  constexpr absl::string_view kPrefix = "FIELD_TYPE_";
  if (absl::StartsWith(name, kPrefix)) name = name.substr(kPrefix.size());
  return name;
}

// "string_value" for the set member of `value`.
std::string KindName(const v1::Value& value) {
  const google::protobuf::FieldDescriptor* field =
      value.GetReflection()->GetOneofFieldDescriptor(
          value, v1::Value::descriptor()->FindOneofByName("kind"));
  return field == nullptr ? "no value" : field->name();
}

v1::Value::KindCase ExpectedKind(v1::FieldType type) {
  switch (type) {
    case v1::FIELD_TYPE_STRING:
      return v1::Value::kStringValue;
    case v1::FIELD_TYPE_INT:
      return v1::Value::kIntValue;
    case v1::FIELD_TYPE_DECIMAL:
      return v1::Value::kDecimalValue;
    case v1::FIELD_TYPE_BOOL:
      return v1::Value::kBoolValue;
    case v1::FIELD_TYPE_DATE:
      return v1::Value::kDateValue;
    case v1::FIELD_TYPE_RECORD_LIST:
      return v1::Value::kListValue;
    default:
      return v1::Value::KIND_NOT_SET;
  }
}

const v1::FieldSchema* Find(const FieldList& fields, const std::string& name) {
  for (const v1::FieldSchema& field : fields) {
    if (field.name() == name) return &field;
  }
  return nullptr;
}

absl::Status CheckFields(const v1::Dataset& dataset, const FieldList& schema,
                         const v1::Record& record, const std::string& prefix);

absl::Status CheckValue(const v1::Dataset& dataset,
                        const v1::FieldSchema& field, const v1::Value& value,
                        const std::string& path) {
  if (value.kind_case() == v1::Value::KIND_NOT_SET) return absl::OkStatus();
  auto error = [&](absl::string_view problem) {
    return absl::InvalidArgumentError(
        absl::StrCat(dataset.id(), ": field '", path, "' ", problem));
  };
  if (value.kind_case() == v1::Value::kMaskedValue) {
    return error(
        "carries masked_value; adapters return real values and only the "
        "exchange masks");
  }
  if (value.kind_case() != ExpectedKind(field.type())) {
    return error(absl::StrCat("must be ", TypeName(field.type()), ", got ",
                              KindName(value)));
  }
  switch (value.kind_case()) {
    case v1::Value::kDecimalValue:
      if (!IsValidDecimal(value.decimal_value())) {
        return error(
            absl::StrCat("must be a DECIMAL like \"89.50\" or \"-3\", "
                         "got \"",
                         value.decimal_value(), "\""));
      }
      break;
    case v1::Value::kDateValue:
      if (!IsValidDate(value.date_value())) {
        return error(absl::StrCat(
            "must be a DATE \"YYYY-MM-DD\" naming a real day, got \"",
            value.date_value(), "\""));
      }
      break;
    case v1::Value::kListValue: {
      const auto& records = value.list_value().records();
      for (int i = 0; i < records.size(); ++i) {
        RETURN_IF_ERROR(CheckFields(dataset, field.fields(), records[i],
                                    absl::StrCat(path, "[", i, "].")));
      }
      break;
    }
    default:
      break;
  }
  return absl::OkStatus();
}

absl::Status CheckFields(const v1::Dataset& dataset, const FieldList& schema,
                         const v1::Record& record, const std::string& prefix) {
  std::vector<const std::string*> names;
  names.reserve(record.fields().size());
  for (const auto& entry : record.fields()) names.push_back(&entry.first);
  std::sort(names.begin(), names.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });
  for (const std::string* name : names) {
    const std::string path = absl::StrCat(prefix, *name);
    const v1::FieldSchema* field = Find(schema, *name);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          dataset.id(), ": field '", path, "' is not declared in the catalog"));
    }
    RETURN_IF_ERROR(
        CheckValue(dataset, *field, record.fields().at(*name), path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckRecord(const v1::Dataset& dataset, const v1::Record& record) {
  return CheckFields(dataset, dataset.fields(), record, "");
}

}  // namespace datarun::catalog
