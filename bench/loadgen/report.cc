#include "bench/loadgen/report.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/grpc_status.h"

namespace datarun::bench {
namespace {

std::string Quote(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      absl::StrAppendFormat(&out, "\\u%04x", c);
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string Num(double value) { return absl::StrFormat("%.3f", value); }

std::string Micros(int64_t nanos) {
  return absl::StrFormat("%.1f", static_cast<double>(nanos) / 1000.0);
}

}  // namespace

std::string StatusCodeName(int code) {
  return GrpcCodeName(static_cast<grpc::StatusCode>(code));
}

std::string RenderJsonReport(const LoadgenOptions& options,
                             const Workload& workload,
                             const RunResult& result) {
  const double seconds =
      result.measured_seconds > 0 ? result.measured_seconds : 1;
  const uint64_t answered = result.codes[0] + result.codes[5];
  const double calls = result.completed > 0 ? result.completed : 1;
  std::string out = "{";
  absl::StrAppend(
      &out, "\"label\":", Quote(options.label),
      ",\"target\":", Quote(TargetName(options.target)),
      ",\"mode\":", Quote(LoadModeName(options.mode)), ",\"concurrency\":",
      options.mode == LoadMode::kClosed ? options.concurrency : 0,
      ",\"rate\":", Num(options.rate),
      ",\"duration_s\":", Num(result.measured_seconds),
      ",\"channels\":", options.channels, ",\"completed\":", result.completed,
      ",\"throughput_rps\":", Num(result.completed / seconds),
      ",\"ok_rps\":", Num(answered / seconds), ",\"error_ratio\":",
      absl::StrFormat("%.6f",
                      result.completed == 0 ? 0.0 : 1.0 - answered / calls),
      ",\"skipped\":", result.skipped, ",\"unfinished\":", result.unfinished,
      ",\"codes\":{");
  bool first = true;
  for (int code = 0; code < 17; ++code) {
    if (result.codes[code] == 0) continue;
    absl::StrAppend(&out, first ? "" : ",", Quote(StatusCodeName(code)), ":",
                    result.codes[code]);
    first = false;
  }
  const LatencyHistogram& h = result.latency;
  absl::StrAppend(&out, "},\"latency_us\":{\"min\":", Micros(h.min()),
                  ",\"mean\":", Micros(static_cast<int64_t>(h.mean())),
                  ",\"p50\":", Micros(h.Percentile(50)),
                  ",\"p90\":", Micros(h.Percentile(90)),
                  ",\"p99\":", Micros(h.Percentile(99)),
                  ",\"p999\":", Micros(h.Percentile(99.9)),
                  ",\"max\":", Micros(h.max()), "},\"processes\":{");
  first = true;
  for (const GroupUsage& usage : result.groups) {
    absl::StrAppend(&out, first ? "" : ",", Quote(usage.group.name),
                    ":{\"pids\":[", absl::StrJoin(usage.group.pids, ","),
                    "],\"cpu_ms\":", Num(usage.cpu_micros / 1000.0),
                    ",\"cpu_us_per_call\":", Num(usage.cpu_micros / calls),
                    ",\"rss_kb\":", usage.rss_kb,
                    ",\"peak_rss_kb\":", usage.hwm_kb, "}");
    first = false;
  }
  absl::StrAppend(
      &out,
      "},\"loadgen\":{\"cpu_ms\":", Num(result.loadgen_cpu_micros / 1000.0),
      ",\"cpu_us_per_call\":", Num(result.loadgen_cpu_micros / calls),
      "},\"workload\":{\"items\":[");
  first = true;
  for (const WorkItem& item : workload.items()) {
    absl::StrAppend(&out, first ? "" : ",", "{\"grant\":", Quote(item.grant_id),
                    ",\"consumer\":", Quote(item.consumer),
                    ",\"dataset\":", Quote(item.dataset),
                    ",\"subjects\":", item.subjects.size(), "}");
    first = false;
  }
  absl::StrAppend(&out, "],\"skipped\":[");
  first = true;
  for (const std::string& why : workload.skipped()) {
    absl::StrAppend(&out, first ? "" : ",", Quote(why));
    first = false;
  }
  absl::StrAppend(&out, "]},\"rss_series\":[");
  first = true;
  for (const auto& [t, kb] : result.rss_series) {
    absl::StrAppend(&out, first ? "" : ",", "[", Num(t), ",", kb, "]");
    first = false;
  }
  absl::StrAppend(&out, "]}\n");
  return out;
}

}  // namespace datarun::bench
