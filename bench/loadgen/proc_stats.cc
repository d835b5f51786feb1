#include "bench/loadgen/proc_stats.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "common/status_macros.h"

namespace datarun::bench {
namespace {

// The parent pid (field 4) of a /proc/<pid>/stat text, or -1.
pid_t ParentOf(absl::string_view stat_text) {
  const size_t close = stat_text.rfind(')');
  if (close == stat_text.npos) return -1;
  std::vector<absl::string_view> fields =
      absl::StrSplit(stat_text.substr(close + 1), ' ', absl::SkipEmpty());
  int ppid = -1;
  if (fields.size() < 2 || !absl::SimpleAtoi(fields[1], &ppid)) return -1;
  return ppid;
}

std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return children;
  while (struct dirent* entry = ::readdir(dir)) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry->d_name, &pid)) continue;
    absl::StatusOr<std::string> stat =
        ReadFile(absl::StrCat("/proc/", pid, "/stat"));
    if (stat.ok() && ParentOf(*stat) == parent) children.push_back(pid);
  }
  ::closedir(dir);
  std::sort(children.begin(), children.end());
  return children;
}

}  // namespace

absl::StatusOr<int64_t> ParseStatTicks(absl::string_view stat_text) {
  const size_t close = stat_text.rfind(')');
  if (close == stat_text.npos) {
    return absl::InternalError("stat text has no ')' after the command name");
  }
  // After "pid (comm)": state(3) ppid(4) ... utime(14) stime(15).
  std::vector<absl::string_view> fields =
      absl::StrSplit(stat_text.substr(close + 1), ' ', absl::SkipEmpty());
  int64_t utime = 0;
  int64_t stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::InternalError("stat text has no utime/stime fields");
  }
  return utime + stime;
}

absl::StatusOr<int64_t> ReadCpuMicros(pid_t pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/stat");
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return absl::NotFoundError(absl::StrCat("process ", pid, " is gone"));
  }
  absl::StatusOr<int64_t> ticks = ParseStatTicks(*text);
  if (!ticks.ok()) {
    return absl::InternalError(
        absl::StrCat(path, ": ", ticks.status().message()));
  }
  static const long kTicksPerSecond = ::sysconf(_SC_CLK_TCK);
  return *ticks * 1000000 / kTicksPerSecond;
}

absl::StatusOr<int64_t> ReadStatusKb(pid_t pid, absl::string_view key) {
  const std::string path = absl::StrCat("/proc/", pid, "/status");
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return absl::NotFoundError(absl::StrCat("process ", pid, " is gone"));
  }
  const std::string prefix = absl::StrCat(key, ":");
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    if (!absl::StartsWith(line, prefix)) continue;
    line.remove_prefix(prefix.size());
    line = absl::StripAsciiWhitespace(line);
    int64_t kb = 0;
    if (absl::SimpleAtoi(line.substr(0, line.find(' ')), &kb)) return kb;
  }
  return absl::NotFoundError(absl::StrCat(path, " has no ", key));
}

std::vector<ProcessGroup> ReadProcessGroups(const std::string& run_dir) {
  std::vector<ProcessGroup> groups;
  DIR* dir = ::opendir(run_dir.c_str());
  if (dir == nullptr) return groups;
  while (struct dirent* entry = ::readdir(dir)) {
    absl::string_view file = entry->d_name;
    if (!absl::ConsumeSuffix(&file, ".pid")) continue;
    absl::StatusOr<std::string> text =
        ReadFile(absl::StrCat(run_dir, "/", entry->d_name));
    int pid = 0;
    if (!text.ok() ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(*text), &pid) ||
        pid <= 0 || ::kill(pid, 0) != 0) {
      continue;
    }
    ProcessGroup group;
    group.name = std::string(file);
    group.pids.push_back(pid);
    for (pid_t child : ChildrenOf(pid)) group.pids.push_back(child);
    groups.push_back(std::move(group));
  }
  ::closedir(dir);
  std::sort(groups.begin(), groups.end(),
            [](const ProcessGroup& a, const ProcessGroup& b) {
              return a.name < b.name;
            });
  return groups;
}

ProcSample SampleGroup(const ProcessGroup& group) {
  ProcSample sample;
  for (pid_t pid : group.pids) {
    absl::StatusOr<int64_t> cpu = ReadCpuMicros(pid);
    if (!cpu.ok()) continue;
    sample.cpu_micros += *cpu;
    sample.rss_kb += ReadStatusKb(pid, "VmRSS").value_or(0);
    sample.hwm_kb += ReadStatusKb(pid, "VmHWM").value_or(0);
  }
  return sample;
}

}  // namespace datarun::bench
