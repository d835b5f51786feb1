// Command-line options of datarun-loadgen and their parser.
//
//   datarun-loadgen --state=<stack state dir> --target=exchange|adapter|proxy
//       [--mode=closed --concurrency=32 | --mode=open --rate=500]
//       [--duration=10s] [--warmup=1s] [--channels=4] [--policy=FILE]
//       [--subjects_per_dataset=2000] [--deadline_ms=5000]
//       [--max_inflight=4096] [--rss_sample=exchange] [--label=NAME]
//       [--proxy_ports=land:1234,tax:1235,...] [--seed=1] [--out=FILE]
#ifndef DATARUN_BENCH_LOADGEN_LOADGEN_OPTIONS_H_
#define DATARUN_BENCH_LOADGEN_LOADGEN_OPTIONS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace datarun::bench {

enum class Target {
  kExchange,  // Exchange.Query at <state>/run/exchange.port
  kAdapter,   // Adapter.Fetch at <state>/run/adapter-<dept>.port
  kProxy,     // Adapter.Fetch through the proxy ports in --proxy_ports
};

enum class LoadMode {
  kClosed,  // `concurrency` callers, each sends its next call on completion
  kOpen,    // calls start at `rate` per second whatever the latency
};

struct LoadgenOptions {
  std::string state_dir;
  Target target = Target::kExchange;
  LoadMode mode = LoadMode::kClosed;
  int concurrency = 32;
  double rate = 0;
  absl::Duration duration = absl::Seconds(10);
  absl::Duration warmup = absl::Seconds(1);
  // Channels per endpoint (each its own TCP+TLS connection).
  int channels = 4;
  std::string policy_file = "deploy/local/policy.textproto";
  std::string trust_domain = "datarun.local";
  int subjects_per_dataset = 2000;
  int deadline_ms = 5000;
  // Open loop: calls beyond this many in flight are not sent and counted
  // as "skipped" (the target is past saturation).
  int max_inflight = 4096;
  // Process (pid file name under <state>/run without .pid) whose resident
  // memory is sampled once a second; empty for none.
  std::string rss_sample;
  std::string label;
  // Proxy listening port by owner department (target proxy).
  std::map<std::string, int> proxy_ports;
  uint64_t seed = 1;
  // JSON report path; empty prints it to stdout.
  std::string out;
};

// Parses `args` (without the program name), each "--name=value".
// Returns INVALID_ARGUMENT naming the flag for an unknown flag, a value that
// does not parse or is out of range, a missing --state, --mode=open without
// --rate, or --target=proxy without --proxy_ports.
absl::StatusOr<LoadgenOptions> ParseLoadgenOptions(
    absl::Span<const std::string> args);

// "exchange", "adapter", "proxy" / "closed", "open".
const char* TargetName(Target target);
const char* LoadModeName(LoadMode mode);

}  // namespace datarun::bench

#endif  // DATARUN_BENCH_LOADGEN_LOADGEN_OPTIONS_H_
