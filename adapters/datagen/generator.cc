#include "adapters/datagen/generator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/datagen/generator_run.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {
namespace {

constexpr int64_t kMaxHouseholds = 20000000;

}  // namespace

absl::StatusOr<GeneratorResult> Generate(const GeneratorOptions& options) {
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError(
        "datagen: --out (output directory) is required");
  }
  if (options.households < 10 || options.households > kMaxHouseholds) {
    return absl::InvalidArgumentError(
        absl::StrCat("datagen: --households must be between 10 and ",
                     kMaxHouseholds, ", got ", options.households));
  }
  GeneratorRun run(options);
  return run.Go();
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
ReadDemoSubjects(const std::string& dir) {
  std::string path = absl::StrCat(dir, "/demo_subjects.txt");
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<std::pair<std::string, std::string>> out;
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_no, ": expected key=value"));
    }
    out.emplace_back(std::string(line.substr(0, eq)),
                     std::string(line.substr(eq + 1)));
  }
  return out;
}

}  // namespace datagen
}  // namespace datarun
