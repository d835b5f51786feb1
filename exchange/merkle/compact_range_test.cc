#include "exchange/merkle/compact_range.h"

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

TEST(CompactRangeTest, ReferenceRoots) {
  std::vector<Hash> roots = testing::ReferenceRoots();
  CompactRange range;
  EXPECT_EQ(range.Root(), roots[0]);
  for (const std::string& data : testing::ReferenceLeafData()) {
    range.Append(HashLeaf(data));
    EXPECT_EQ(HashToHex(range.Root()), HashToHex(roots[range.size()]))
        << "size " << range.size();
  }
}

TEST(CompactRangeTest, RootsAndStoredHashesMatchTheTree) {
  std::vector<Hash> leaves;
  MemoryHashStore store;
  CompactRange range;
  for (uint64_t i = 0; i < 300; ++i) {
    leaves.push_back(HashLeaf(absl::StrCat("leaf ", i)));
    absl::StatusOr<std::vector<Hash>> expected =
        StoredHashesForLeaf(i, leaves.back(), store);
    ASSERT_TRUE(expected.ok()) << expected.status();
    std::vector<Hash> stored;
    range.Append(leaves.back(), &stored);
    ASSERT_EQ(stored, *expected) << "leaf " << i;
    ASSERT_TRUE(store.Append(leaves.back()).ok());
    ASSERT_EQ(range.size(), i + 1);
    ASSERT_EQ(range.Root(), Mth(leaves, 0, i + 1)) << "size " << i + 1;
    ASSERT_EQ(range.frontier().size(),
              static_cast<size_t>(__builtin_popcountll(i + 1)));
  }
}

TEST(CompactRangeTest, FrontierIndexes) {
  EXPECT_TRUE(CompactRange::FrontierIndexes(0).empty());
  // 6 leaves = subtree [0,4) at level 2 and [4,6) at level 1.
  EXPECT_EQ(
      CompactRange::FrontierIndexes(6),
      (std::vector<uint64_t>{StoredHashIndex(2, 0), StoredHashIndex(1, 2)}));
  EXPECT_EQ(CompactRange::FrontierIndexes(8),
            (std::vector<uint64_t>{StoredHashIndex(3, 0)}));
}

TEST(CompactRangeTest, RestoredFromStorageContinuesIdentically) {
  MemoryHashStore store;
  for (int i = 0; i < 77; ++i) {
    ASSERT_TRUE(store.Append(HashLeaf(absl::StrCat(i))).ok());
  }
  absl::StatusOr<CompactRange> restored = CompactRange::FromStorage(77, store);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->Root(), *TreeHash(77, store));
  for (int i = 77; i < 200; ++i) {
    Hash leaf = HashLeaf(absl::StrCat(i));
    std::vector<Hash> stored;
    restored->Append(leaf, &stored);
    ASSERT_EQ(stored, *StoredHashesForLeaf(i, leaf, store)) << i;
    ASSERT_TRUE(store.Append(leaf).ok());
  }
  EXPECT_EQ(restored->Root(), *TreeHash(200, store));
}

TEST(CompactRangeTest, FromFrontierRoundTripAndErrors) {
  CompactRange range;
  for (int i = 0; i < 13; ++i) range.Append(HashLeaf(absl::StrCat(i)));
  absl::StatusOr<CompactRange> copy =
      CompactRange::FromFrontier(13, range.frontier());
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(copy->Root(), range.Root());
  absl::Status status =
      CompactRange::FromFrontier(12, range.frontier()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("has 2 hashes, got 3"),
            absl::string_view::npos)
      << status;
  EXPECT_EQ(CompactRange::FromFrontier(uint64_t{1} << 62, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompactRangeTest, FromStoragePassesReaderErrors) {
  MemoryHashStore store;
  ASSERT_TRUE(store.Append(HashLeaf("only")).ok());
  absl::Status status = CompactRange::FromStorage(3, store).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(status.message().find("right edge of tree size 3"),
            absl::string_view::npos)
      << status;
}

}  // namespace
}  // namespace datarun::merkle
