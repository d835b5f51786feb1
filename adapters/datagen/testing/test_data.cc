#include "adapters/datagen/testing/test_data.h"

#include <stdlib.h>

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "adapters/datagen/generator.h"
#include "adapters/legacy_store/legacy_format.h"
#include "common/file_util.h"
#include "common/textproto_file.h"
#ifdef DATARUN_HAVE_CATALOG
#include "exchange/catalog/catalog.h"
#endif

namespace datarun {
namespace datagen {
namespace testing {
namespace {

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "test data: %s\n", what.c_str());
  std::abort();
}

struct TempDir {
  std::string path;
  ~TempDir() {
    if (!path.empty()) {
      std::string cmd = "rm -rf '" + path + "'";
      if (system(cmd.c_str()) != 0)
        std::fprintf(stderr, "cannot remove %s\n", path.c_str());
    }
  }
};

std::string CatalogPath() {
  return absl::StrCat(DATARUN_SOURCE_DIR, "/deploy/local/catalog.textproto");
}

std::string TypeName(v1::FieldType type) { return v1::FieldType_Name(type); }

absl::Status CheckFields(
    const std::string& where,
    const google::protobuf::RepeatedPtrField<v1::FieldSchema>& schema,
    const v1::Record& record, bool all_fields) {
  for (const auto& [name, value] : record.fields()) {
    const v1::FieldSchema* field = nullptr;
    for (const v1::FieldSchema& f : schema) {
      if (f.name() == name) field = &f;
    }
    std::string path = absl::StrCat(where, ": field '", name, "'");
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " is not in the catalog"));
    }
    if (value.kind_case() == v1::Value::KIND_NOT_SET) continue;  // NULL
    bool ok = false;
    switch (field->type()) {
      case v1::FIELD_TYPE_STRING:
        ok = value.has_string_value();
        break;
      case v1::FIELD_TYPE_INT:
        ok = value.has_int_value();
        break;
      case v1::FIELD_TYPE_DECIMAL:
        ok = value.has_decimal_value() &&
             legacy::IsDecimalText(value.decimal_value());
        break;
      case v1::FIELD_TYPE_BOOL:
        ok = value.has_bool_value();
        break;
      case v1::FIELD_TYPE_DATE: {
        auto normal = legacy::NormalizeDate(value.date_value());
        ok = value.has_date_value() && value.date_value().size() == 10 &&
             normal.ok() && *normal == value.date_value();
        break;
      }
      case v1::FIELD_TYPE_RECORD_LIST:
        ok = value.has_list_value();
        if (ok) {
          int i = 0;
          for (const v1::Record& sub : value.list_value().records()) {
            absl::Status s =
                CheckFields(absl::StrCat(where, ".", name, "[", i++, "]"),
                            field->fields(), sub, all_fields);
            if (!s.ok()) return s;
          }
        }
        break;
      default:
        break;
    }
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " must be ", TypeName(field->type()), ", got ",
                       value.DebugString()));
    }
  }
  if (all_fields) {
    for (const v1::FieldSchema& f : schema) {
      if (record.fields().count(f.name()) == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": field '", f.name(), "' is missing"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

const std::string& SharedTestDataDir() {
  static TempDir* dir = [] {
    static TempDir d;
    char tmpl[] = "/tmp/datarun_test_data.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) Die("mkdtemp failed");
    d.path = tmpl;
    GeneratorOptions options;
    options.seed = 7;
    options.households = 60;
    options.out_dir = d.path;
    auto result = Generate(options);
    if (!result.ok()) Die(std::string(result.status().message()));
    return &d;
  }();
  return dir->path;
}

const std::map<std::string, std::string>& SharedDemoSubjects() {
  static const auto* subjects = [] {
    auto pairs = ReadDemoSubjects(SharedTestDataDir());
    if (!pairs.ok()) Die(std::string(pairs.status().message()));
    auto* m =
        new std::map<std::string, std::string>(pairs->begin(), pairs->end());
    return m;
  }();
  return *subjects;
}

const v1::Catalog& RepoCatalog() {
  static const v1::Catalog* catalog = [] {
    auto* c = new v1::Catalog;
    auto file = TextProtoFile::Load(CatalogPath(), c);
    if (!file.ok()) Die(std::string(file.status().message()));
    return c;
  }();
  return *catalog;
}

absl::Status CheckRecord(absl::string_view dataset_id, const v1::Record& record,
                         bool all_fields) {
  const v1::Dataset* dataset = nullptr;
  for (const v1::Dataset& d : RepoCatalog().datasets()) {
    if (d.id() == dataset_id) dataset = &d;
  }
  if (dataset == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("dataset '", dataset_id, "' is not in the catalog"));
  }
  absl::Status s = CheckFields(std::string(dataset_id), dataset->fields(),
                               record, all_fields);
  if (!s.ok()) return s;
#ifdef DATARUN_HAVE_CATALOG
  static const catalog::Catalog* validated = [] {
    auto c = catalog::Catalog::LoadFile(CatalogPath());
    if (!c.ok()) Die(std::string(c.status().message()));
    return c->release();
  }();
  auto found = validated->FindDataset(dataset_id);
  if (!found.ok()) return found.status();
  s = validated->ValidateRecord(**found, record);
#endif
  return s;
}

}  // namespace testing
}  // namespace datagen
}  // namespace datarun
