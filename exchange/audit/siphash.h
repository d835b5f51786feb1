// SipHash-2-4 (Aumasson and Bernstein, https://www.aumasson.jp/siphash/):
// a fast keyed pseudo-random function with 64-bit output. The verifier uses
// it with a fresh random key to fingerprint index keys: without the key,
// nobody can craft keys whose fingerprints add up to the expected sums.
#ifndef DATARUN_EXCHANGE_AUDIT_SIPHASH_H_
#define DATARUN_EXCHANGE_AUDIT_SIPHASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace datarun::audit {

// A 128-bit SipHash key, as two little-endian 64-bit words (k0 = bytes
// 0..7, k1 = bytes 8..15 of the key).
struct SipHashKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
};

// Returns SipHash-2-4 of `data` under `key`. Pure and thread-safe.
uint64_t SipHash24(const SipHashKey& key, absl::string_view data);

// Returns a key from OpenSSL's CSPRNG; aborts if it fails (only with a
// broken installation).
SipHashKey RandomSipHashKey();

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_SIPHASH_H_
