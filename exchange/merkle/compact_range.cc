#include "exchange/merkle/compact_range.h"

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "exchange/merkle/tree.h"
#include "exchange/merkle/tree_math.h"

namespace datarun::merkle {
namespace {

// Largest tree any function here accepts (indexes stay below 2^63).
constexpr uint64_t kMaxLeaves = uint64_t{1} << 62;

}  // namespace

CompactRange::CompactRange() { frontier_.reserve(64); }

std::vector<uint64_t> CompactRange::FrontierIndexes(uint64_t size) {
  std::vector<uint64_t> indexes;
  indexes.reserve(PopCount(size));
  uint64_t lo = 0;
  for (int level = 63; level >= 0; --level) {
    if ((size >> level & 1) == 0) continue;
    indexes.push_back(StoredHashIndex(level, lo >> level));
    lo += uint64_t{1} << level;
  }
  return indexes;
}

absl::StatusOr<CompactRange> CompactRange::FromStorage(uint64_t size,
                                                       HashReader& reader) {
  std::vector<uint64_t> indexes = FrontierIndexes(size);
  std::vector<Hash> hashes;
  if (!indexes.empty()) {
    absl::StatusOr<std::vector<Hash>> read = reader.ReadHashes(indexes);
    if (!read.ok()) {
      return absl::Status(read.status().code(),
                          absl::StrCat("right edge of tree size ", size, ": ",
                                       read.status().message()));
    }
    if (read->size() != indexes.size()) {
      return absl::InternalError(absl::StrCat(
          "right edge of tree size ", size, ": HashReader returned ",
          read->size(), " hashes for ", indexes.size(), " indexes"));
    }
    hashes = *std::move(read);
  }
  return FromFrontier(size, std::move(hashes));
}

absl::StatusOr<CompactRange> CompactRange::FromFrontier(
    uint64_t size, std::vector<Hash> frontier) {
  if (size >= kMaxLeaves) {
    return absl::InvalidArgumentError(
        absl::StrCat("tree size ", size, " is not below 2^62"));
  }
  if (frontier.size() != static_cast<size_t>(PopCount(size))) {
    return absl::InvalidArgumentError(
        absl::StrCat("the right edge of a tree of size ", size, " has ",
                     PopCount(size), " hashes, got ", frontier.size()));
  }
  CompactRange range;
  range.size_ = size;
  range.frontier_ = std::move(frontier);
  range.frontier_.reserve(64);
  return range;
}

void CompactRange::Append(const Hash& leaf_hash, std::vector<Hash>* stored) {
  if (size_ + 1 >= kMaxLeaves) {
    std::fprintf(stderr, "datarun merkle: tree would reach 2^62 leaves\n");
    std::abort();
  }
  frontier_.push_back(leaf_hash);
  if (stored != nullptr) stored->push_back(leaf_hash);
  // Each trailing 1 bit of the new leaf's index completes a perfect subtree:
  // merge the two smallest frontier entries, lowest level first.
  for (uint64_t n = size_; (n & 1) != 0; n >>= 1) {
    Hash merged =
        HashChildren(frontier_[frontier_.size() - 2], frontier_.back());
    frontier_.pop_back();
    frontier_.back() = merged;
    if (stored != nullptr) stored->push_back(merged);
  }
  ++size_;
}

Hash CompactRange::Root() const {
  if (frontier_.empty()) return EmptyRoot();
  Hash h = frontier_.back();
  for (size_t i = frontier_.size() - 1; i > 0; --i) {
    h = HashChildren(frontier_[i - 1], h);
  }
  return h;
}

}  // namespace datarun::merkle
