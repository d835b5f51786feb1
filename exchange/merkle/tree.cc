#include "exchange/merkle/tree.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "exchange/merkle/compact_range.h"
#include "exchange/merkle/tree_math.h"

namespace datarun::merkle {
namespace {

// A run of leaves [lo, hi) whose RFC 9162 hash a proof needs.
struct Range {
  uint64_t lo;
  uint64_t hi;
};

absl::Status Prefixed(const absl::Status& status, absl::string_view what) {
  return absl::Status(status.code(),
                      absl::StrCat(what, ": ", status.message()));
}

// Calls the reader once and checks it kept its contract.
absl::StatusOr<std::vector<Hash>> Read(HashReader& reader,
                                       const std::vector<uint64_t>& indexes,
                                       absl::string_view what) {
  absl::StatusOr<std::vector<Hash>> hashes = reader.ReadHashes(indexes);
  if (!hashes.ok()) return Prefixed(hashes.status(), what);
  if (hashes->size() != indexes.size()) {
    return absl::InternalError(absl::StrCat(what, ": HashReader returned ",
                                            hashes->size(), " hashes for ",
                                            indexes.size(), " indexes"));
  }
  return hashes;
}

// Appends the storage indexes of the maximal perfect subtrees that make up
// [lo, hi), left to right. Every range a proof or root needs starts at a
// multiple of a power of two at least as large as the range, so each piece
// is aligned and stored.
void AppendRangeIndexes(Range range, std::vector<uint64_t>* indexes) {
  uint64_t lo = range.lo;
  while (lo < range.hi) {
    int level = FloorLog2(range.hi - lo);
    indexes->push_back(StoredHashIndex(level, lo >> level));
    lo += uint64_t{1} << level;
  }
}

// Returns the RFC 9162 hash of each range, reading all the stored hashes
// they need with one ReadHashes call.
absl::StatusOr<std::vector<Hash>> HashRanges(const std::vector<Range>& ranges,
                                             HashReader& reader,
                                             absl::string_view what) {
  std::vector<uint64_t> indexes;
  std::vector<size_t> pieces;
  pieces.reserve(ranges.size());
  for (const Range& range : ranges) {
    size_t before = indexes.size();
    AppendRangeIndexes(range, &indexes);
    pieces.push_back(indexes.size() - before);
  }
  std::vector<Hash> out;
  if (indexes.empty()) return out;
  ASSIGN_OR_RETURN(std::vector<Hash> stored, Read(reader, indexes, what));
  out.reserve(ranges.size());
  size_t pos = 0;
  for (size_t count : pieces) {
    // MTH of a range is its perfect pieces folded from the right.
    Hash h = stored[pos + count - 1];
    for (size_t i = count - 1; i > 0; --i) {
      h = HashChildren(stored[pos + i - 1], h);
    }
    out.push_back(h);
    pos += count;
  }
  return out;
}

}  // namespace

uint64_t StoredHashIndex(int level, uint64_t position) {
  // The subtree is completed by its last leaf; before that leaf's hashes
  // come StoredHashCount(last) others, then the leaf and levels 1..level-1.
  uint64_t last_leaf = ((position + 1) << level) - 1;
  return StoredHashCount(last_leaf) + static_cast<uint64_t>(level);
}

void SplitStoredHashIndex(uint64_t index, int* level, uint64_t* position) {
  // Find the leaf m whose append wrote `index`: the largest m with
  // StoredHashCount(m) <= index (StoredHashCount is strictly increasing).
  // StoredHashCount(m) >= 2m - 64, so m <= index / 2 + 32; bounding the
  // search there also keeps StoredHashCount from overflowing.
  uint64_t lo = 0;
  uint64_t hi = std::min(index, index / 2 + 32);
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo + 1) / 2;
    if (StoredHashCount(mid) <= index) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  *level = static_cast<int>(index - StoredHashCount(lo));
  *position = lo >> *level;
}

uint64_t StoredHashCount(uint64_t n) {
  // floor(n / 2^L) complete subtrees at each level L.
  uint64_t count = 0;
  for (; n > 0; n >>= 1) count += n;
  return count;
}

absl::StatusOr<std::vector<Hash>> StoredHashesForLeaf(uint64_t n,
                                                      const Hash& leaf_hash,
                                                      HashReader& reader) {
  // Each trailing 1 bit of n completes one more level; the left sibling at
  // level i is the subtree just before the new leaf's ancestor.
  int completed = CountTrailingOnes(n);
  std::vector<Hash> out;
  out.reserve(1 + completed);
  out.push_back(leaf_hash);
  if (completed == 0) return out;
  std::vector<uint64_t> indexes;
  indexes.reserve(completed);
  for (int i = 0; i < completed; ++i) {
    indexes.push_back(StoredHashIndex(i, (n >> i) - 1));
  }
  ASSIGN_OR_RETURN(std::vector<Hash> siblings,
                   Read(reader, indexes, absl::StrCat("leaf ", n)));
  Hash h = leaf_hash;
  for (int i = 0; i < completed; ++i) {
    h = HashChildren(siblings[i], h);
    out.push_back(h);
  }
  return out;
}

absl::StatusOr<std::vector<Hash>> StoredHashesForLeaves(
    uint64_t n, const std::vector<Hash>& leaf_hashes, HashReader& reader) {
  ASSIGN_OR_RETURN(CompactRange range, CompactRange::FromStorage(n, reader));
  std::vector<Hash> out;
  out.reserve(StoredHashCount(n + leaf_hashes.size()) - StoredHashCount(n));
  for (const Hash& leaf : leaf_hashes) range.Append(leaf, &out);
  return out;
}

absl::StatusOr<Hash> TreeHash(uint64_t n, HashReader& reader) {
  if (n == 0) return EmptyRoot();
  ASSIGN_OR_RETURN(
      std::vector<Hash> hashes,
      HashRanges({Range{0, n}}, reader, absl::StrCat("root of tree size ", n)));
  return hashes[0];
}

absl::StatusOr<std::vector<Hash>> ProveInclusion(uint64_t tree_size,
                                                 uint64_t index,
                                                 HashReader& reader) {
  if (index >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot prove inclusion of leaf ", index, " in a tree of size ",
        tree_size, ": the leaf index must be below the tree size"));
  }
  // RFC 9162 PATH(m, D[lo:hi]): walk down from the root towards the leaf,
  // noting the subtree not taken at each split; the proof lists them from
  // the leaf up.
  std::vector<Range> siblings;
  uint64_t lo = 0;
  uint64_t hi = tree_size;
  while (hi - lo > 1) {
    uint64_t k = LargestPowerOfTwoBelow(hi - lo);
    if (index < lo + k) {
      siblings.push_back(Range{lo + k, hi});
      hi = lo + k;
    } else {
      siblings.push_back(Range{lo, lo + k});
      lo += k;
    }
  }
  std::reverse(siblings.begin(), siblings.end());
  return HashRanges(siblings, reader,
                    absl::StrCat("inclusion proof of leaf ", index,
                                 " in tree size ", tree_size));
}

absl::StatusOr<std::vector<Hash>> ProveConsistency(uint64_t old_size,
                                                   uint64_t new_size,
                                                   HashReader& reader) {
  if (old_size > new_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cannot prove consistency from tree size ", old_size, " to ", new_size,
        ": the old size must not exceed the new size"));
  }
  if (old_size == 0 || old_size == new_size) return std::vector<Hash>();
  // RFC 9162 SUBPROOF(m, D[lo:hi], b), unrolled: each step adds the subtree
  // on the side the old tree does not end in; the recursion's own output
  // precedes it, so the proof lists the steps bottom-up.
  std::vector<Range> steps;
  uint64_t lo = 0;
  uint64_t hi = new_size;
  bool whole_old_tree = true;  // b: [lo, old_size) is the entire old tree
  while (old_size != hi) {
    uint64_t k = LargestPowerOfTwoBelow(hi - lo);
    if (old_size <= lo + k) {
      steps.push_back(Range{lo + k, hi});
      hi = lo + k;
    } else {
      steps.push_back(Range{lo, lo + k});
      lo += k;
      whole_old_tree = false;
    }
  }
  // Reached m == n: the verifier knows the old root, so the subtree is only
  // sent when it is a proper part of the old tree.
  if (!whole_old_tree) steps.push_back(Range{lo, hi});
  std::reverse(steps.begin(), steps.end());
  return HashRanges(steps, reader,
                    absl::StrCat("consistency proof from tree size ", old_size,
                                 " to ", new_size));
}

}  // namespace datarun::merkle
