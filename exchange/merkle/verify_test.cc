#include "exchange/merkle/verify.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "exchange/merkle/memory_hash_store.h"
#include "exchange/merkle/merkle_testing.h"
#include "exchange/merkle/tree.h"
#include "gtest/gtest.h"

namespace datarun::merkle {
namespace {

using testing::Mth;

class VerifyTest : public ::testing::Test {
 protected:
  VerifyTest() {
    for (int i = 0; i < 40; ++i) {
      leaves_.push_back(HashLeaf(absl::StrCat("entry ", i)));
      EXPECT_TRUE(store_.Append(leaves_.back()).ok());
    }
  }
  Hash Root(uint64_t n) { return Mth(leaves_, 0, n); }

  std::vector<Hash> leaves_;
  MemoryHashStore store_;
};

// Every way of altering a valid inclusion proof or its claim must fail.
TEST_F(VerifyTest, TamperedInclusionProofsFail) {
  Hash other = HashLeaf("not in the tree");
  for (uint64_t n : {2, 3, 5, 8, 13, 32, 40}) {
    for (uint64_t m = 0; m < n; ++m) {
      SCOPED_TRACE(absl::StrCat("leaf ", m, " of ", n));
      std::vector<Hash> proof = *ProveInclusion(n, m, store_);
      Hash root = Root(n);
      const Hash& leaf = leaves_[m];
      ASSERT_TRUE(VerifyInclusion(n, m, leaf, proof, root).ok());

      EXPECT_FALSE(VerifyInclusion(n, m, other, proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(n, m, leaf, proof, other).ok());
      EXPECT_FALSE(VerifyInclusion(n, m, leaf, proof, EmptyRoot()).ok());
      if (m > 0) {
        EXPECT_FALSE(VerifyInclusion(n, m - 1, leaf, proof, root).ok());
      }
      if (m + 1 < n) {
        EXPECT_FALSE(VerifyInclusion(n, m + 1, leaf, proof, root).ok());
      }
      if ((m ^ 2) < n) {
        EXPECT_FALSE(VerifyInclusion(n, m ^ 2, leaf, proof, root).ok());
      }
      EXPECT_FALSE(VerifyInclusion(n * 2, m, leaf, proof, root).ok());
      if (m < n / 2) {
        EXPECT_FALSE(VerifyInclusion(n / 2, m, leaf, proof, root).ok());
      }
      std::vector<Hash> longer = proof;
      longer.push_back(root);
      absl::Status status = VerifyInclusion(n, m, leaf, longer, root);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      longer.insert(longer.begin(), root);
      longer.pop_back();
      EXPECT_FALSE(VerifyInclusion(n, m, leaf, longer, root).ok());
      if (!proof.empty()) {
        std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
        status = VerifyInclusion(n, m, leaf, shorter, root);
        EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      }
      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<Hash> flipped = proof;
        flipped[i][0] ^= 8;
        status = VerifyInclusion(n, m, leaf, flipped, root);
        EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
      }
      if (proof.size() > 1) {
        std::vector<Hash> swapped = proof;
        std::swap(swapped[0], swapped[1]);
        EXPECT_FALSE(VerifyInclusion(n, m, leaf, swapped, root).ok());
      }
    }
  }
}

TEST_F(VerifyTest, TamperedConsistencyProofsFail) {
  Hash other = HashLeaf("some other root");
  for (uint64_t n : {3, 5, 7, 8, 13, 32, 40}) {
    for (uint64_t m = 1; m < n; ++m) {
      SCOPED_TRACE(absl::StrCat(m, " -> ", n));
      std::vector<Hash> proof = *ProveConsistency(m, n, store_);
      Hash old_root = Root(m);
      Hash new_root = Root(n);
      ASSERT_TRUE(VerifyConsistency(m, n, old_root, new_root, proof).ok());

      EXPECT_FALSE(VerifyConsistency(m, n, other, new_root, proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, other, proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, new_root, old_root, proof).ok());
      EXPECT_FALSE(VerifyConsistency(m - 1, n, old_root, new_root, proof).ok());
      if (m + 1 < n) {
        EXPECT_FALSE(
            VerifyConsistency(m + 1, n, old_root, new_root, proof).ok());
      }
      if ((m ^ 2) < n && (m ^ 2) != 0) {
        EXPECT_FALSE(
            VerifyConsistency(m ^ 2, n, old_root, new_root, proof).ok());
      }
      EXPECT_FALSE(VerifyConsistency(m, n * 2, old_root, new_root, proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n / 2, old_root, new_root, proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, {}).ok());
      for (const Hash& extra : {old_root, new_root, proof[0]}) {
        std::vector<Hash> longer = proof;
        longer.push_back(extra);
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, longer).ok());
        longer.pop_back();
        longer.insert(longer.begin(), extra);
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, longer).ok());
      }
      std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
      absl::Status status =
          VerifyConsistency(m, n, old_root, new_root, shorter);
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      for (size_t i = 0; i < proof.size(); ++i) {
        std::vector<Hash> flipped = proof;
        flipped[i][0] ^= 16;
        status = VerifyConsistency(m, n, old_root, new_root, flipped);
        EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
      }
    }
  }
}

TEST_F(VerifyTest, ConsistencyEdgeCases) {
  Hash root5 = Root(5);
  EXPECT_TRUE(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}).ok());
  EXPECT_TRUE(VerifyConsistency(0, 5, EmptyRoot(), root5, {}).ok());
  EXPECT_TRUE(VerifyConsistency(5, 5, root5, root5, {}).ok());
  // Equal sizes with different roots: a forked log.
  EXPECT_EQ(VerifyConsistency(5, 5, root5, Root(4), {}).code(),
            absl::StatusCode::kDataLoss);
  // The empty tree has exactly one root.
  EXPECT_EQ(VerifyConsistency(0, 5, root5, root5, {}).code(),
            absl::StatusCode::kDataLoss);
  // Nothing to prove means no proof.
  EXPECT_EQ(VerifyConsistency(5, 5, root5, root5, {root5}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyConsistency(0, 5, EmptyRoot(), root5, {root5}).code(),
            absl::StatusCode::kInvalidArgument);
  // Time travel.
  EXPECT_EQ(VerifyConsistency(6, 5, Root(6), root5, {}).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(VerifyTest, InclusionEdgeCases) {
  Hash leaf = leaves_[0];
  // A one-leaf tree's root is its leaf hash and its proof is empty.
  EXPECT_TRUE(VerifyInclusion(1, 0, leaf, {}, leaf).ok());
  EXPECT_EQ(VerifyInclusion(1, 0, leaf, {}, leaves_[1]).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(VerifyInclusion(0, 0, leaf, {}, EmptyRoot()).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(VerifyInclusion(1, 1, leaf, {}, leaf).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(VerifyTest, ErrorsSayWhatFailed) {
  std::vector<Hash> proof = *ProveInclusion(8, 5, store_);
  absl::Status status = VerifyInclusion(8, 5, leaves_[5], proof, Root(7));
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(status.message().find("inclusion proof of leaf 5 in tree size 8"),
            absl::string_view::npos)
      << status;
  EXPECT_NE(status.message().find(HashToHex(Root(8))), absl::string_view::npos)
      << status;
  status = VerifyInclusion(8, 5, leaves_[5], {}, Root(8));
  EXPECT_NE(status.message().find("must have 3 hashes, got 0"),
            absl::string_view::npos)
      << status;

  proof = *ProveConsistency(3, 8, store_);
  status = VerifyConsistency(3, 8, Root(3), Root(9), proof);
  EXPECT_NE(status.message().find("new root"), absl::string_view::npos)
      << status;
  status = VerifyConsistency(3, 8, Root(4), Root(8), proof);
  EXPECT_NE(status.message().find("old root"), absl::string_view::npos)
      << status;
}

// A stored hash altered after a checkpoint was signed: the new root no longer
// extends the signed one.
TEST_F(VerifyTest, TamperedStorageBreaksConsistencyWithEarlierCheckpoint) {
  Hash signed_root = *TreeHash(20, store_);
  store_.hashes()[StoredHashIndex(0, 7)][3] ^= 1;  // leaf 7 rewritten
  // Hashes above leaf 7 are stale, so recompute them as a forger would.
  MemoryHashStore forged;
  for (uint64_t i = 0; i < 40; ++i) {
    ASSERT_TRUE(forged.Append(i == 7 ? HashLeaf("forged") : leaves_[i]).ok());
  }
  std::vector<Hash> proof = *ProveConsistency(20, 40, forged);
  absl::Status status =
      VerifyConsistency(20, 40, signed_root, *TreeHash(40, forged), proof);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
}

}  // namespace
}  // namespace datarun::merkle
