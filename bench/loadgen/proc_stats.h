// CPU time and memory of processes, read from /proc (Linux).
//
// A ProcessGroup is one named process (from a pid file under
// <state>/run/<name>.pid) plus its direct children at the time it is
// resolved (nginx's workers under its master). Thread-compatible.
#ifndef DATARUN_BENCH_LOADGEN_PROC_STATS_H_
#define DATARUN_BENCH_LOADGEN_PROC_STATS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::bench {

struct ProcSample {
  // utime + stime of every process of the group, in microseconds.
  int64_t cpu_micros = 0;
  // Sum over the group of VmRSS and of VmHWM (peak resident set), in kB.
  int64_t rss_kb = 0;
  int64_t hwm_kb = 0;
};

struct ProcessGroup {
  std::string name;
  std::vector<pid_t> pids;
};

// Returns utime+stime of `pid` in microseconds, parsed from
// /proc/<pid>/stat. NOT_FOUND when the process is gone; INTERNAL naming the
// file when it does not parse.
absl::StatusOr<int64_t> ReadCpuMicros(pid_t pid);

// Returns the value in kB of `key` ("VmRSS", "VmHWM") in
// /proc/<pid>/status. NOT_FOUND when the process or the key is missing.
absl::StatusOr<int64_t> ReadStatusKb(pid_t pid, absl::string_view key);

// Parses the utime+stime clock ticks out of the text of a /proc/<pid>/stat
// file (exposed for tests: the command name may hold spaces and ')').
absl::StatusOr<int64_t> ParseStatTicks(absl::string_view stat_text);

// Reads every <run_dir>/*.pid file into a group named after the file, with
// the children of each pid. Unreadable files and dead pids are left out.
std::vector<ProcessGroup> ReadProcessGroups(const std::string& run_dir);

// Sums the group's counters; processes that exited since are left out.
ProcSample SampleGroup(const ProcessGroup& group);

}  // namespace datarun::bench

#endif  // DATARUN_BENCH_LOADGEN_PROC_STATS_H_
