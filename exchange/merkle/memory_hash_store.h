// An in-memory stored-hash table: the reference implementation of the
// storage contract in tree.h, for tests and tools (a RocksDB store does the
// same with one key per index).
#ifndef DATARUN_EXCHANGE_MERKLE_MEMORY_HASH_STORE_H_
#define DATARUN_EXCHANGE_MERKLE_MEMORY_HASH_STORE_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "exchange/merkle/hash.h"
#include "exchange/merkle/hash_reader.h"

namespace datarun::merkle {

// Not thread-safe.
class MemoryHashStore : public HashReader {
 public:
  MemoryHashStore() = default;

  // Appends one leaf: stores the hashes StoredHashesForLeaf returns. Fails
  // only if this store's own reads fail (which would be a bug).
  absl::Status Append(const Hash& leaf_hash);

  // Appends many leaves with StoredHashesForLeaves (one group commit).
  absl::Status AppendBatch(const std::vector<Hash>& leaf_hashes);

  // Returns the number of leaves.
  uint64_t size() const { return size_; }

  // Returns every stored hash, by index; tests may alter entries to
  // simulate tampering.
  std::vector<Hash>& hashes() { return hashes_; }

  // Returns the hashes at `indexes`; NOT_FOUND naming the first index that
  // is not stored.
  absl::StatusOr<std::vector<Hash>> ReadHashes(
      const std::vector<uint64_t>& indexes) override;

  // Returns how many ReadHashes calls were made (to test batching).
  int read_calls() const { return read_calls_; }

 private:
  uint64_t size_ = 0;
  std::vector<Hash> hashes_;
  int read_calls_ = 0;
};

}  // namespace datarun::merkle

#endif  // DATARUN_EXCHANGE_MERKLE_MEMORY_HASH_STORE_H_
