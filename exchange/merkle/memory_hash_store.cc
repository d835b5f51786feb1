#include "exchange/merkle/memory_hash_store.h"

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "exchange/merkle/tree.h"

namespace datarun::merkle {

absl::Status MemoryHashStore::Append(const Hash& leaf_hash) {
  ASSIGN_OR_RETURN(std::vector<Hash> stored,
                   StoredHashesForLeaf(size_, leaf_hash, *this));
  hashes_.insert(hashes_.end(), stored.begin(), stored.end());
  ++size_;
  return absl::OkStatus();
}

absl::Status MemoryHashStore::AppendBatch(
    const std::vector<Hash>& leaf_hashes) {
  ASSIGN_OR_RETURN(std::vector<Hash> stored,
                   StoredHashesForLeaves(size_, leaf_hashes, *this));
  hashes_.insert(hashes_.end(), stored.begin(), stored.end());
  size_ += leaf_hashes.size();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Hash>> MemoryHashStore::ReadHashes(
    const std::vector<uint64_t>& indexes) {
  ++read_calls_;
  std::vector<Hash> out;
  out.reserve(indexes.size());
  for (uint64_t index : indexes) {
    if (index >= hashes_.size()) {
      return absl::NotFoundError(
          absl::StrCat("stored hash ", index, " does not exist (", size_,
                       " leaves, ", hashes_.size(), " stored hashes)"));
    }
    out.push_back(hashes_[index]);
  }
  return out;
}

}  // namespace datarun::merkle
