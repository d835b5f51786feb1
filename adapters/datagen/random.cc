#include "adapters/datagen/random.h"

namespace datarun {
namespace datagen {
namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t StableHash(absl::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

int64_t SeriesNumber(absl::string_view key, int64_t n) {
  return 1000 + static_cast<int64_t>(StableHash(key) % 40000) + n - 1;
}

Random::Random(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& s : s_) s = SplitMix64(&state);
}

uint64_t Random::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t Random::Uniform(uint64_t n) {
  // Lemire's multiply-shift; the bias for the small n used here is nil in
  // practice and the result is fully deterministic.
  return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >>
                               64);
}

int64_t Random::Range(int64_t lo, int64_t hi) {
  return lo + static_cast<int64_t>(Uniform(static_cast<uint64_t>(hi - lo) + 1));
}

bool Random::PerMille(int permille) {
  return static_cast<int>(Uniform(1000)) < permille;
}

size_t Random::Weighted(absl::Span<const int> weights) {
  int64_t total = 0;
  for (int w : weights) total += w;
  int64_t r = static_cast<int64_t>(Uniform(static_cast<uint64_t>(total)));
  for (size_t i = 0; i < weights.size(); ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return weights.size() - 1;
}

absl::CivilDay Random::Day(absl::CivilDay from, absl::CivilDay to) {
  return from + Range(0, to - from);
}

}  // namespace datagen
}  // namespace datarun
