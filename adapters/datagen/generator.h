// datarun-datagen: writes the five reference departments' legacy stores
// (land.db, tax.db, housing.db, registry.db, market.db) with one consistent
// synthetic population, plus demo_subjects.txt naming the subjects the demo
// uses.
//
//   GeneratorOptions options;
//   options.out_dir = "/tmp/data";
//   ASSIGN_OR_RETURN(GeneratorResult result, Generate(options));
//
// Deterministic: the same seed and household count always give the same
// bytes of data and the same demo subjects.
#ifndef DATARUN_ADAPTERS_DATAGEN_GENERATOR_H_
#define DATARUN_ADAPTERS_DATAGEN_GENERATOR_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace datarun {
namespace datagen {

struct GeneratorOptions {
  uint64_t seed = 1;
  // Registered households to create (>= 10): about 2.6 people each.
  int64_t households = 10000;
  // Directory receiving the stores; created if missing. Existing stores of
  // the same names are replaced (each is written under a temporary name and
  // renamed when complete).
  std::string out_dir;
};

struct GeneratorResult {
  // The demo's subjects and related numbers as ordered key/value pairs, also
  // written to <out_dir>/demo_subjects.txt as "key=value" lines.
  std::vector<std::pair<std::string, std::string>> demo;
  int64_t households = 0;
  int64_t people = 0;
  int64_t titles = 0;
  int64_t contracts = 0;
  int64_t companies = 0;
  // Companies and sole proprietorships in the market regulator's store.
  int64_t market_entities = 0;
};

// Generates the stores. INVALID_ARGUMENT for bad options (naming the
// option); the stores' errors otherwise (naming the file).
absl::StatusOr<GeneratorResult> Generate(const GeneratorOptions& options);

// Reads <dir>/demo_subjects.txt back into key/value pairs (for tests and
// tools). NOT_FOUND when missing; INVALID_ARGUMENT naming the line when a
// line is not key=value.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
ReadDemoSubjects(const std::string& dir);

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_GENERATOR_H_
