#include "exchange/audit/hash_tile_writer.h"

#include <utility>

#include "exchange/audit/audit_store_keys.h"

namespace datarun::audit {

HashTileWriter::HashTileWriter(uint64_t hash_count, std::string tail)
    : hash_count_(hash_count), tile_(std::move(tail)) {
  tile_.reserve(kHashesPerTile * merkle::kHashSize);
}

void HashTileWriter::Add(const merkle::Hash& hash, rocksdb::WriteBatch* batch) {
  tile_.append(reinterpret_cast<const char*>(hash.data()), hash.size());
  ++hash_count_;
  dirty_ = true;
  if (hash_count_ % kHashesPerTile == 0) {
    batch->Put(HashTileKey(HashTileOf(hash_count_ - 1)), tile_);
    tile_.clear();
    dirty_ = false;
  }
}

void HashTileWriter::Finish(rocksdb::WriteBatch* batch) {
  if (!dirty_) return;
  batch->Put(HashTileKey(HashTileOf(hash_count_)), tile_);
  dirty_ = false;
}

}  // namespace datarun::audit
