// The load generator's JSON report.
//
// {"label":..,"target":..,"mode":..,"concurrency":..,"rate":..,
//  "duration_s":..,"channels":..,"completed":..,"throughput_rps":..,
//  "ok_rps":..,"error_ratio":..,"skipped":..,"unfinished":..,
//  "codes":{"OK":n,"NOT_FOUND":n,..},
//  "latency_us":{"min","mean","p50","p90","p99","p999","max"},
//  "processes":{"<name>":{"pids":[..],"cpu_ms":..,"cpu_us_per_call":..,
//                         "rss_kb":..,"peak_rss_kb":..}},
//  "loadgen":{"cpu_ms":..,"cpu_us_per_call":..},
//  "workload":{"items":[{"grant","consumer","dataset","subjects"}],
//              "skipped":[..]},
//  "rss_series":[[seconds,kB],..]}
// NOT_FOUND counts as answered ("ok_rps"): the owner was asked and had no
// record, which is full work on every path.
#ifndef DATARUN_BENCH_LOADGEN_REPORT_H_
#define DATARUN_BENCH_LOADGEN_REPORT_H_

#include <string>

#include "bench/loadgen/load_runner.h"
#include "bench/loadgen/loadgen_options.h"
#include "bench/loadgen/workload.h"

namespace datarun::bench {

// Returns the report as one JSON object (with a trailing newline).
std::string RenderJsonReport(const LoadgenOptions& options,
                             const Workload& workload, const RunResult& result);

// Name of a gRPC status code ("OK", "NOT_FOUND", ...).
std::string StatusCodeName(int code);

}  // namespace datarun::bench

#endif  // DATARUN_BENCH_LOADGEN_REPORT_H_
