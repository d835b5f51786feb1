#include "adapters/datagen/testing/test_data.h"

#include <stdlib.h>

#include <cstdio>
#include <memory>

#include "absl/strings/str_cat.h"
#include "adapters/datagen/generator.h"
#include "exchange/catalog/catalog.h"

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

absl::Status CheckRecord(absl::string_view dataset_id, const v1::Record& record,
                         bool all_fields) {
  static const catalog::Catalog* repo_catalog = [] {
    auto c = catalog::Catalog::LoadFile(CatalogPath());
    if (!c.ok()) Die(std::string(c.status().message()));
    return c->release();
  }();
  auto dataset = repo_catalog->FindDataset(dataset_id);
  if (!dataset.ok()) return dataset.status();
  absl::Status s = repo_catalog->ValidateRecord(**dataset, record);
  if (!s.ok() || !all_fields) return s;
  for (const v1::FieldSchema& field : (*dataset)->fields()) {
    if (record.fields().count(field.name()) == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(dataset_id, ": field '", field.name(), "' is missing"));
    }
  }
  return absl::OkStatus();
}

}  // namespace testing
}  // namespace datagen
}  // namespace datarun
