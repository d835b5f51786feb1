// Test-only helpers: RFC 9162's recursive definitions (MTH, PATH, SUBPROOF)
// written as literally as possible over a vector of leaf hashes, as an
// oracle for the stored-hash implementation; and the RFC 6962 reference
// vectors.
#ifndef DATARUN_EXCHANGE_MERKLE_MERKLE_TESTING_H_
#define DATARUN_EXCHANGE_MERKLE_MERKLE_TESTING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "exchange/merkle/hash.h"
#include "gtest/gtest.h"

namespace datarun::merkle::testing {

// Parses hex in a test; fails the test on bad input.
inline Hash H(absl::string_view hex) {
  absl::StatusOr<Hash> h = HashFromHex(hex);
  EXPECT_TRUE(h.ok()) << h.status();
  return h.ok() ? *h : Hash{};
}

// The RFC 6962 reference tree, as used by certificate-transparency, Trillian
// and transparency-dev. Source: github.com/transparency-dev/merkle,
// proof/verify_test.go (vars `leaves` and `roots`), which also gives the
// inclusion and consistency proofs used in tree_test.cc.
inline std::vector<std::string> ReferenceLeafData() {
  std::vector<std::string> out;
  for (const char* hex :
       {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f"}) {
    out.push_back(absl::HexStringToBytes(hex));
  }
  return out;
}

// Root for tree sizes 0..8 of the reference leaves (size 0: SHA-256("")).
inline std::vector<Hash> ReferenceRoots() {
  return {
      H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
      H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
      H("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
      H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
      H("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
      H("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
      H("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
      H("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")};
}

// Largest power of two strictly below n (n >= 2), by counting.
inline uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH(D[lo:hi]), RFC 9162 section 2.1.1.
inline Hash Mth(const std::vector<Hash>& d, uint64_t lo, uint64_t hi) {
  if (hi == lo) return EmptyRoot();
  if (hi - lo == 1) return d[lo];
  uint64_t k = SplitPoint(hi - lo);
  return HashChildren(Mth(d, lo, lo + k), Mth(d, lo + k, hi));
}

// PATH(m, D[lo:hi]) with m relative to lo, RFC 9162 section 2.1.3.1.
inline std::vector<Hash> Path(uint64_t m, const std::vector<Hash>& d,
                              uint64_t lo, uint64_t hi) {
  if (hi - lo == 1) return {};
  uint64_t k = SplitPoint(hi - lo);
  std::vector<Hash> out;
  if (m < k) {
    out = Path(m, d, lo, lo + k);
    out.push_back(Mth(d, lo + k, hi));
  } else {
    out = Path(m - k, d, lo + k, hi);
    out.push_back(Mth(d, lo, lo + k));
  }
  return out;
}

// SUBPROOF(m, D[lo:hi], b), RFC 9162 section 2.1.4.1.
inline std::vector<Hash> Subproof(uint64_t m, const std::vector<Hash>& d,
                                  uint64_t lo, uint64_t hi, bool b) {
  uint64_t n = hi - lo;
  if (m == n) {
    if (b) return {};
    return {Mth(d, lo, hi)};
  }
  uint64_t k = SplitPoint(n);
  std::vector<Hash> out;
  if (m <= k) {
    out = Subproof(m, d, lo, lo + k, b);
    out.push_back(Mth(d, lo + k, hi));
  } else {
    out = Subproof(m - k, d, lo + k, hi, false);
    out.push_back(Mth(d, lo, lo + k));
  }
  return out;
}

// PROOF(m, D[n]) for 0 < m < n.
inline std::vector<Hash> ConsistencyProofOf(uint64_t m,
                                            const std::vector<Hash>& d,
                                            uint64_t n) {
  return Subproof(m, d, 0, n, true);
}

}  // namespace datarun::merkle::testing

#endif  // DATARUN_EXCHANGE_MERKLE_MERKLE_TESTING_H_
