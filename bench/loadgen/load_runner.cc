#include "bench/loadgen/load_runner.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace datarun::bench {
namespace {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SleepUntil(int64_t nanos) {
  while (true) {
    const int64_t left = nanos - NowNanos();
    if (left <= 0) return;
    if (left > 200000) {
      absl::SleepFor(absl::Nanoseconds(left - 100000));
    } else {
      std::this_thread::yield();
    }
  }
}

// State shared by the driver and the completion callbacks.
struct Shared {
  const LoadgenOptions* options;
  const Workload* workload;
  CallTarget* target;
  RunResult* result;
  int64_t window_start = 0;
  int64_t window_end = 0;
  std::atomic<int64_t> inflight{0};
  std::array<std::atomic<uint64_t>, 17> codes{};
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> skipped{0};
  std::vector<uint64_t> rngs;  // closed loop: one per caller

  void Record(int64_t start, int64_t end, grpc::StatusCode code) {
    result->latency.Record(end - start);
    completed.fetch_add(1, std::memory_order_relaxed);
    const int index = static_cast<int>(code);
    codes[index >= 0 && index < 17 ? index : 2].fetch_add(
        1, std::memory_order_relaxed);
  }
};

// Closed loop: one caller re-issues on completion until the window ends.
void IssueClosed(Shared* shared, int caller, uint64_t* rng) {
  Workload::Pick pick = shared->workload->Next(*rng);
  const int64_t start = NowNanos();
  shared->inflight.fetch_add(1, std::memory_order_relaxed);
  shared->target->Start(
      *pick.item, *pick.subject, caller,
      [shared, caller, rng, start](grpc::StatusCode code) {
        const int64_t end = NowNanos();
        if (end >= shared->window_start && end < shared->window_end) {
          shared->Record(start, end, code);
        }
        if (end < shared->window_end) {
          IssueClosed(shared, caller, rng);
        }
        shared->inflight.fetch_sub(1, std::memory_order_relaxed);
      });
}

void RunOpen(Shared* shared, int64_t t0) {
  const double interval = 1e9 / shared->options->rate;
  uint64_t rng = shared->options->seed;
  for (uint64_t i = 0;; ++i) {
    const int64_t intended = t0 + static_cast<int64_t>(interval * i);
    if (intended >= shared->window_end) break;
    SleepUntil(intended);
    const bool measured = intended >= shared->window_start;
    if (shared->inflight.load(std::memory_order_relaxed) >=
        shared->options->max_inflight) {
      if (measured) shared->skipped.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    Workload::Pick pick = shared->workload->Next(rng);
    shared->inflight.fetch_add(1, std::memory_order_relaxed);
    shared->target->Start(*pick.item, *pick.subject, static_cast<int>(i),
                          [shared, intended, measured](grpc::StatusCode code) {
                            if (measured) {
                              shared->Record(intended, NowNanos(), code);
                            }
                            shared->inflight.fetch_sub(
                                1, std::memory_order_relaxed);
                          });
  }
}

// Samples process usage at the window's edges and RSS once a second.
void Monitor(Shared* shared, int64_t t0, std::vector<ProcessGroup> groups,
             const ProcessGroup* rss_group, absl::Notification* stop) {
  RunResult* result = shared->result;
  std::vector<ProcSample> before;
  int64_t self_before = 0;
  bool started = false;
  int64_t next_rss = t0;
  while (true) {
    const int64_t now = NowNanos();
    if (!started && now >= shared->window_start) {
      for (const ProcessGroup& group : groups) {
        before.push_back(SampleGroup(group));
      }
      self_before = ReadCpuMicros(::getpid()).value_or(0);
      started = true;
    }
    if (rss_group != nullptr && now >= next_rss) {
      result->rss_series.emplace_back((now - t0) / 1e9,
                                      SampleGroup(*rss_group).rss_kb);
      next_rss += 1000000000;
    }
    if (now >= shared->window_end) break;
    int64_t wake = std::min(shared->window_end, next_rss);
    if (!started) wake = std::min(wake, shared->window_start);
    if (rss_group == nullptr && started) wake = shared->window_end;
    if (stop->WaitForNotificationWithTimeout(
            absl::Nanoseconds(std::max<int64_t>(wake - NowNanos(), 0)))) {
      break;
    }
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    ProcSample after = SampleGroup(groups[i]);
    GroupUsage usage;
    usage.group = groups[i];
    usage.cpu_micros =
        after.cpu_micros - (i < before.size() ? before[i].cpu_micros : 0);
    usage.rss_kb = after.rss_kb;
    usage.hwm_kb = after.hwm_kb;
    result->groups.push_back(std::move(usage));
  }
  result->loadgen_cpu_micros =
      ReadCpuMicros(::getpid()).value_or(0) - self_before;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RunResult>> RunLoad(
    const LoadgenOptions& options, const Workload& workload,
    CallTarget& target) {
  auto result = std::make_unique<RunResult>();
  std::vector<ProcessGroup> groups =
      ReadProcessGroups(options.state_dir + "/run");
  const ProcessGroup* rss_group = nullptr;
  if (!options.rss_sample.empty()) {
    for (const ProcessGroup& group : groups) {
      if (group.name == options.rss_sample) rss_group = &group;
    }
    if (rss_group == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("--rss_sample=", options.rss_sample, ": no live ",
                       options.state_dir, "/run/", options.rss_sample, ".pid"));
    }
  }
  // Heap-allocated: completion callbacks reference it, and when a call
  // never completes it is leaked rather than freed under the callback.
  auto* shared = new Shared();
  shared->options = &options;
  shared->workload = &workload;
  shared->target = &target;
  shared->result = result.get();
  const int64_t t0 = NowNanos();
  shared->window_start = t0 + absl::ToInt64Nanoseconds(options.warmup);
  shared->window_end =
      shared->window_start + absl::ToInt64Nanoseconds(options.duration);

  absl::Notification stop;
  std::thread monitor(Monitor, shared, t0, groups, rss_group, &stop);
  if (options.mode == LoadMode::kClosed) {
    shared->rngs.resize(options.concurrency);
    for (int i = 0; i < options.concurrency; ++i) {
      shared->rngs[i] = options.seed * 1000003 + i;
      IssueClosed(shared, i, &shared->rngs[i]);
    }
    SleepUntil(shared->window_end);
  } else {
    RunOpen(shared, t0);
  }
  monitor.join();
  // Let the calls still in flight finish (each is bounded by its deadline).
  const int64_t give_up =
      NowNanos() + (int64_t{options.deadline_ms} + 2000) * 1000000;
  while (shared->inflight.load() > 0 && NowNanos() < give_up) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  result->unfinished = static_cast<uint64_t>(shared->inflight.load());
  result->measured_seconds = absl::ToDoubleSeconds(options.duration);
  result->completed = shared->completed.load();
  result->skipped = shared->skipped.load();
  for (int i = 0; i < 17; ++i) result->codes[i] = shared->codes[i].load();
  if (result->unfinished == 0) delete shared;
  return result;
}

}  // namespace datarun::bench
