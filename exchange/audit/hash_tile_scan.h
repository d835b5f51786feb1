// The offline verifier's sequential read of the stored Merkle hashes: every
// hash tile ("h/<tile>", audit_store_keys.h) in order, checking that the
// tiles hold exactly the stored hashes of a tree of a given size.
#ifndef DATARUN_EXCHANGE_AUDIT_HASH_TILE_SCAN_H_
#define DATARUN_EXCHANGE_AUDIT_HASH_TILE_SCAN_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"

namespace datarun::audit {

// Not thread-safe. Reads with checksums off and without filling the block
// cache: the verifier hashes everything it reads anyway.
class HashTileScan {
 public:
  // Scans the tiles of `db` (not owned) for a tree with `hash_count` stored
  // hashes; `path` names the log in messages.
  HashTileScan(rocksdb::DB* db, std::string path, uint64_t hash_count);
  HashTileScan(const HashTileScan&) = delete;
  HashTileScan& operator=(const HashTileScan&) = delete;

  // Returns the 32 bytes of stored hash `index`; call with 0, 1, 2, ...
  // (below hash_count) in turn. The view lives until the next call.
  // DATA_LOSS "hash h/(level L, P) is missing" when its tile is absent or
  // too short, or naming a tile that is malformed or holds more hashes
  // than the tree; INTERNAL when RocksDB fails.
  absl::StatusOr<absl::string_view> Next(uint64_t index);

  // After the last hash: DATA_LOSS when a tile beyond the tree is stored.
  absl::Status CheckEnd();

 private:
  absl::Status LoadTile(uint64_t tile);

  rocksdb::DB* const db_;
  const std::string path_;
  const uint64_t hash_count_;
  std::string upper_;
  std::unique_ptr<rocksdb::Slice> upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  uint64_t tile_ = ~uint64_t{0};  // loaded tile
  std::string bytes_;             // its value
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_HASH_TILE_SCAN_H_
