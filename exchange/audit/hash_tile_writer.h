// Packs the stored Merkle hashes the writer produces into hash tiles
// ("h/<tile>", audit_store_keys.h): a full tile is written once, and the
// last, partial tile is rewritten (grown) in every batch that adds to it.
#ifndef DATARUN_EXCHANGE_AUDIT_HASH_TILE_WRITER_H_
#define DATARUN_EXCHANGE_AUDIT_HASH_TILE_WRITER_H_

#include <cstdint>
#include <string>

#include "exchange/merkle/hash.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {

// Not thread-safe: owned by one writer.
class HashTileWriter {
 public:
  // For a log that stores `hash_count` hashes, whose last tile holds `tail`
  // (HashTileSize(HashTileOf(hash_count), hash_count) bytes: empty when the
  // last tile is full).
  HashTileWriter(uint64_t hash_count, std::string tail);

  // Appends stored hash number hash_count(); puts its tile into `batch`
  // when this completes it.
  void Add(const merkle::Hash& hash, rocksdb::WriteBatch* batch);

  // Puts the partial last tile into `batch` if Add changed it since the
  // last call.
  void Finish(rocksdb::WriteBatch* batch);

  // Returns the number of stored hashes added so far (including those the
  // log held at construction).
  uint64_t hash_count() const { return hash_count_; }

 private:
  uint64_t hash_count_;
  std::string tile_;  // hashes of the current, not yet full tile
  bool dirty_ = false;
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_HASH_TILE_WRITER_H_
