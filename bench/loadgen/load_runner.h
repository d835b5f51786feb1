// Drives load at a CallTarget and measures it.
//
// Closed loop: `concurrency` callers each send their next call as soon as
// the previous one completes. Open loop: calls are scheduled at a fixed
// `rate`; latency is measured from each call's scheduled start, so a
// stalled target is charged for the calls it delayed (no coordinated
// omission); calls beyond `max_inflight` are not sent and count as skipped.
//
// Calls in the first `warmup` are not measured. The measured window is the
// following `duration`: closed loop counts calls that complete inside it,
// open loop calls scheduled inside it. CPU time and memory of every process
// group under <state>/run are sampled at the window's start and end; the
// resident memory of `rss_sample` once a second from the start.
#ifndef DATARUN_BENCH_LOADGEN_LOAD_RUNNER_H_
#define DATARUN_BENCH_LOADGEN_LOAD_RUNNER_H_

#include <grpcpp/grpcpp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/loadgen/call_target.h"
#include "bench/loadgen/latency_histogram.h"
#include "bench/loadgen/loadgen_options.h"
#include "bench/loadgen/proc_stats.h"
#include "bench/loadgen/workload.h"

namespace datarun::bench {

struct GroupUsage {
  ProcessGroup group;
  int64_t cpu_micros = 0;  // used during the measured window
  int64_t rss_kb = 0;      // at the window's end
  int64_t hwm_kb = 0;      // peak resident set over the process's life
};

struct RunResult {
  double measured_seconds = 0;
  uint64_t completed = 0;            // calls measured (any status)
  std::array<uint64_t, 17> codes{};  // by grpc::StatusCode
  uint64_t skipped = 0;              // open loop: not sent, too many in flight
  uint64_t unfinished = 0;           // calls still running when the run gave up
  LatencyHistogram latency;          // nanoseconds
  std::vector<GroupUsage> groups;
  int64_t loadgen_cpu_micros = 0;
  // (seconds since start, kB) of options.rss_sample.
  std::vector<std::pair<double, int64_t>> rss_series;
};

// Runs the load described by `options`. Errors: INVALID_ARGUMENT when
// options.rss_sample names no pid file under <state>/run.
absl::StatusOr<std::unique_ptr<RunResult>> RunLoad(
    const LoadgenOptions& options, const Workload& workload,
    CallTarget& target);

}  // namespace datarun::bench

#endif  // DATARUN_BENCH_LOADGEN_LOAD_RUNNER_H_
