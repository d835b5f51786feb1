// Bit arithmetic shared by the Merkle tree files. Internal to
// exchange/merkle.
#ifndef DATARUN_EXCHANGE_MERKLE_TREE_MATH_H_
#define DATARUN_EXCHANGE_MERKLE_TREE_MATH_H_

#include <cstdint>

namespace datarun::merkle {

// Returns floor(log2(n)) for n >= 1.
inline int FloorLog2(uint64_t n) { return 63 - __builtin_clzll(n); }

// Returns the largest power of two strictly below n, for n >= 2: where
// RFC 9162 splits a tree of n leaves.
inline uint64_t LargestPowerOfTwoBelow(uint64_t n) {
  return uint64_t{1} << FloorLog2(n - 1);
}

// Returns the number of trailing 1 bits of n.
inline int CountTrailingOnes(uint64_t n) {
  return n == ~uint64_t{0} ? 64 : __builtin_ctzll(~n);
}

// Returns the number of 1 bits of n.
inline int PopCount(uint64_t n) { return __builtin_popcountll(n); }

}  // namespace datarun::merkle

#endif  // DATARUN_EXCHANGE_MERKLE_TREE_MATH_H_
