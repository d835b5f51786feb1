// The generator's deterministic pseudo-random source (xoshiro256**, seeded
// through SplitMix64). Unlike <random>'s distributions, every derived value
// is computed here, so one seed gives the same data on every platform and
// standard library.
//
// Thread-compatible.
#ifndef DATARUN_ADAPTERS_DATAGEN_RANDOM_H_
#define DATARUN_ADAPTERS_DATAGEN_RANDOM_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"

namespace datarun {
namespace datagen {

// A fixed 64-bit FNV-1a hash of `text` (same on every platform), used to
// give numbering series plausible, stable starting points.
uint64_t StableHash(absl::string_view text);

// The n-th number (n >= 1) of the series named `key`: starts at a stable
// offset between 1000 and 40999 so that documents do not all read "No. 1".
int64_t SeriesNumber(absl::string_view key, int64_t n);

class Random {
 public:
  explicit Random(uint64_t seed);

  // Next raw 64-bit value.
  uint64_t Next();
  // Uniform integer in [0, n); n must be > 0.
  uint64_t Uniform(uint64_t n);
  // Uniform integer in [lo, hi] (inclusive); lo <= hi.
  int64_t Range(int64_t lo, int64_t hi);
  // True with probability permille / 1000.
  bool PerMille(int permille);
  // Index i chosen with probability weights[i] / sum(weights); the sum must
  // be > 0.
  size_t Weighted(absl::Span<const int> weights);
  // Uniform day in [from, to] (inclusive); from <= to.
  absl::CivilDay Day(absl::CivilDay from, absl::CivilDay to);

  // A uniformly chosen element of a non-empty array.
  template <typename T, size_t N>
  const T& Pick(const T (&items)[N]) {
    return items[Uniform(N)];
  }

 private:
  uint64_t s_[4];
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_RANDOM_H_
