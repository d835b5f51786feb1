#include "exchange/policy/masking.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace datarun::policy {
namespace {

constexpr char kRedacted[] = "***";

// Length in bytes of the UTF-8 sequence starting at `text[i]`, or 1 when
// it is not a valid sequence.
size_t CodePointLength(const std::string& text, size_t i) {
  const unsigned char lead = static_cast<unsigned char>(text[i]);
  size_t length = 1;
  if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
  } else if (lead >= 0xE0) {
    length = lead <= 0xEF ? 3 : 1;
  } else if (lead >= 0xC2) {
    length = 2;
  }
  if (length == 1 || i + length > text.size()) return 1;
  for (size_t k = 1; k < length; ++k) {
    const unsigned char next = static_cast<unsigned char>(text[i + k]);
    if ((next & 0xC0) != 0x80) return 1;
  }
  return length;
}

// Splits `text` into code points (each a byte range).
std::vector<std::string> CodePoints(const std::string& text) {
  std::vector<std::string> points;
  for (size_t i = 0; i < text.size();) {
    const size_t length = CodePointLength(text, i);
    points.push_back(text.substr(i, length));
    i += length;
  }
  return points;
}

std::string MaskName(const std::string& text) {
  std::vector<std::string> points = CodePoints(text);
  if (points.empty()) return "";
  return points[0] + std::string(points.size() - 1, '*');
}

std::string MaskKeepEnds(const std::string& text) {
  constexpr size_t kKept = 4;
  std::vector<std::string> points = CodePoints(text);
  if (points.size() <= 2 * kKept) return std::string(points.size(), '*');
  std::string out;
  for (size_t i = 0; i < kKept; ++i) out += points[i];
  out.append(points.size() - 2 * kKept, '*');
  for (size_t i = points.size() - kKept; i < points.size(); ++i) {
    out += points[i];
  }
  return out;
}

v1::Value Masked(std::string rendering) {
  v1::Value value;
  value.set_masked_value(std::move(rendering));
  return value;
}

// Keeps the list, masks every sub-field that has a masking rule, and
// redacts sub-fields the catalog does not declare.
v1::Value MaskEachField(const v1::FieldSchema& field, const v1::Value& value) {
  v1::Value out = value;
  for (v1::Record& record : *out.mutable_list_value()->mutable_records()) {
    for (auto& [name, sub_value] : *record.mutable_fields()) {
      const v1::FieldSchema* sub_field = nullptr;
      for (const v1::FieldSchema& candidate : field.fields()) {
        if (candidate.name() == name) sub_field = &candidate;
      }
      if (sub_field == nullptr) {
        sub_value = Masked(kRedacted);
      } else if (sub_field->masking() != v1::MASKING_RULE_UNSPECIFIED) {
        sub_value = MaskValue(*sub_field, sub_value);
      }
    }
  }
  return out;
}

}  // namespace

v1::Value MaskValue(const v1::FieldSchema& field, const v1::Value& value) {
  if (value.kind_case() == v1::Value::KIND_NOT_SET) return v1::Value();
  if (field.masking() == v1::MASKING_RULE_EACH_FIELD &&
      value.kind_case() == v1::Value::kListValue) {
    return MaskEachField(field, value);
  }
  if (field.type() == v1::FIELD_TYPE_RECORD_LIST ||
      value.kind_case() == v1::Value::kListValue) {
    return Masked(kRedacted);
  }
  switch (field.masking()) {
    case v1::MASKING_RULE_NAME:
      if (value.kind_case() == v1::Value::kStringValue) {
        return Masked(MaskName(value.string_value()));
      }
      break;
    case v1::MASKING_RULE_KEEP_ENDS:
      if (value.kind_case() == v1::Value::kStringValue) {
        return Masked(MaskKeepEnds(value.string_value()));
      }
      break;
    case v1::MASKING_RULE_YEAR_ONLY:
      if (value.kind_case() == v1::Value::kDateValue &&
          value.date_value().size() >= 4) {
        return Masked(value.date_value().substr(0, 4));
      }
      break;
    default:
      break;
  }
  return Masked(kRedacted);
}

absl::Status ApplyDecision(const Decision& decision, const v1::Dataset& dataset,
                           v1::Record* record) {
  absl::flat_hash_set<std::string> clear(decision.clear_fields.begin(),
                                         decision.clear_fields.end());
  absl::flat_hash_map<std::string, const v1::FieldSchema*> masked;
  for (const std::string& name : decision.masked_fields) {
    if (clear.contains(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat(dataset.id(), ": field '", name,
                       "' is listed both in clear and masked by grant '",
                       decision.grant_id, "'"));
    }
    const v1::FieldSchema* schema = nullptr;
    for (const v1::FieldSchema& field : dataset.fields()) {
      if (field.name() == name) schema = &field;
    }
    if (schema == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(dataset.id(), ": masked field '", name,
                       "' is not declared in the catalog"));
    }
    masked.emplace(name, schema);
  }
  auto* fields = record->mutable_fields();
  for (auto it = fields->begin(); it != fields->end();) {
    auto mask = masked.find(it->first);
    if (mask != masked.end()) {
      it->second = MaskValue(*mask->second, it->second);
      ++it;
    } else if (clear.contains(it->first)) {
      ++it;
    } else {
      it = fields->erase(it);
    }
  }
  return absl::OkStatus();
}

}  // namespace datarun::policy
