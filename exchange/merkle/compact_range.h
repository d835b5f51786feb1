// Incremental RFC 9162 root computation in O(log n) memory: the "right
// edge" (frontier) of a tree, i.e. the hashes of the maximal perfect
// subtrees that make up leaves [0, n), largest first. For n = 6 that is the
// subtrees over [0,4) and [4,6).
//
// Two users:
//   - the audit writer keeps one in memory: Append gives, per leaf, exactly
//     the stored hashes to put (see tree.h), and Root gives the checkpoint
//     root, with no storage reads;
//   - the offline verifier streams every leaf through one and compares
//     Root() with each signed checkpoint it passes.
#ifndef DATARUN_EXCHANGE_MERKLE_COMPACT_RANGE_H_
#define DATARUN_EXCHANGE_MERKLE_COMPACT_RANGE_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "exchange/merkle/hash.h"
#include "exchange/merkle/hash_reader.h"

namespace datarun::merkle {

// A value type (copyable, movable). Not thread-safe for mutation; const
// methods may be called concurrently.
class CompactRange {
 public:
  // The frontier of the empty tree.
  CompactRange();

  // Returns the storage indexes of the frontier of a tree of `size` leaves,
  // largest subtree first (popcount(size) of them, none for 0).
  static std::vector<uint64_t> FrontierIndexes(uint64_t size);

  // Restores the frontier of a tree of `size` leaves from storage with one
  // ReadHashes call. Errors are the reader's, prefixed with what was read.
  static absl::StatusOr<CompactRange> FromStorage(uint64_t size,
                                                  HashReader& reader);

  // Builds the frontier from known hashes (largest subtree first), e.g. ones
  // saved with frontier(). INVALID_ARGUMENT when there are not exactly
  // popcount(size) of them.
  static absl::StatusOr<CompactRange> FromFrontier(uint64_t size,
                                                   std::vector<Hash> frontier);

  // Returns the number of leaves appended so far.
  uint64_t size() const { return size_; }

  // Returns the frontier hashes, largest subtree first.
  const std::vector<Hash>& frontier() const { return frontier_; }

  // Appends the leaf with hash `leaf_hash` (HashLeaf(entry)) as leaf
  // number size(). When `stored` is not null, appends to it the hashes to
  // store for this leaf, in index order starting at StoredHashCount(size())
  // as it was before the call: the same as StoredHashesForLeaf returns.
  // Amortised cost: one HashChildren per leaf. Crashes past 2^62 leaves.
  void Append(const Hash& leaf_hash, std::vector<Hash>* stored = nullptr);

  // Returns the RFC 9162 root of the leaves appended so far (EmptyRoot()
  // when none); costs popcount(size()) - 1 hashes.
  Hash Root() const;

 private:
  uint64_t size_ = 0;
  // One hash per 1 bit of size_, most significant bit first.
  std::vector<Hash> frontier_;
};

}  // namespace datarun::merkle

#endif  // DATARUN_EXCHANGE_MERKLE_COMPACT_RANGE_H_
