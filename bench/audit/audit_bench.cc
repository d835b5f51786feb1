// Benchmarks of the tamper-evident audit log (exchange/audit/audit_log.h):
//   - durable append throughput: concurrent appenders, group commit with a
//     synced WAL, against the same load with sync off (the baseline);
//   - proof latency in a log of 1M entries, against reading one stored hash;
//   - full offline verification of that log, against a plain scan of the
//     same database.
// Method and figures: bench/README.md. Environment: DATARUN_BENCH_DIR (where
// the logs are created, default /tmp), DATARUN_AUDIT_BENCH_ENTRIES (size of
// the big log, default 1000000).
#include <stdlib.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/verifier.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"

namespace datarun::audit {
namespace {

std::string NewDir(absl::string_view name) {
  const char* base = std::getenv("DATARUN_BENCH_DIR");
  std::string tmpl = absl::StrCat(base != nullptr ? base : "/tmp", "/datarun_",
                                  name, "_XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  return tmpl;
}

uint64_t BigLogEntries() {
  const char* value = std::getenv("DATARUN_AUDIT_BENCH_ENTRIES");
  return value != nullptr ? std::strtoull(value, nullptr, 10) : 1'000'000;
}

// A realistic entry: one of 100,000 subjects, 4 consumers, 8 datasets.
v1::AuditEntry MakeEntry(uint64_t n) {
  static const char* const kConsumers[] = {"tax", "housing", "land",
                                           "registry"};
  static const char* const kDatasets[] = {
      "land.property_title", "tax.deed_tax_payment", "housing.contract",
      "registry.marriage",   "registry.household",   "tax.income",
      "land.mortgage",       "housing.subsidy"};
  static const char* const kPurposes[] = {"property_transfer.deed_tax",
                                          "property_transfer.filing",
                                          "benefit.review"};
  v1::AuditEntry entry;
  entry.set_time_micros(1'800'000'000'000'000 + static_cast<int64_t>(n));
  entry.set_consumer(kConsumers[n % 4]);
  entry.set_on_behalf_of(absl::StrCat("T", n % 977));
  entry.set_dataset(kDatasets[n % 8]);
  entry.set_owner("land");
  entry.set_subject_hash(absl::StrFormat("%064x", (n * 2654435761u) % 100000));
  for (const char* field : {"title_no", "owner_name", "area_m2", "address"}) {
    entry.add_fields_requested(field);
    entry.add_fields_released(field);
  }
  entry.set_purpose(kPurposes[n % 3]);
  entry.set_case_id(absl::StrCat("case-", n / 3));
  entry.set_request_id(absl::StrCat("req-", n));
  entry.set_decision(v1::AUDIT_DECISION_ALLOW);
  entry.set_grant_id("g-tax-land-1");
  entry.set_status_code("OK");
  entry.set_record_count(1);
  entry.set_record_digest(std::string(64, 'd'));
  return entry;
}

// Appends entries first..first+count-1 from `producers` threads, each with
// up to `window` appends in flight (like concurrent RPCs), and returns once
// every one is acknowledged.
void AppendMany(AuditLog& log, uint64_t first, uint64_t count, int producers,
                int window) {
  // Shared with the callbacks, which may still be unlocking `mu` when the
  // producer sees its last acknowledgement.
  struct Window {
    absl::Mutex mu;
    int inflight ABSL_GUARDED_BY(mu) = 0;
  };
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&log, first, count, producers, window, p] {
      auto w = std::make_shared<Window>();
      for (uint64_t n = first + p; n < first + count; n += producers) {
        {
          absl::MutexLock lock(&w->mu);
          auto room = [&w, window]() ABSL_SHARED_LOCKS_REQUIRED(w->mu) {
            return w->inflight < window;
          };
          w->mu.Await(absl::Condition(&room));
          ++w->inflight;
        }
        log.Append(MakeEntry(n), [w](absl::StatusOr<AuditReceipt> receipt) {
          if (!receipt.ok()) {
            std::fprintf(stderr, "append failed: %s\n",
                         receipt.status().ToString().c_str());
            std::abort();
          }
          absl::MutexLock lock(&w->mu);
          --w->inflight;
        });
      }
      absl::MutexLock lock(&w->mu);
      auto idle = [&w]() ABSL_SHARED_LOCKS_REQUIRED(w->mu) {
        return w->inflight == 0;
      };
      w->mu.Await(absl::Condition(&idle));
    });
  }
  for (auto& thread : threads) thread.join();
}

AuditLog::Options LogOptions(const std::string& dir, bool sync) {
  AuditLog::Options options;
  options.path = dir + "/log";
  options.signing_key_file = dir + "/checkpoint.key";
  options.origin = "bench.datarun/audit";
  options.sync = sync;
  return options;
}

std::unique_ptr<AuditLog> OpenOrDie(const AuditLog::Options& options) {
  auto log = AuditLog::Open(options);
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().ToString().c_str());
    std::abort();
  }
  return std::move(*log);
}

double ProcessCpuSeconds() {
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) /
             1e6;
}

// args: sync (0/1), producer threads, appends in flight per producer.
void BM_Append(benchmark::State& state) {
  const bool sync = state.range(0) != 0;
  const int producers = static_cast<int>(state.range(1));
  const int window = static_cast<int>(state.range(2));
  const uint64_t burst = producers * window == 1 ? 500 : 20000;
  std::string dir = NewDir("audit_append");
  auto log = OpenOrDie(LogOptions(dir, sync));
  uint64_t n = 0;
  const double cpu_before = ProcessCpuSeconds();
  for (auto _ : state) {
    AppendMany(*log, n, burst, producers, window);
    n += burst;
  }
  state.counters["cpu_us_per_entry"] =
      (ProcessCpuSeconds() - cpu_before) * 1e6 / static_cast<double>(n);
  AuditLog::Stats stats = log->stats();
  state.SetItemsProcessed(static_cast<int64_t>(n));
  state.counters["entries_per_batch"] =
      static_cast<double>(stats.appended) / static_cast<double>(stats.batches);
  log.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_Append)
    ->ArgNames({"sync", "producers", "window"})
    ->Args({0, 4, 256})  // baseline: the same work without fsync
    ->Args({1, 4, 256})  // durable group commit, 1024 appends in flight
    ->Args({0, 1, 1})    // baseline of one synchronous appender
    ->Args({1, 1, 1})    // one synchronous durable appender: fsync-bound
    ->UseRealTime()
    ->MinTime(3.0)
    ->Unit(benchmark::kMillisecond);

// The big log, built once, shared by the proof and verification benchmarks.
struct BigLog {
  std::string dir;
  AuditLog::Options options;
  std::unique_ptr<AuditLog> log;
  std::string verifier_key;
  uint64_t size = 0;
  double build_seconds = 0;
};

BigLog* big_log = nullptr;

BigLog& Big() {
  if (big_log != nullptr) return *big_log;
  big_log = new BigLog;
  BigLog& b = *big_log;
  b.dir = NewDir("audit_big");
  b.options = LogOptions(b.dir, /*sync=*/false);
  b.options.checkpoint_interval = absl::Milliseconds(100);
  b.log = OpenOrDie(b.options);
  b.size = BigLogEntries();
  absl::Time start = absl::Now();
  AppendMany(*b.log, 0, b.size, 2, 4096);
  b.build_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  b.verifier_key = b.log->VerifierKey();
  // Measure the steady state of a long-running log, whose data has long
  // been compacted, rather than a storm of background compactions.
  b.log.reset();
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s =
        rocksdb::DB::Open(rocksdb::Options(), b.options.path, &raw);
    if (s.ok()) {
      s = raw->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr);
    }
    delete raw;
    if (!s.ok()) {
      std::fprintf(stderr, "compaction failed: %s\n", s.ToString().c_str());
      std::abort();
    }
  }
  b.log = OpenOrDie(b.options);
  std::fprintf(stderr, "built a log of %llu entries in %.1f s, compacted\n",
               static_cast<unsigned long long>(b.size), b.build_seconds);
  return b;
}

// Deletes the big log, if a benchmark built it.
void RemoveBigLog() {
  if (big_log == nullptr) return;
  big_log->log.reset();
  std::error_code ignored;
  std::filesystem::remove_all(big_log->dir, ignored);
}

double MaxRssMegabytes() {
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// Baseline: one stored-hash point read.
void BM_LeafHash(benchmark::State& state) {
  BigLog& big = Big();
  std::mt19937_64 random(1);
  for (auto _ : state) {
    auto leaf = big.log->LeafHash(random() % big.size);
    if (!leaf.ok()) state.SkipWithError(leaf.status().ToString().c_str());
    benchmark::DoNotOptimize(leaf);
  }
  state.counters["entries"] = static_cast<double>(big.size);
  state.counters["max_rss_mb"] = MaxRssMegabytes();
}
BENCHMARK(BM_LeafHash)->Unit(benchmark::kMicrosecond);

void BM_InclusionProof(benchmark::State& state) {
  BigLog& big = Big();
  std::mt19937_64 random(2);
  for (auto _ : state) {
    auto proof = big.log->InclusionProof(random() % big.size, big.size);
    if (!proof.ok()) state.SkipWithError(proof.status().ToString().c_str());
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_InclusionProof)->Unit(benchmark::kMicrosecond);

void BM_ConsistencyProof(benchmark::State& state) {
  BigLog& big = Big();
  std::mt19937_64 random(3);
  for (auto _ : state) {
    auto proof = big.log->ConsistencyProof(1 + random() % big.size, big.size);
    if (!proof.ok()) state.SkipWithError(proof.status().ToString().c_str());
    benchmark::DoNotOptimize(proof);
  }
}
BENCHMARK(BM_ConsistencyProof)->Unit(benchmark::kMicrosecond);

// Closes the big log so the verification benchmarks see it offline.
void CloseBig() {
  BigLog& big = Big();
  big.log.reset();
}

// Baseline: read every key and value of the database once.
void BM_ScanDatabase(benchmark::State& state) {
  CloseBig();
  BigLog& big = Big();
  uint64_t keys = 0;
  for (auto _ : state) {
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::OpenForReadOnly(rocksdb::Options(),
                                                     big.options.path, &raw);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::ReadOptions options;
    options.fill_cache = false;
    options.readahead_size = 2 << 20;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options));
    uint64_t bytes = 0;
    keys = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      bytes += it->key().size() + it->value().size();
      ++keys;
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["keys"] = static_cast<double>(keys);
}
BENCHMARK(BM_ScanDatabase)->Iterations(3)->Unit(benchmark::kMillisecond);

void BM_VerifyLog(benchmark::State& state) {
  CloseBig();
  BigLog& big = Big();
  VerifyReport report;
  for (auto _ : state) {
    auto verified = VerifyLog(big.options.path, big.verifier_key);
    if (!verified.ok()) {
      state.SkipWithError(verified.status().ToString().c_str());
      break;
    }
    report = *verified;
  }
  state.counters["entries"] = static_cast<double>(report.entries);
  state.counters["checkpoints"] = static_cast<double>(report.checkpoints);
  state.counters["index_keys"] = static_cast<double>(report.index_keys);
}
BENCHMARK(BM_VerifyLog)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace datarun::audit

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  datarun::audit::RemoveBigLog();
  return 0;
}
