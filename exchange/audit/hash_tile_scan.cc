#include "exchange/audit/hash_tile_scan.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/merkle/hash.h"

namespace datarun::audit {
namespace {

constexpr size_t kTileBytes = kHashesPerTile * merkle::kHashSize;

}  // namespace

HashTileScan::HashTileScan(rocksdb::DB* db, std::string path,
                           uint64_t hash_count)
    : db_(db),
      path_(std::move(path)),
      hash_count_(hash_count),
      upper_(kHashTileKeyPrefix) {
  upper_.back() += 1;  // "h0": just past every "h/" key
  upper_slice_ = std::make_unique<rocksdb::Slice>(upper_);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = upper_slice_.get();
  options.fill_cache = false;
  options.readahead_size = 2 << 20;
  options.verify_checksums = false;
  it_.reset(db_->NewIterator(options));
  it_->Seek(
      rocksdb::Slice(kHashTileKeyPrefix.data(), kHashTileKeyPrefix.size()));
}

absl::Status HashTileScan::LoadTile(uint64_t tile) {
  const uint64_t first = tile * kHashesPerTile;
  if (!it_->Valid()) {
    RETURN_IF_ERROR(
        FromRocksStatus(it_->status(), absl::StrCat("read audit log ", path_)));
    return absl::DataLossError(absl::StrCat("audit log ", path_, ": hash ",
                                            HashName(first), " is missing"));
  }
  absl::string_view key(it_->key().data(), it_->key().size());
  absl::optional<uint64_t> stored = ParseHashTileKey(key);
  if (!stored.has_value() || *stored < tile) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", path_, ": malformed hash tile key ", PrintableKey(key)));
  }
  if (*stored > tile) {
    return absl::DataLossError(absl::StrCat("audit log ", path_, ": hash ",
                                            HashName(first), " is missing"));
  }
  bytes_.assign(it_->value().data(), it_->value().size());
  it_->Next();
  tile_ = tile;
  const size_t expected = HashTileSize(tile, hash_count_);
  if (bytes_.size() % merkle::kHashSize != 0 || bytes_.size() > kTileBytes) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", path_, ": hash tile ", PrintableKey(key), " holds ",
        bytes_.size(), " bytes, not a whole number of hashes up to ",
        kHashesPerTile));
  }
  if (bytes_.size() > expected) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", path_, ": hash tile ", PrintableKey(key), " holds ",
        bytes_.size() / merkle::kHashSize, " hashes, beyond the ", hash_count_,
        " stored hashes of the tree"));
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::string_view> HashTileScan::Next(uint64_t index) {
  const uint64_t tile = HashTileOf(index);
  if (tile != tile_) RETURN_IF_ERROR(LoadTile(tile));
  const size_t offset = HashOffsetInTile(index);
  if (offset + merkle::kHashSize > bytes_.size()) {
    return absl::DataLossError(absl::StrCat("audit log ", path_, ": hash ",
                                            HashName(index), " is missing"));
  }
  return absl::string_view(bytes_).substr(offset, merkle::kHashSize);
}

absl::Status HashTileScan::CheckEnd() {
  if (it_->Valid()) {
    absl::string_view key(it_->key().data(), it_->key().size());
    return absl::DataLossError(absl::StrCat(
        "audit log ", path_, ": hash tile ", PrintableKey(key),
        " is beyond the ", hash_count_, " stored hashes of the tree"));
  }
  return FromRocksStatus(it_->status(), absl::StrCat("read audit log ", path_));
}

}  // namespace datarun::audit
