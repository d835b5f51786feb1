// datarun-datagen: writes the reference departments' legacy stores with a
// consistent synthetic population.
//
//   datarun-datagen --out=state/data [--seed=1] [--households=10000]
//
// Writes <out>/land.db, tax.db, housing.db, registry.db, market.db and
// demo_subjects.txt (the subjects the demo uses, one key=value per line).
#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "adapters/datagen/generator.h"

namespace {

constexpr char kUsage[] =
    "usage: datarun-datagen --out=<dir> [--seed=<n>] [--households=<n>]\n"
    "\n"
    "Writes the legacy stores of the reference departments (land.db, tax.db,\n"
    "housing.db, registry.db, market.db) and demo_subjects.txt into <dir>,\n"
    "replacing existing ones. The same seed and household count give the\n"
    "same data.\n"
    "  --out          output directory (created if missing)\n"
    "  --seed         random seed (default 1)\n"
    "  --households   registered households, 10 to 20000000 (default 10000)\n";

bool FlagValue(absl::string_view arg, absl::string_view name,
               absl::string_view* value) {
  std::string prefix = std::string("--") + std::string(name) + "=";
  if (!absl::StartsWith(arg, prefix)) return false;
  *value = arg.substr(prefix.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  datarun::datagen::GeneratorOptions options;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    absl::string_view value;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (FlagValue(arg, "out", &value)) {
      options.out_dir = std::string(value);
    } else if (FlagValue(arg, "seed", &value)) {
      if (!absl::SimpleAtoi(value, &options.seed)) {
        std::fprintf(stderr,
                     "datarun-datagen: --seed must be a non-negative integer, "
                     "got '%s'\n",
                     std::string(value).c_str());
        return 2;
      }
    } else if (FlagValue(arg, "households", &value)) {
      if (!absl::SimpleAtoi(value, &options.households)) {
        std::fprintf(
            stderr,
            "datarun-datagen: --households must be an integer, got '%s'\n",
            std::string(value).c_str());
        return 2;
      }
    } else {
      std::fprintf(stderr, "datarun-datagen: unknown argument '%s'\n\n%s",
                   argv[i], kUsage);
      return 2;
    }
  }
  if (options.out_dir.empty()) {
    std::fprintf(stderr, "datarun-datagen: --out is required\n\n%s", kUsage);
    return 2;
  }
  auto result = datarun::datagen::Generate(options);
  if (!result.ok()) {
    std::fprintf(stderr, "datarun-datagen: %s\n",
                 std::string(result.status().message()).c_str());
    return 1;
  }
  std::printf(
      "datarun-datagen: wrote %s/{land,tax,housing,registry,market}.db: "
      "%lld households, %lld registered people, %lld titles, %lld companies, "
      "%lld sale contracts, %lld market entities; demo subjects in "
      "%s/demo_subjects.txt\n",
      options.out_dir.c_str(), static_cast<long long>(result->households),
      static_cast<long long>(result->people),
      static_cast<long long>(result->titles),
      static_cast<long long>(result->companies),
      static_cast<long long>(result->contracts),
      static_cast<long long>(result->market_entities), options.out_dir.c_str());
  return 0;
}
