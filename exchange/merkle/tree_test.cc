#include "exchange/merkle/tree.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "exchange/merkle/memory_hash_store.h"
#include "exchange/merkle/merkle_testing.h"
#include "exchange/merkle/verify.h"
#include "gtest/gtest.h"

namespace datarun::merkle {
namespace {

using testing::ConsistencyProofOf;
using testing::H;
using testing::Mth;
using testing::Path;

std::vector<Hash> LeafHashes(int n) {
  std::vector<Hash> out;
  for (int i = 0; i < n; ++i) out.push_back(HashLeaf(absl::StrCat("leaf ", i)));
  return out;
}

MemoryHashStore StoreOf(const std::vector<Hash>& leaves) {
  MemoryHashStore store;
  for (const Hash& leaf : leaves) EXPECT_TRUE(store.Append(leaf).ok());
  return store;
}

TEST(StoredHashIndexTest, DocumentedExample) {
  // 0:(0,0) 1:(0,1) 2:(1,0) 3:(0,2) 4:(0,3) 5:(1,1) 6:(2,0)
  EXPECT_EQ(StoredHashIndex(0, 0), 0u);
  EXPECT_EQ(StoredHashIndex(0, 1), 1u);
  EXPECT_EQ(StoredHashIndex(1, 0), 2u);
  EXPECT_EQ(StoredHashIndex(0, 2), 3u);
  EXPECT_EQ(StoredHashIndex(0, 3), 4u);
  EXPECT_EQ(StoredHashIndex(1, 1), 5u);
  EXPECT_EQ(StoredHashIndex(2, 0), 6u);
  EXPECT_EQ(StoredHashCount(4), 7u);
}

TEST(StoredHashIndexTest, SplitIsTheInverse) {
  std::vector<uint64_t> indexes;
  for (uint64_t i = 0; i < 5000; ++i) indexes.push_back(i);
  for (uint64_t i :
       {uint64_t{1} << 40, (uint64_t{1} << 61) + 12345, (uint64_t{1} << 62) - 1,
        StoredHashCount(uint64_t{1} << 62) - 1}) {
    indexes.push_back(i);
  }
  for (uint64_t index : indexes) {
    int level = -1;
    uint64_t position = 0;
    SplitStoredHashIndex(index, &level, &position);
    ASSERT_EQ(StoredHashIndex(level, position), index) << index;
  }
}

TEST(StoredHashIndexTest, EachLeafAddsTheNextContiguousIndexes) {
  for (uint64_t n = 0; n < 2000; ++n) {
    ASSERT_EQ(StoredHashCount(n), StoredHashIndex(0, n)) << n;
    int trailing_ones = 0;
    for (uint64_t x = n; x & 1; x >>= 1) ++trailing_ones;
    ASSERT_EQ(StoredHashCount(n + 1) - StoredHashCount(n),
              static_cast<uint64_t>(1 + trailing_ones))
        << n;
  }
}

TEST(StoredHashIndexTest, EveryStoredHashIsItsSubtreeHash) {
  std::vector<Hash> leaves = LeafHashes(100);
  MemoryHashStore store = StoreOf(leaves);
  ASSERT_EQ(store.hashes().size(), StoredHashCount(100));
  for (uint64_t index = 0; index < store.hashes().size(); ++index) {
    int level;
    uint64_t position;
    SplitStoredHashIndex(index, &level, &position);
    ASSERT_EQ(store.hashes()[index],
              Mth(leaves, position << level, (position + 1) << level))
        << "index " << index << " level " << level << " position " << position;
  }
}

class ReferenceVectorTest : public ::testing::Test {
 protected:
  ReferenceVectorTest() {
    for (const std::string& data : testing::ReferenceLeafData()) {
      EXPECT_TRUE(store_.Append(HashLeaf(data)).ok());
    }
  }
  MemoryHashStore store_;
  std::vector<Hash> roots_ = testing::ReferenceRoots();
};

TEST_F(ReferenceVectorTest, Roots) {
  for (uint64_t size = 0; size <= 8; ++size) {
    absl::StatusOr<Hash> root = TreeHash(size, store_);
    ASSERT_TRUE(root.ok()) << root.status();
    EXPECT_EQ(HashToHex(*root), HashToHex(roots_[size])) << "size " << size;
  }
}

// Inclusion proofs from transparency-dev/merkle proof/verify_test.go
// (`inclusionProofs`, whose leaf numbers are 1-based; 0-based here).
TEST_F(ReferenceVectorTest, InclusionProofs) {
  struct Vector {
    uint64_t index;
    uint64_t size;
    std::vector<Hash> proof;
  };
  std::vector<Vector> vectors = {
      {0, 1, {}},
      {0,
       8,
       {H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")}},
      {5,
       8,
       {H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
        H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
      {2,
       3,
       {H("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")}},
      {1,
       5,
       {H("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")}},
  };
  std::vector<std::string> data = testing::ReferenceLeafData();
  for (const Vector& v : vectors) {
    SCOPED_TRACE(absl::StrCat("leaf ", v.index, " size ", v.size));
    absl::StatusOr<std::vector<Hash>> proof =
        ProveInclusion(v.size, v.index, store_);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_EQ(*proof, v.proof);
    EXPECT_TRUE(VerifyInclusion(v.size, v.index, HashLeaf(data[v.index]),
                                v.proof, roots_[v.size])
                    .ok());
  }
}

// Consistency proofs from transparency-dev/merkle proof/verify_test.go
// (`consistencyProofs`).
TEST_F(ReferenceVectorTest, ConsistencyProofs) {
  struct Vector {
    uint64_t old_size;
    uint64_t new_size;
    std::vector<Hash> proof;
  };
  std::vector<Vector> vectors = {
      {1, 1, {}},
      {1,
       8,
       {H("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        H("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4")}},
      {6,
       8,
       {H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        H("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
        H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
      {2,
       5,
       {H("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        H("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b")}},
      {6,
       7,
       {H("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        H("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        H("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")}},
  };
  for (const Vector& v : vectors) {
    SCOPED_TRACE(absl::StrCat(v.old_size, " -> ", v.new_size));
    absl::StatusOr<std::vector<Hash>> proof =
        ProveConsistency(v.old_size, v.new_size, store_);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_EQ(*proof, v.proof);
    absl::Status verified =
        VerifyConsistency(v.old_size, v.new_size, roots_[v.old_size],
                          roots_[v.new_size], v.proof);
    EXPECT_TRUE(verified.ok()) << verified;
  }
}

// Every root and proof of trees of 1..300 leaves against the RFC's own
// recursive definitions: all indexes for small trees, random ones (fixed
// seed) plus the edges for larger ones.
TEST(CrossCheckTest, MatchesRfcDefinitions) {
  constexpr uint64_t kMaxSize = 300;
  std::vector<Hash> leaves = LeafHashes(kMaxSize);
  MemoryHashStore store = StoreOf(leaves);
  std::mt19937_64 random(20240611);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    SCOPED_TRACE(absl::StrCat("tree size ", n));
    Hash root = Mth(leaves, 0, n);
    absl::StatusOr<Hash> tree_hash = TreeHash(n, store);
    ASSERT_TRUE(tree_hash.ok()) << tree_hash.status();
    ASSERT_EQ(*tree_hash, root);

    std::vector<uint64_t> picks;
    if (n <= 64) {
      for (uint64_t i = 0; i <= n; ++i) picks.push_back(i);
    } else {
      picks = {0, 1, n / 2, n - 1, n};
      for (uint64_t p = 1; p < n; p *= 2) picks.push_back(p);
      for (int i = 0; i < 8; ++i) picks.push_back(random() % (n + 1));
    }
    for (uint64_t m : picks) {
      if (m < n) {
        absl::StatusOr<std::vector<Hash>> inclusion =
            ProveInclusion(n, m, store);
        ASSERT_TRUE(inclusion.ok()) << inclusion.status();
        ASSERT_EQ(*inclusion, Path(m, leaves, 0, n)) << "leaf " << m;
        ASSERT_EQ(inclusion->size(), InclusionProofSize(n, m));
        absl::Status verified =
            VerifyInclusion(n, m, leaves[m], *inclusion, root);
        ASSERT_TRUE(verified.ok()) << verified;
      }
      absl::StatusOr<std::vector<Hash>> consistency =
          ProveConsistency(m, n, store);
      ASSERT_TRUE(consistency.ok()) << consistency.status();
      std::vector<Hash> expected;
      if (m != 0 && m != n) expected = ConsistencyProofOf(m, leaves, n);
      ASSERT_EQ(*consistency, expected) << "old size " << m;
      ASSERT_EQ(consistency->size(), ConsistencyProofSize(m, n));
      absl::Status verified =
          VerifyConsistency(m, n, Mth(leaves, 0, m), root, *consistency);
      ASSERT_TRUE(verified.ok()) << "old size " << m << ": " << verified;
    }
  }
}

TEST(BatchTest, GroupCommitStoresTheSameHashesAsOneByOne) {
  std::vector<Hash> leaves = LeafHashes(1500);
  MemoryHashStore single = StoreOf(leaves);
  MemoryHashStore batched;
  std::vector<size_t> batch_sizes = {0, 1, 1, 2, 3, 7, 64, 100, 5, 256, 1};
  size_t next = 0;
  size_t round = 0;
  while (next < leaves.size()) {
    size_t size = std::min(batch_sizes[round++ % batch_sizes.size()],
                           leaves.size() - next);
    std::vector<Hash> batch(leaves.begin() + next,
                            leaves.begin() + next + size);
    int reads_before = batched.read_calls();
    uint64_t size_before = batched.size();
    ASSERT_TRUE(batched.AppendBatch(batch).ok());
    // Only the right edge, in one call, and nothing for an empty tree.
    EXPECT_EQ(batched.read_calls() - reads_before, size_before == 0 ? 0 : 1);
    next += size;
  }
  ASSERT_EQ(batched.size(), single.size());
  EXPECT_EQ(batched.hashes(), single.hashes());
}

TEST(TreeTest, OneReadPerOperation) {
  MemoryHashStore store = StoreOf(LeafHashes(1000));
  int before = store.read_calls();
  ASSERT_TRUE(TreeHash(999, store).ok());
  EXPECT_EQ(store.read_calls(), before + 1);
  ASSERT_TRUE(ProveInclusion(999, 500, store).ok());
  EXPECT_EQ(store.read_calls(), before + 2);
  ASSERT_TRUE(ProveConsistency(300, 999, store).ok());
  EXPECT_EQ(store.read_calls(), before + 3);
  // Appending an even-numbered leaf completes nothing: no read.
  ASSERT_TRUE(store.Append(HashLeaf("x")).ok());
  EXPECT_EQ(store.read_calls(), before + 3);
}

TEST(TreeTest, ReaderErrorsPassThroughWithContext) {
  MemoryHashStore store = StoreOf(LeafHashes(5));
  absl::Status status = ProveInclusion(8, 2, store).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(status.message().find("inclusion proof of leaf 2 in tree size 8"),
            absl::string_view::npos)
      << status;
  EXPECT_EQ(TreeHash(6, store).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ProveConsistency(3, 9, store).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(StoredHashesForLeaf(7, HashLeaf("x"), store).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(TreeTest, InvalidArguments) {
  MemoryHashStore store = StoreOf(LeafHashes(5));
  EXPECT_EQ(ProveInclusion(5, 5, store).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ProveInclusion(0, 0, store).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ProveConsistency(5, 4, store).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<Hash> empty = TreeHash(0, store);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, EmptyRoot());
}

// A reader that breaks the contract by returning fewer hashes than asked.
class ShortReader : public HashReader {
 public:
  absl::StatusOr<std::vector<Hash>> ReadHashes(
      const std::vector<uint64_t>& indexes) override {
    return std::vector<Hash>(indexes.empty() ? 0 : indexes.size() - 1);
  }
};

TEST(TreeTest, ReaderReturningTooFewHashesIsAnInternalError) {
  ShortReader reader;
  EXPECT_EQ(TreeHash(3, reader).status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(ProveInclusion(8, 3, reader).status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(StoredHashesForLeaf(3, HashLeaf("x"), reader).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace datarun::merkle
