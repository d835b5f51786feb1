// Benchmarks of subject identifiers and the identity registry
// (exchange/identity/, exchange/identity_registry/):
//   - validation: ValidateSubject on a mix of valid and invalid subjects,
//     against a plain "18 characters, 17 digits" scan of the same inputs;
//   - resolution: IdentityRegistry::PrimaryLocalId on a registry of 1M
//     subjects x 3 departments, with a warm cache (every subject cached) and
//     a cold one (cache of 1% of the working set), against one raw RocksDB
//     Get of a subject record from the same database.
// Method and figures: bench/README.md. Environment: DATARUN_BENCH_DIR (where
// the registry is created, default /tmp), DATARUN_IDENTITY_BENCH_SUBJECTS
// (default 1000000).
#include <stdlib.h>
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "benchmark/benchmark.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/identity/subject_id.h"
#include "exchange/identity_registry/identity_registry.h"
#include "exchange/identity_registry/identity_registry_testing.h"
#include "exchange/identity_registry/registry_keys.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace datarun::identity {
namespace {

using testing::CompanyId;
using testing::LegacyPersonId;
using testing::PersonId;

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

int BenchSubjects() {
  const char* value = std::getenv("DATARUN_IDENTITY_BENCH_SUBJECTS");
  return value != nullptr ? std::atoi(value) : 1'000'000;
}

// Current resident set, from /proc/self/statm.
double RssMegabytes() {
  FILE* f = std::fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f != nullptr) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * 4096.0 / (1 << 20);
}

// Bytes of the files under `dir`.
double DirMegabytes(const std::string& dir) {
  uintmax_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return static_cast<double>(total) / (1 << 20);
}

double MaxRssMegabytes() {
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// ---------------------------------------------------------------- validation

// 4096 subjects as they arrive in queries: 70% valid identity numbers, 10%
// valid credit codes, 10% identity numbers with a wrong check character, 5%
// legacy 15-digit numbers (refused with a hint), 5% malformed.
const std::vector<std::string>& ValidationInputs() {
  static const std::vector<std::string>* inputs = [] {
    auto* v = new std::vector<std::string>;
    std::mt19937 random(7);
    for (int i = 0; i < 4096; ++i) {
      const int n = static_cast<int>(random() % 900000);
      const int pick = static_cast<int>(random() % 100);
      if (pick < 70) {
        v->push_back(PersonId(n));
      } else if (pick < 80) {
        v->push_back(CompanyId(n));
      } else if (pick < 90) {
        std::string bad = PersonId(n);
        bad[17] = bad[17] == '1' ? '2' : '1';
        v->push_back(bad);
      } else if (pick < 95) {
        v->push_back(LegacyPersonId(n % 20000));
      } else {
        v->push_back(absl::StrCat("11010519", n, "ABC"));
      }
    }
    return v;
  }();
  return *inputs;
}

// Baseline: the cheapest plausible check of the same inputs.
void BM_PlainDigitScan(benchmark::State& state) {
  const std::vector<std::string>& inputs = ValidationInputs();
  size_t i = 0;
  int64_t ok = 0;
  for (auto _ : state) {
    const std::string& s = inputs[i++ & 4095];
    bool valid = s.size() == 18;
    for (size_t k = 0; valid && k < 17; ++k) valid = s[k] >= '0' && s[k] <= '9';
    ok += valid;
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PlainDigitScan);

void BM_ValidateSubject(benchmark::State& state) {
  const std::vector<std::string>& inputs = ValidationInputs();
  size_t i = 0;
  int64_t ok = 0;
  for (auto _ : state) {
    absl::StatusOr<SubjectKind> kind = ValidateSubject(inputs[i++ & 4095]);
    ok += kind.ok();
    benchmark::DoNotOptimize(kind);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["valid_share"] =
      static_cast<double>(ok) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ValidateSubject);

// For reference: the keyed hash every new subject costs once.
void BM_SubjectHash(benchmark::State& state) {
  const std::vector<std::string>& inputs = ValidationInputs();
  auto hasher = audit::SubjectHasher::FromKey(std::string(32, 'k'));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(hasher->Hash(inputs[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SubjectHash);

// ---------------------------------------------------------------- resolution

constexpr const char* kDepartments[] = {"tax", "registry", "housing"};
constexpr const char* kKinds[] = {"taxpayer_number", "person_number",
                                  "family_number"};

struct BigRegistry {
  std::string dir;
  std::unique_ptr<audit::SubjectHasher> hasher;
  std::vector<std::string> subjects;
  std::unique_ptr<IdentityRegistry> registry;
  size_t capacity = 0;
  double build_seconds = 0;
};

BigRegistry* big = nullptr;

IdentityRegistry::Options BigOptions(size_t capacity) {
  IdentityRegistry::Options options;
  options.path = big->dir + "/identity";
  options.hasher = big->hasher.get();
  options.sync = false;
  options.cache_capacity = capacity;
  return options;
}

// Opens the big registry with a cache of `capacity`, building it first.
IdentityRegistry& Big(size_t capacity) {
  if (big == nullptr) {
    big = new BigRegistry;
    big->dir = NewDir("identity_big");
    big->hasher = audit::SubjectHasher::FromKey(std::string(32, 'k'));
    const int n = BenchSubjects();
    big->subjects.reserve(n);
    for (int i = 0; i < n; ++i) big->subjects.push_back(PersonId(i));
    auto registry = IdentityRegistry::Open(BigOptions(1 << 20));
    if (!registry.ok()) Die(registry.status().ToString());
    const absl::Time start = absl::Now();
    constexpr int kPage = 10000;
    std::vector<v1::LocalIdAssertion> page;
    for (int first = 0; first < n; first += kPage) {
      for (int d = 0; d < 3; ++d) {
        page.clear();
        for (int i = first; i < std::min(n, first + kPage); ++i) {
          v1::LocalIdAssertion& a = page.emplace_back();
          a.set_subject(big->subjects[i]);
          a.set_kind(kKinds[d]);
          a.set_value(absl::StrCat(std::string(1, kDepartments[d][0]), "-", i));
          a.set_primary(true);
          a.set_basis("bench load");
        }
        auto stats = (*registry)->LinkBatch(kDepartments[d], page, "bench");
        if (!stats.ok()) Die(stats.status().ToString());
      }
    }
    registry->reset();
    big->build_seconds = absl::ToDoubleSeconds(absl::Now() - start);
    // Measure the steady state of a long-running registry.
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s =
        rocksdb::DB::Open(rocksdb::Options(), BigOptions(1).path, &raw);
    if (s.ok()) {
      s = raw->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr);
    }
    delete raw;
    if (!s.ok()) Die(s.ToString());
    std::fprintf(stderr,
                 "built a registry of %d subjects x 3 links in %.1f s, "
                 "compacted: %.0f MB on disk\n",
                 n, big->build_seconds, DirMegabytes(big->dir));
  }
  if (big->registry == nullptr || big->capacity != capacity) {
    big->registry.reset();
    auto registry = IdentityRegistry::Open(BigOptions(capacity));
    if (!registry.ok()) Die(registry.status().ToString());
    big->registry = *std::move(registry);
    big->capacity = capacity;
  }
  return *big->registry;
}

void RemoveBig() {
  if (big == nullptr) return;
  big->registry.reset();
  std::error_code ignored;
  std::filesystem::remove_all(big->dir, ignored);
}

void Resolve(benchmark::State& state, IdentityRegistry& registry,
             std::mt19937_64& random) {
  const std::vector<std::string>& subjects = big->subjects;
  for (auto _ : state) {
    const size_t i = random() % subjects.size();
    absl::StatusOr<std::string> id =
        registry.PrimaryLocalId(subjects[i], kDepartments[i % 3]);
    if (!id.ok() || id->empty()) {
      state.SkipWithError(id.ok() ? "no primary id"
                                  : id.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["subjects"] = static_cast<double>(subjects.size());
  state.counters["cached"] = static_cast<double>(registry.cached_subjects());
  state.counters["max_rss_mb"] = MaxRssMegabytes();
}

// Baseline: one raw RocksDB Get of a random subject record, on a read-only
// handle of the same database with the registry's table options.
void BM_RawRocksDbGet(benchmark::State& state) {
  Big(1 << 20);
  static std::vector<std::string>* keys = nullptr;
  if (keys == nullptr) {
    keys = new std::vector<std::string>;
    keys->reserve(big->subjects.size());
    for (const std::string& s : big->subjects) {
      keys->push_back(SubjectKey(*SubjectHashFromHex(big->hasher->Hash(s))));
    }
  }
  rocksdb::Options options;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(64 << 20);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      rocksdb::DB::OpenForReadOnly(options, BigOptions(1).path, &raw);
  if (!s.ok()) Die(s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::mt19937_64 random(11);
  std::string value;
  for (auto _ : state) {
    s = db->Get(rocksdb::ReadOptions(), (*keys)[random() % keys->size()],
                &value);
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(value);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawRocksDbGet)->MinTime(3.0);

// Every subject cached (and memoized): the steady state of a registry whose
// cache_capacity covers the subjects being queried.
void BM_PrimaryLocalIdWarm(benchmark::State& state) {
  IdentityRegistry& registry = Big(1 << 20);
  static bool warmed = false;
  static double cache_mb = 0;
  if (!warmed) {
    const double before = RssMegabytes();
    for (size_t i = 0; i < big->subjects.size(); ++i) {
      if (!registry.PrimaryLocalId(big->subjects[i], "tax").ok())
        Die("warm-up");
    }
    warmed = true;
    cache_mb = RssMegabytes() - before;
  }
  state.counters["cache_mb"] = cache_mb;
  std::mt19937_64 random(12);
  Resolve(state, registry, random);
}
BENCHMARK(BM_PrimaryLocalIdWarm)->MinTime(3.0);

// A cache of 1% of the subjects under uniform random access: almost every
// call validates, hashes and reads the subject record from RocksDB.
void BM_PrimaryLocalIdCold(benchmark::State& state) {
  IdentityRegistry& registry = Big(
      big == nullptr ? 10000 : std::max<size_t>(1, big->subjects.size() / 100));
  std::mt19937_64 random(13);
  Resolve(state, registry, random);
}
BENCHMARK(BM_PrimaryLocalIdCold)->MinTime(3.0);

// For reference: Resolve (all links of a subject, from RocksDB every time).
void BM_Resolve(benchmark::State& state) {
  IdentityRegistry& registry = Big(1 << 20);
  std::mt19937_64 random(14);
  for (auto _ : state) {
    auto resolution =
        registry.Resolve(big->subjects[random() % big->subjects.size()]);
    if (!resolution.ok()) {
      state.SkipWithError(resolution.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(resolution);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Resolve)->MinTime(3.0);

}  // namespace
}  // namespace datarun::identity

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  datarun::identity::RemoveBig();
  return 0;
}
