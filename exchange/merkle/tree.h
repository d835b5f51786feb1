// The audit log's Merkle tree (RFC 9162 section 2.1) over storage that keeps
// only the hashes of complete perfect subtrees ("stored hashes"), as Go's
// golang.org/x/mod/sumdb/tlog does. Any root or proof is then answered with
// one batched read of at most ~2*log2(n) hashes and no rehashing of leaves.
//
// STORAGE LAYOUT
// For a tree of n leaves, the perfect subtree at level L >= 0 and position
// k >= 0 covers leaves [k*2^L, (k+1)*2^L) and exists once (k+1)*2^L <= n.
// Level 0 subtrees are the leaves themselves (their hash is HashLeaf(entry)).
// Each such subtree hash gets one dense number, StoredHashIndex(L, k), in
// the order the hashes become known while leaves are appended: appending
// leaf n yields first the leaf hash (level 0, position n), then the hash of
// every perfect subtree that leaf completes, lowest level first. Hence
//   - a tree of n leaves has exactly the indexes [0, StoredHashCount(n));
//   - appending leaves n..m-1 adds exactly [StoredHashCount(n),
//     StoredHashCount(m)), in that order, and never changes an older index;
//   - StoredHashCount(n) == StoredHashIndex(0, n) (the next leaf's slot).
// Storage is a key-value put of each new hash under its index (an 8-byte
// big-endian key sorts in index order), written in the same atomic batch as
// the leaves. Example for 4 leaves, index:(level,position):
//   0:(0,0) 1:(0,1) 2:(1,0) 3:(0,2) 4:(0,3) 5:(1,1) 6:(2,0)
// Supported sizes: fewer than 2^62 leaves (so every index fits in 63 bits).
//
// All functions are pure apart from the reader they are given; they are
// thread-safe if the reader is.
#ifndef DATARUN_EXCHANGE_MERKLE_TREE_H_
#define DATARUN_EXCHANGE_MERKLE_TREE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "exchange/merkle/hash.h"
#include "exchange/merkle/hash_reader.h"

namespace datarun::merkle {

// Returns the dense storage index of the perfect subtree at `level`
// (0 = leaf) and `position` (0-based, counted at that level).
uint64_t StoredHashIndex(int level, uint64_t position);

// The inverse of StoredHashIndex: sets *level and *position.
void SplitStoredHashIndex(uint64_t index, int* level, uint64_t* position);

// Returns the number of stored hashes of a tree of `n` leaves
// (== StoredHashIndex(0, n), about 2n).
uint64_t StoredHashCount(uint64_t n);

// Returns the hashes to store when appending leaf `n` (0-based) with hash
// `leaf_hash` to a tree of n leaves: the leaf hash, then one hash per
// perfect subtree the leaf completes (as many as trailing 1 bits of n), to be
// put at indexes StoredHashCount(n), StoredHashCount(n)+1, ... Reads those
// subtrees' left siblings from `reader` (none when n is even). Errors are
// the reader's, prefixed with "leaf <n>: ".
absl::StatusOr<std::vector<Hash>> StoredHashesForLeaf(uint64_t n,
                                                      const Hash& leaf_hash,
                                                      HashReader& reader);

// Batch form for a group commit: returns the hashes to store when appending
// `leaf_hashes` as leaves n, n+1, ... to a tree of n leaves, i.e. the values
// of indexes [StoredHashCount(n), StoredHashCount(n + leaf_hashes.size())),
// in order. Reads only the right edge of the current tree (one ReadHashes
// call of popcount(n) hashes); everything else comes from the batch itself.
// A writer that keeps a CompactRange (compact_range.h) in memory needs no
// read at all: CompactRange::Append yields the same hashes.
absl::StatusOr<std::vector<Hash>> StoredHashesForLeaves(
    uint64_t n, const std::vector<Hash>& leaf_hashes, HashReader& reader);

// Returns the RFC 9162 root (MTH) of the first `n` leaves, EmptyRoot() for
// n == 0 (no read). One ReadHashes call of popcount(n) hashes.
absl::StatusOr<Hash> TreeHash(uint64_t n, HashReader& reader);

// Returns the RFC 9162 inclusion proof (audit path, section 2.1.3.1) of leaf
// `index` in the tree of the first `tree_size` leaves, ordered from the leaf
// level up. INVALID_ARGUMENT when index >= tree_size; otherwise the reader's
// errors (NOT_FOUND when the stored tree is smaller than tree_size).
absl::StatusOr<std::vector<Hash>> ProveInclusion(uint64_t tree_size,
                                                 uint64_t index,
                                                 HashReader& reader);

// Returns the RFC 9162 consistency proof (section 2.1.4.1) that the tree of
// `old_size` leaves is a prefix of the tree of `new_size` leaves. Empty when
// old_size == 0 or old_size == new_size (nothing to prove). INVALID_ARGUMENT
// when old_size > new_size; otherwise the reader's errors.
absl::StatusOr<std::vector<Hash>> ProveConsistency(uint64_t old_size,
                                                   uint64_t new_size,
                                                   HashReader& reader);

}  // namespace datarun::merkle

#endif  // DATARUN_EXCHANGE_MERKLE_TREE_H_
