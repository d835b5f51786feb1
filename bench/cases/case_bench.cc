// Benchmarks of the durable parallel case engine (exchange/cases/):
//   - BM_PropertyTransferCases: property_transfer cases per second end to
//     end (Submit -> 12 existence checks as the service hall -> 8 step
//     pulls, each as its step's department -> 3 parallel reviews ->
//     transfer -> FINISHED)
//     with fake reviews and pulls that answer at once, 256 cases in flight
//     per round submitted from 4 threads, on a real RocksDB CaseStore with
//     sync on (the default) and off;
//   - BM_StoreWrites: the baseline, the same number of bare RocksDB
//     WriteBatch commits per case, of the same mean size, as the engine
//     writes (counted from the store's WAL at start-up), synced or not, from
//     1 thread, from 6 and from 12 (the engine's 8 + 4 submitters);
//   - BM_CriticalPathOverhead: one case at a time with reviews answered
//     20 ms later by a timer thread; the mean of CaseMetrics elapsed_ms -
//     critical_path_ms (what the engine adds to the slowest review chain).
// Method and figures: bench/README.md. Environment: DATARUN_BENCH_DIR (where
// the stores are created, default /tmp), DATARUN_DEPLOY_DIR (catalog, policy
// and case types, default <source>/deploy/local).
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "exchange/cases/case_engine.h"
#include "exchange/cases/case_engine_testing.h"
#include "exchange/cases/case_store.h"
#include "rocksdb/db.h"
#include "rocksdb/transaction_log.h"
#include "rocksdb/write_batch.h"

namespace datarun::cases {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::abort();
}

std::string NewDir(absl::string_view name) {
  const char* base = std::getenv("DATARUN_BENCH_DIR");
  std::string tmpl = absl::StrCat(base != nullptr ? base : "/tmp", "/datarun_",
                                  name, "_XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr) Die("mkdtemp failed");
  return tmpl;
}

void RemoveDir(const std::string& dir) {
  if (std::system(absl::StrCat("rm -rf '", dir, "'").c_str()) != 0) {
    Die(absl::StrCat("could not remove ", dir));
  }
}

// Catalog, policy and case types of deploy/local, loaded once.
const testing::CaseConfig& LoadConfig() {
  static const testing::CaseConfig* config = [] {
    const char* env = std::getenv("DATARUN_DEPLOY_DIR");
    auto config = testing::LoadCaseConfig(
        env != nullptr ? env : DATARUN_SOURCE_DIR "/deploy/local");
    if (!config.ok()) Die(config.status().ToString());
    return new testing::CaseConfig(*std::move(config));
  }();
  return *config;
}

// An approval; deed_tax issues the tax certificate, transfer the new title.
v1::ReviewResponse Approve(const std::string& step) {
  return testing::Approve(step == "deed_tax"   ? "deed_tax_certificate"
                          : step == "transfer" ? "new_title"
                                               : "");
}

// Reviews approve at once, on the engine thread that sent them.
void InstantReview(const std::string&, const v1::ReviewRequest& request,
                   absl::Time, CaseEngine::ReviewDone done) {
  done(Approve(request.step()));
}

// Runs closures at their due time on one thread of its own.
class Timer {
 public:
  Timer() : thread_([this] { Loop(); }) {}
  ~Timer() {
    {
      absl::MutexLock lock(&mu_);
      stop_ = true;
    }
    thread_.join();
  }
  void After(absl::Duration delay, std::function<void()> fn) {
    absl::MutexLock lock(&mu_);
    queue_.emplace(absl::Now() + delay, std::move(fn));
  }

 private:
  void Loop() {
    mu_.Lock();
    while (!stop_) {
      const size_t n = queue_.size();
      auto changed = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return stop_ || queue_.size() != n;
      };
      if (queue_.empty()) {
        mu_.Await(absl::Condition(&changed));
        continue;
      }
      auto first = queue_.begin();
      if (first->first > absl::Now()) {
        // Wakes early for a new entry (maybe earlier) or stop.
        mu_.AwaitWithDeadline(absl::Condition(&changed), first->first);
        continue;
      }
      std::function<void()> fn = std::move(first->second);
      queue_.erase(first);
      mu_.Unlock();
      fn();
      mu_.Lock();
    }
    mu_.Unlock();
  }

  absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::multimap<absl::Time, std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// Counts FINISHED events of watched cases.
class Finishes {
 public:
  CaseEngine::EventSink Sink() {
    return [this](const v1::CaseEvent& event) {
      if (event.kind() != v1::CASE_EVENT_KIND_FINISHED) return;
      absl::MutexLock lock(&mu_);
      ++count_;
    };
  }
  // Waits until `n` cases finished in total; dies after 120 s.
  void Wait(int64_t n) {
    absl::MutexLock lock(&mu_);
    auto done = [this, n]()
                    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return count_ >= n; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(120))) {
      Die(absl::StrCat("only ", count_, " of ", n, " cases finished"));
    }
  }

 private:
  absl::Mutex mu_;
  int64_t count_ ABSL_GUARDED_BY(mu_) = 0;
};

// A store and an engine in a fresh directory.
class Harness {
 public:
  Harness(bool sync, CaseEngine::ReviewFn review, int threads = 8)
      : dir_(NewDir("cases")) {
    const testing::CaseConfig& config = LoadConfig();
    auto store = CaseStore::Open({dir_ + "/cases", sync});
    if (!store.ok()) Die(store.status().ToString());
    store_ = *std::move(store);
    CaseEngine::Options options;
    options.case_types = config.types.get();
    options.catalog = config.catalog.get();
    options.store = store_.get();
    options.review = std::move(review);
    options.query = testing::InstantQuery;
    options.threads = threads;
    auto engine = CaseEngine::Start(options);
    if (!engine.ok()) Die(engine.status().ToString());
    engine_ = *std::move(engine);
  }
  ~Harness() {
    Close();
    RemoveDir(dir_);
  }
  // Stops the engine and closes the store (the directory stays).
  void Close() {
    engine_.reset();
    store_.reset();
  }

  // Submits one case and watches it into `finishes`; returns its id.
  std::string SubmitWatched(const std::string& request_id, Finishes& finishes) {
    auto response = engine_->Submit(
        "servicehall", testing::PropertyTransferRequest(request_id));
    if (!response.ok()) Die(response.status().ToString());
    const v1::CaseRecord& record = response->case_();
    auto watch = engine_->Watch("servicehall", record.case_id(),
                                record.last_event(), finishes.Sink());
    if (!watch.ok()) Die(watch.status().ToString());
    return record.case_id();
  }

  CaseEngine& engine() { return *engine_; }
  const std::string& db_path() const { return dir_; }

 private:
  std::string dir_;
  std::unique_ptr<CaseStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

constexpr int kCasesPerRound = 256;
constexpr int kSubmitters = 4;

// Submits `kCasesPerRound` cases from kSubmitters threads, waits for all.
void RunRound(Harness& h, Finishes& finishes, int64_t& submitted, int round) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kSubmitters; ++t) {
    threads.emplace_back([&h, &finishes, round, t] {
      for (int i = t; i < kCasesPerRound; i += kSubmitters) {
        h.SubmitWatched(absl::StrCat("r", round, "-", i), finishes);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  submitted += kCasesPerRound;
  finishes.Wait(submitted);
}

// ------------------------------------------------------------ shape of a case

struct CaseShape {
  double commits_per_case = 0;
  double bytes_per_commit = 0;
  double keys_per_commit = 0;
};

// Runs 16 cases on a fresh store, then reads its WAL back (archived by a
// raw reopen) and counts the WriteBatches, their keys and their bytes.
const CaseShape& MeasureCaseShape() {
  static const CaseShape* shape = [] {
    constexpr int kCases = 16;
    Harness h(/*sync=*/false, InstantReview);
    Finishes finishes;
    int64_t n = 0;
    for (int i = 0; i < kCases; ++i) {
      h.SubmitWatched(absl::StrCat("shape-", i), finishes);
      finishes.Wait(++n);
    }
    // Let the eviction and any trailing write settle.
    absl::SleepFor(absl::Milliseconds(50));
    h.Close();
    rocksdb::Options options;
    options.WAL_ttl_seconds = 3600;
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s =
        rocksdb::DB::Open(options, h.db_path() + "/cases", &raw);
    if (!s.ok()) Die(s.ToString());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::unique_ptr<rocksdb::TransactionLogIterator> it;
    s = db->GetUpdatesSince(0, &it);
    if (!s.ok())
      Die(absl::StrCat("reading the case store's WAL: ", s.ToString()));
    int64_t batches = 0, bytes = 0, keys = 0;
    for (; it->Valid(); it->Next()) {
      rocksdb::BatchResult batch = it->GetBatch();
      ++batches;
      bytes += static_cast<int64_t>(batch.writeBatchPtr->GetDataSize());
      keys += batch.writeBatchPtr->Count();
    }
    if (batches == 0) Die("no WriteBatch found in the case store's WAL");
    auto* out = new CaseShape;
    out->commits_per_case = static_cast<double>(batches) / kCases;
    out->bytes_per_commit = static_cast<double>(bytes) / batches;
    out->keys_per_commit = static_cast<double>(keys) / batches;
    return out;
  }();
  return *shape;
}

// ---------------------------------------------------------------- throughput

void BM_PropertyTransferCases(benchmark::State& state) {
  const bool sync = state.range(0) != 0;
  const int threads = static_cast<int>(state.range(1));
  Harness h(sync, InstantReview, threads);
  Finishes finishes;
  int64_t submitted = 0;
  int round = 0;
  for (auto _ : state) RunRound(h, finishes, submitted, round++);
  state.SetItemsProcessed(submitted);
  state.counters["cases_in_flight"] = kCasesPerRound;
  state.counters["sync"] = sync;
}
// engine_threads: CaseEngine::Options::threads (default 8).
BENCHMARK(BM_PropertyTransferCases)
    ->ArgNames({"sync", "engine_threads"})
    ->Args({1, 2})
    ->Args({1, 8})
    ->Args({1, 32})
    ->Args({0, 8})
    ->MinTime(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Baseline: per case, commits_per_case WriteBatches of bytes_per_commit
// bytes (keys_per_commit keys) into a raw RocksDB with the CaseStore's
// options, from `threads` threads; items = cases.
void BM_StoreWrites(benchmark::State& state) {
  const bool sync = state.range(0) != 0;
  const int threads = static_cast<int>(state.range(1));
  const CaseShape& shape = MeasureCaseShape();
  const std::string dir = NewDir("case_store_writes");
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir + "/db", &raw);
  if (!s.ok()) Die(s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  const int keys = std::max(1, static_cast<int>(shape.keys_per_commit + 0.5));
  const size_t value_size =
      static_cast<size_t>(std::max(1.0, shape.bytes_per_commit / keys - 24));
  const std::string value(value_size, 'v');
  const int commits =
      static_cast<int>(shape.commits_per_case * kCasesPerRound + 0.5);
  std::atomic<int64_t> next_key{0};
  rocksdb::WriteOptions write_options;
  write_options.sync = sync;
  for (auto _ : state) {
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int i = t; i < commits; i += threads) {
          rocksdb::WriteBatch batch;
          for (int k = 0; k < keys; ++k) {
            char key[32];
            std::snprintf(key, sizeof(key), "c/%016lld",
                          static_cast<long long>(next_key++));
            batch.Put(key, value);
          }
          rocksdb::Status w = db->Write(write_options, &batch);
          if (!w.ok()) Die(w.ToString());
        }
      });
    }
    for (std::thread& w : workers) w.join();
  }
  state.SetItemsProcessed(state.iterations() * kCasesPerRound);
  state.counters["commits_per_case"] = shape.commits_per_case;
  state.counters["bytes_per_commit"] = shape.bytes_per_commit;
  state.counters["keys_per_commit"] = shape.keys_per_commit;
  db.reset();
  RemoveDir(dir);
}
BENCHMARK(BM_StoreWrites)
    ->ArgNames({"sync", "threads"})
    ->Args({1, 1})
    ->Args({1, 6})
    ->Args({1, 12})
    ->Args({0, 12})
    ->MinTime(3)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// ------------------------------------------------------------ critical path

constexpr absl::Duration kReviewDelay = absl::Milliseconds(20);

void BM_CriticalPathOverhead(benchmark::State& state) {
  Timer timer;
  Harness h(/*sync=*/true, [&timer](const std::string&,
                                    const v1::ReviewRequest& request,
                                    absl::Time, CaseEngine::ReviewDone done) {
    v1::ReviewResponse response = Approve(request.step());
    timer.After(kReviewDelay, [done = std::move(done), response]() mutable {
      done(std::move(response));
    });
  });
  Finishes finishes;
  int64_t n = 0;
  double overhead_ms = 0, elapsed_ms = 0, critical_ms = 0, wall_ms = 0;
  double max_overhead_ms = 0;
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    const std::string id = h.SubmitWatched(absl::StrCat("cp-", n), finishes);
    finishes.Wait(++n);
    const absl::Duration wall = absl::Now() - start;
    state.PauseTiming();
    auto record = h.engine().Get("servicehall", id);
    if (!record.ok()) Die(record.status().ToString());
    if (record->state() != v1::CASE_STATE_COMPLETED) {
      Die(absl::StrCat("case ", id, " ended ",
                       v1::CaseState_Name(record->state())));
    }
    const v1::CaseMetrics& m = record->metrics();
    const double over =
        static_cast<double>(m.elapsed_ms() - m.critical_path_ms());
    overhead_ms += over;
    max_overhead_ms = std::max(max_overhead_ms, over);
    elapsed_ms += static_cast<double>(m.elapsed_ms());
    critical_ms += static_cast<double>(m.critical_path_ms());
    wall_ms += absl::ToDoubleMilliseconds(wall);
    state.ResumeTiming();
  }
  const double cases = static_cast<double>(n);
  state.counters["overhead_ms"] = overhead_ms / cases;
  state.counters["max_overhead_ms"] = max_overhead_ms;
  state.counters["elapsed_ms"] = elapsed_ms / cases;
  state.counters["critical_path_ms"] = critical_ms / cases;
  // Submit to FINISHED seen by the watcher, minus the two review delays.
  state.counters["wall_over_reviews_ms"] =
      wall_ms / cases - 2 * absl::ToDoubleMilliseconds(kReviewDelay);
}
BENCHMARK(BM_CriticalPathOverhead)
    ->Iterations(100)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace datarun::cases

BENCHMARK_MAIN();
