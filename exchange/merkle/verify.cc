#include "exchange/merkle/verify.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace datarun::merkle {
namespace {

bool Lsb(uint64_t x) { return (x & 1) != 0; }

bool IsPowerOfTwo(uint64_t x) { return x != 0 && (x & (x - 1)) == 0; }

// The bookkeeping both RFC algorithms do after using one proof hash when
// "LSB(fn) is set, or fn is equal to sn": if LSB(fn) is not set, right-shift
// fn and sn until LSB(fn) is set or fn is 0.
void SkipRightEdgeLevels(uint64_t* fn, uint64_t* sn) {
  if (Lsb(*fn)) return;
  while (!Lsb(*fn) && *fn != 0) {
    *fn >>= 1;
    *sn >>= 1;
  }
}

// Counts the iterations of the RFC's loop (one per proof hash) until sn
// reaches 0. The shifts never depend on hash values.
uint64_t CountSteps(uint64_t fn, uint64_t sn) {
  uint64_t steps = 0;
  while (sn != 0) {
    if (Lsb(fn) || fn == sn) SkipRightEdgeLevels(&fn, &sn);
    fn >>= 1;
    sn >>= 1;
    ++steps;
  }
  return steps;
}

absl::Status RootMismatch(absl::string_view what, const Hash& computed,
                          const Hash& expected) {
  return absl::DataLossError(
      absl::StrCat(what, " does not match: the proof leads to ",
                   HashToHex(computed), ", expected ", HashToHex(expected)));
}

}  // namespace

uint64_t InclusionProofSize(uint64_t tree_size, uint64_t index) {
  if (index >= tree_size) return 0;
  return CountSteps(index, tree_size - 1);
}

uint64_t ConsistencyProofSize(uint64_t old_size, uint64_t new_size) {
  if (old_size == 0 || old_size >= new_size) return 0;
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while (Lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  // The first path element plus one per loop step; when old_size is a power
  // of two the verifier supplies the first element (the old root) itself.
  uint64_t path = 1 + CountSteps(fn, sn);
  return IsPowerOfTwo(old_size) ? path - 1 : path;
}

absl::Status VerifyInclusion(uint64_t tree_size, uint64_t index,
                             const Hash& leaf_hash,
                             const std::vector<Hash>& proof, const Hash& root) {
  std::string what = absl::StrCat("inclusion proof of leaf ", index,
                                  " in tree size ", tree_size);
  // Step 1: leaf_index < tree_size.
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the leaf index must be below the tree size"));
  }
  uint64_t want = InclusionProofSize(tree_size, index);
  if (proof.size() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " must have ", want, " hashes, got ", proof.size()));
  }
  // Steps 2-3.
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  Hash r = leaf_hash;
  // Step 4.
  for (const Hash& p : proof) {
    if (sn == 0) {  // 4a (unreachable after the length check)
      return absl::InvalidArgumentError(absl::StrCat(what, " is too long"));
    }
    if (Lsb(fn) || fn == sn) {  // 4b
      r = HashChildren(p, r);
      SkipRightEdgeLevels(&fn, &sn);
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;  // 4c
    sn >>= 1;
  }
  // Step 5.
  if (sn != 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is too short"));
  }
  if (r != root) return RootMismatch(absl::StrCat(what, ": root"), r, root);
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size,
                               const Hash& old_root, const Hash& new_root,
                               const std::vector<Hash>& proof) {
  std::string what = absl::StrCat("consistency proof from tree size ", old_size,
                                  " to ", new_size);
  if (old_size > new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": the old size must not exceed the new size"));
  }
  if (old_size == 0 || old_size == new_size) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " must be empty, got ", proof.size(), " hashes"));
    }
    if (old_size == 0 && old_root != EmptyRoot()) {
      return absl::DataLossError(absl::StrCat(
          what, ": the root of the empty tree is ", HashToHex(EmptyRoot()),
          " (SHA-256 of nothing), got ", HashToHex(old_root)));
    }
    if (old_size != 0 && old_root != new_root) {
      return absl::DataLossError(
          absl::StrCat(what, ": two roots for the same tree size differ: ",
                       HashToHex(old_root), " and ", HashToHex(new_root)));
    }
    return absl::OkStatus();
  }
  uint64_t want = ConsistencyProofSize(old_size, new_size);
  // Step 1 (an empty path) is covered: want is at least 1 here.
  if (proof.size() != want) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " must have ", want, " hashes, got ", proof.size()));
  }
  // Step 2: when old_size is a power of two, the path is old_root || proof.
  const bool prepend_old_root = IsPowerOfTwo(old_size);
  const size_t path_size = proof.size() + (prepend_old_root ? 1 : 0);
  auto path = [&](size_t i) -> const Hash& {
    if (prepend_old_root) return i == 0 ? old_root : proof[i - 1];
    return proof[i];
  };
  // Steps 3-4.
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while (Lsb(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  Hash fr = path(0);
  Hash sr = path(0);
  // Step 6.
  for (size_t i = 1; i < path_size; ++i) {
    const Hash& c = path(i);
    if (sn == 0) {  // 6a (unreachable after the length check)
      return absl::InvalidArgumentError(absl::StrCat(what, " is too long"));
    }
    if (Lsb(fn) || fn == sn) {  // 6b
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      SkipRightEdgeLevels(&fn, &sn);
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;  // 6c
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is too short"));
  }
  if (fr != old_root) {
    return RootMismatch(absl::StrCat(what, ": old root"), fr, old_root);
  }
  if (sr != new_root) {
    return RootMismatch(absl::StrCat(what, ": new root"), sr, new_root);
  }
  return absl::OkStatus();
}

}  // namespace datarun::merkle
