#include "exchange/catalog/catalog.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/textproto_file.h"
#include "exchange/catalog/catalog_validator.h"
#include "exchange/catalog/config_errors.h"
#include "exchange/catalog/record_checker.h"
#include "exchange/catalog/suggest.h"

namespace datarun::catalog {

absl::StatusOr<std::unique_ptr<Catalog>> Catalog::LoadFile(
    absl::string_view path) {
  std::unique_ptr<Catalog> catalog(new Catalog());
  ASSIGN_OR_RETURN(std::unique_ptr<TextProtoFile> file,
                   TextProtoFile::Load(path, &catalog->proto_));
  ConfigErrors errors(*file, catalog->proto_);
  ValidateCatalog(catalog->proto_, &errors);
  RETURN_IF_ERROR(errors.ToStatus());
  catalog->Index();
  return catalog;
}

absl::StatusOr<std::unique_ptr<Catalog>> Catalog::FromText(
    absl::string_view name, absl::string_view text) {
  std::unique_ptr<Catalog> catalog(new Catalog());
  ASSIGN_OR_RETURN(std::unique_ptr<TextProtoFile> file,
                   TextProtoFile::Parse(name, text, &catalog->proto_));
  ConfigErrors errors(*file, catalog->proto_);
  ValidateCatalog(catalog->proto_, &errors);
  RETURN_IF_ERROR(errors.ToStatus());
  catalog->Index();
  return catalog;
}

void Catalog::Index() {
  for (const v1::Department& department : proto_.departments()) {
    departments_.emplace(department.id(), &department);
  }
  for (const v1::Dataset& dataset : proto_.datasets()) {
    datasets_.emplace(dataset.id(), &dataset);
    auto& fields = fields_[&dataset];
    for (const v1::FieldSchema& field : dataset.fields()) {
      fields.emplace(field.name(), &field);
    }
  }
}

absl::StatusOr<const v1::Dataset*> Catalog::FindDataset(
    absl::string_view id) const {
  auto it = datasets_.find(id);
  if (it != datasets_.end()) return it->second;
  return absl::NotFoundError(
      absl::StrCat("unknown dataset '", id, "'", DidYouMean(id, DatasetIds())));
}

const v1::FieldSchema* Catalog::FindField(const v1::Dataset& dataset,
                                          absl::string_view field) const {
  auto indexed = fields_.find(&dataset);
  if (indexed != fields_.end()) {
    auto it = indexed->second.find(field);
    return it == indexed->second.end() ? nullptr : it->second;
  }
  for (const v1::FieldSchema& schema : dataset.fields()) {
    if (schema.name() == field) return &schema;
  }
  return nullptr;
}

bool Catalog::HasDepartment(absl::string_view id) const {
  return departments_.contains(id);
}

std::vector<std::string> Catalog::DepartmentIds() const {
  std::vector<std::string> ids;
  ids.reserve(proto_.departments_size());
  for (const v1::Department& department : proto_.departments()) {
    ids.push_back(department.id());
  }
  return ids;
}

std::vector<const v1::Dataset*> Catalog::ListDatasets(
    absl::string_view owner) const {
  std::vector<const v1::Dataset*> datasets;
  for (const v1::Dataset& dataset : proto_.datasets()) {
    if (owner.empty() || dataset.owner() == owner) datasets.push_back(&dataset);
  }
  return datasets;
}

std::vector<std::string> Catalog::DatasetIds() const {
  std::vector<std::string> ids;
  ids.reserve(proto_.datasets_size());
  for (const v1::Dataset& dataset : proto_.datasets()) {
    ids.push_back(dataset.id());
  }
  return ids;
}

absl::Status Catalog::ValidateRecord(const v1::Dataset& dataset,
                                     const v1::Record& record) const {
  return CheckRecord(dataset, record);
}

}  // namespace datarun::catalog
