// The one thing the Merkle functions need from storage: read stored hashes by
// their dense index (see the layout in exchange/merkle/tree.h).
#ifndef DATARUN_EXCHANGE_MERKLE_HASH_READER_H_
#define DATARUN_EXCHANGE_MERKLE_HASH_READER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "exchange/merkle/hash.h"

namespace datarun::merkle {

// Implemented by storage (RocksDB in the audit log, memory in tests). The
// tree functions call ReadHashes at most once per operation, so an
// implementation can batch the lookups (e.g. RocksDB MultiGet).
class HashReader {
 public:
  virtual ~HashReader() = default;

  // Returns the stored hashes at `indexes`, in the same order and exactly as
  // many as asked for. Indexes are usually, but not necessarily, increasing.
  // Must return an error (NOT_FOUND is expected: the tree is smaller than
  // the caller believes) rather than any made-up hash for an index that is
  // not stored; the tree functions pass errors through, prefixed with what
  // they were computing. Thread-safety is up to the implementation; the tree
  // functions call it only from the calling thread.
  virtual absl::StatusOr<std::vector<Hash>> ReadHashes(
      const std::vector<uint64_t>& indexes) = 0;
};

}  // namespace datarun::merkle

#endif  // DATARUN_EXCHANGE_MERKLE_HASH_READER_H_
