// Verification of RFC 9162 inclusion and consistency proofs, following the
// RFC's verification algorithms (sections 2.1.3.2 and 2.1.4.2) step by
// step. Deliberately shares no code with proof generation (tree.h), so a bug
// in one is caught by the other.
//
// Error codes, for every function here:
//   INVALID_ARGUMENT  the question or the proof's shape is wrong whatever the
//                     hashes: leaf index not below the tree size, old size
//                     above the new size, wrong number of proof hashes;
//   DATA_LOSS         the proof is well formed but the hashes disagree: the
//                     leaf, a proof hash or a root was altered (tampering or
//                     corruption). The message says which root failed and
//                     shows both values.
// All functions are pure and thread-safe.
#ifndef DATARUN_EXCHANGE_MERKLE_VERIFY_H_
#define DATARUN_EXCHANGE_MERKLE_VERIFY_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "exchange/merkle/hash.h"

namespace datarun::merkle {

// Returns the number of hashes in a valid inclusion proof of leaf `index` in
// a tree of `tree_size` leaves (requires index < tree_size).
uint64_t InclusionProofSize(uint64_t tree_size, uint64_t index);

// Returns the number of hashes in a valid consistency proof from `old_size`
// to `new_size` (requires old_size <= new_size; 0 when old_size is 0 or
// equal to new_size).
uint64_t ConsistencyProofSize(uint64_t old_size, uint64_t new_size);

// Checks that `proof` proves that the leaf with hash `leaf_hash` is leaf
// `index` of the tree of `tree_size` leaves whose root is `root`. OK or the
// errors above.
absl::Status VerifyInclusion(uint64_t tree_size, uint64_t index,
                             const Hash& leaf_hash,
                             const std::vector<Hash>& proof, const Hash& root);

// Checks that `proof` proves that the tree of `old_size` leaves with root
// `old_root` is a prefix of the tree of `new_size` leaves with root
// `new_root`. Edge cases (no RFC algorithm needed): equal sizes need an
// empty proof and equal roots; old_size 0 needs an empty proof and
// old_root == EmptyRoot(). OK or the errors above.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               const Hash& old_root, const Hash& new_root,
                               const std::vector<Hash>& proof);

}  // namespace datarun::merkle

#endif  // DATARUN_EXCHANGE_MERKLE_VERIFY_H_
