#include "exchange/catalog/catalog_validator.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "exchange/catalog/suggest.h"
#include "exchange/catalog/value_format.h"

namespace datarun::catalog {
namespace {

bool MaskingFitsType(v1::MaskingRule masking, v1::FieldType type) {
  switch (masking) {
    case v1::MASKING_RULE_REDACT:
      return true;
    case v1::MASKING_RULE_NAME:
    case v1::MASKING_RULE_KEEP_ENDS:
      return type == v1::FIELD_TYPE_STRING;
    case v1::MASKING_RULE_YEAR_ONLY:
      return type == v1::FIELD_TYPE_DATE;
    case v1::MASKING_RULE_EACH_FIELD:
      return type == v1::FIELD_TYPE_RECORD_LIST;
    default:
      return true;  // Unspecified: checked separately.
  }
}

const char* MaskingTypes(v1::MaskingRule masking) {
  switch (masking) {
    case v1::MASKING_RULE_NAME:
    case v1::MASKING_RULE_KEEP_ENDS:
      return "FIELD_TYPE_STRING fields";
    case v1::MASKING_RULE_YEAR_ONLY:
      return "FIELD_TYPE_DATE fields";
    case v1::MASKING_RULE_EACH_FIELD:
      return "FIELD_TYPE_RECORD_LIST fields";
    default:
      return "any field";
  }
}

void ValidateFields(
    const google::protobuf::RepeatedPtrField<v1::FieldSchema>& fields,
    const FieldPath& parent, ConfigErrors* errors) {
  absl::flat_hash_map<std::string, int> seen;
  for (int i = 0; i < fields.size(); ++i) {
    const v1::FieldSchema& field = fields[i];
    const FieldPath path = Child(parent, "fields", i);
    if (field.name().empty()) {
      errors->Add(Child(path, "name"), "name is required");
    } else if (!IsSnakeCase(field.name())) {
      errors->Add(Child(path, "name"),
                  absl::StrCat("field name '", field.name(),
                               "' must be lowercase snake_case, e.g. "
                               "'certificate_no'"));
    } else if (auto [it, inserted] = seen.emplace(field.name(), i); !inserted) {
      errors->Add(
          Child(path, "name"),
          absl::StrCat(
              "duplicate field name '", field.name(), "' (first declared at ",
              errors->Where(Child(parent, "fields", it->second)), ")"));
    }
    const std::string label =
        field.name().empty() ? FieldPathString(path) : field.name();
    if (field.type() == v1::FIELD_TYPE_UNSPECIFIED) {
      errors->Add(Child(path, "type"),
                  absl::StrCat("type of field '", label,
                               "' is required (FIELD_TYPE_STRING, _INT, "
                               "_DECIMAL, _BOOL, _DATE or _RECORD_LIST)"));
    }
    if (field.type() == v1::FIELD_TYPE_RECORD_LIST) {
      if (field.fields().empty()) {
        errors->Add(Child(path, "fields"),
                    absl::StrCat("FIELD_TYPE_RECORD_LIST field '", label,
                                 "' needs sub-fields"));
      }
    } else if (!field.fields().empty()) {
      errors->Add(Child(path, "fields", 0),
                  absl::StrCat("field '", label, "' is ",
                               v1::FieldType_Name(field.type()),
                               "; only FIELD_TYPE_RECORD_LIST fields may have "
                               "sub-fields"));
    }
    if (field.sensitivity() == v1::SENSITIVITY_UNSPECIFIED) {
      errors->Add(Child(path, "sensitivity"),
                  absl::StrCat("sensitivity of field '", label,
                               "' is required (SENSITIVITY_PUBLIC, _INTERNAL, "
                               "_PERSONAL or _SENSITIVE)"));
    }
    const bool personal = field.sensitivity() == v1::SENSITIVITY_PERSONAL ||
                          field.sensitivity() == v1::SENSITIVITY_SENSITIVE;
    if (personal && field.masking() == v1::MASKING_RULE_UNSPECIFIED) {
      errors->Add(Child(path, "masking"),
                  absl::StrCat("field '", label, "' is ",
                               v1::Sensitivity_Name(field.sensitivity()),
                               " and needs a masking rule"));
    }
    if (!MaskingFitsType(field.masking(), field.type())) {
      errors->Add(Child(path, "masking"),
                  absl::StrCat(v1::MaskingRule_Name(field.masking()),
                               " applies only to ",
                               MaskingTypes(field.masking()), ", but '", label,
                               "' is ", v1::FieldType_Name(field.type())));
    }
    ValidateFields(field.fields(), path, errors);
  }
}

std::vector<std::string> DepartmentIds(const v1::Catalog& catalog) {
  std::vector<std::string> ids;
  for (const v1::Department& department : catalog.departments()) {
    ids.push_back(department.id());
  }
  return ids;
}

void ValidateDataset(const v1::Catalog& catalog, int index,
                     const absl::flat_hash_map<std::string, int>& departments,
                     ConfigErrors* errors) {
  const v1::Dataset& dataset = catalog.datasets(index);
  const FieldPath path = {{"datasets", index}};
  const std::string& id = dataset.id();
  const size_t dot = id.find('.');
  if (id.empty()) {
    errors->Add(Child(path, "id"),
                "id is required ('<owner>.<name>', e.g. "
                "'land.property_title')");
  } else if (dot == std::string::npos || !IsDepartmentId(id.substr(0, dot)) ||
             !IsSnakeCase(id.substr(dot + 1))) {
    errors->Add(Child(path, "id"),
                absl::StrCat("dataset id '", id,
                             "' must be '<owner>.<name>' with a department id "
                             "and a snake_case name, e.g. "
                             "'land.property_title'"));
  }
  if (dataset.owner().empty()) {
    errors->Add(Child(path, "owner"),
                absl::StrCat("owner of '", id, "' is required"));
  } else if (!departments.contains(dataset.owner())) {
    errors->Add(
        Child(path, "owner"),
        absl::StrCat("owner '", dataset.owner(), "' of '", id,
                     "' is not a declared department (declared: ",
                     absl::StrJoin(DepartmentIds(catalog), ", "), ")",
                     DidYouMean(dataset.owner(), DepartmentIds(catalog))));
  } else if (dot != std::string::npos && id.substr(0, dot) != dataset.owner()) {
    errors->Add(
        Child(path, "owner"),
        absl::StrCat("owner '", dataset.owner(),
                     "' does not match the prefix of dataset id '", id, "'"));
  }
  if (dataset.version() < 1) {
    errors->Add(Child(path, "version"),
                absl::StrCat("version of '", id, "' must be >= 1, got ",
                             dataset.version()));
  }
  if (dataset.share_type() == v1::SHARE_TYPE_UNSPECIFIED) {
    errors->Add(
        Child(path, "share_type"),
        absl::StrCat("share_type of '", id,
                     "' is required (SHARE_TYPE_UNCONDITIONAL, "
                     "SHARE_TYPE_CONDITIONAL or SHARE_TYPE_NOT_SHARED)"));
  }
  if (dataset.subject_kind() == v1::SUBJECT_KIND_UNSPECIFIED) {
    errors->Add(Child(path, "subject_kind"),
                absl::StrCat("subject_kind of '", id,
                             "' is required (SUBJECT_KIND_PERSON, "
                             "SUBJECT_KIND_ORGANISATION or SUBJECT_KIND_ANY)"));
  }
  if (dataset.fields().empty()) {
    errors->Add(Child(path, "fields"),
                absl::StrCat("dataset '", id, "' needs at least one field"));
  }
  ValidateFields(dataset.fields(), path, errors);
}

}  // namespace

void ValidateCatalog(const v1::Catalog& catalog, ConfigErrors* errors) {
  absl::flat_hash_map<std::string, int> departments;
  for (int i = 0; i < catalog.departments_size(); ++i) {
    const v1::Department& department = catalog.departments(i);
    const FieldPath path = {{"departments", i}, {"id", -1}};
    if (department.id().empty()) {
      errors->Add(path, "department id is required (e.g. 'tax')");
    } else if (!IsDepartmentId(department.id())) {
      errors->Add(path,
                  absl::StrCat("department id '", department.id(),
                               "' must be a lowercase letter followed by "
                               "lowercase letters or digits (it is used "
                               "in certificate DNS names and dataset ids)"));
    } else if (auto [it, inserted] = departments.emplace(department.id(), i);
               !inserted) {
      errors->Add(path, absl::StrCat(
                            "duplicate department id '", department.id(),
                            "' (first declared at ",
                            errors->Where({{"departments", it->second}}), ")"));
    }
    absl::flat_hash_set<std::string> kinds;
    for (int k = 0; k < department.local_ids_size(); ++k) {
      const std::string& kind = department.local_ids(k).kind();
      const FieldPath kind_path = {
          {"departments", i}, {"local_ids", k}, {"kind", -1}};
      if (!IsSnakeCase(kind)) {
        errors->Add(kind_path, absl::StrCat("local id kind '", kind,
                                            "' must be snake_case, e.g. "
                                            "'taxpayer_number'"));
      } else if (!kinds.insert(kind).second) {
        errors->Add(kind_path, absl::StrCat("local id kind '", kind,
                                            "' is declared twice"));
      }
    }
  }
  absl::flat_hash_map<std::string, int> datasets;
  for (int i = 0; i < catalog.datasets_size(); ++i) {
    ValidateDataset(catalog, i, departments, errors);
    const std::string& id = catalog.datasets(i).id();
    if (id.empty()) continue;
    if (auto [it, inserted] = datasets.emplace(id, i); !inserted) {
      errors->Add(
          {{"datasets", i}, {"id", -1}},
          absl::StrCat("duplicate dataset id '", id, "' (first declared at ",
                       errors->Where({{"datasets", it->second}}), ")"));
    }
  }
}

}  // namespace datarun::catalog
