// datarun-loadgen: drives mTLS load at the exchange, an adapter, or a proxy
// in front of the adapters, and prints a JSON report (see report.h).
// Flags: see bench/loadgen/loadgen_options.h. Used by bench/run_bench.sh.
#include <cstdio>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "bench/loadgen/call_target.h"
#include "bench/loadgen/load_runner.h"
#include "bench/loadgen/loadgen_options.h"
#include "bench/loadgen/report.h"
#include "bench/loadgen/workload.h"
#include "common/file_util.h"

namespace {

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "datarun-loadgen: %s\n",
               std::string(status.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace datarun::bench;  // NOLINT: a binary's main
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<LoadgenOptions> options = ParseLoadgenOptions(args);
  if (!options.ok()) return Fail(options.status());
  absl::StatusOr<std::unique_ptr<Workload>> workload =
      Workload::Load(options->policy_file, options->state_dir + "/data",
                     options->subjects_per_dataset, absl::Now());
  if (!workload.ok()) return Fail(workload.status());
  absl::StatusOr<std::unique_ptr<CallTarget>> target =
      CallTarget::Create(*options, **workload);
  if (!target.ok()) return Fail(target.status());
  absl::Status connected = (*target)->WaitConnected(absl::Seconds(10));
  if (!connected.ok()) return Fail(connected);
  absl::StatusOr<std::unique_ptr<RunResult>> result =
      RunLoad(*options, **workload, **target);
  if (!result.ok()) return Fail(result.status());
  const std::string report = RenderJsonReport(*options, **workload, **result);
  if (options->out.empty()) {
    std::fputs(report.c_str(), stdout);
  } else {
    absl::Status written = datarun::WriteFileAtomically(options->out, report);
    if (!written.ok()) return Fail(written);
  }
  return (*result)->unfinished > 0 ? 3 : 0;
}
