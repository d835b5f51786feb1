#include "exchange/audit/log_reader.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "rocksdb/iterator.h"

namespace datarun::audit {

LogReader::LogReader(rocksdb::DB* db, std::string path,
                     checkpoint::NoteVerifier verifier)
    : db_(db), path_(std::move(path)), verifier_(std::move(verifier)) {}

absl::StatusOr<std::vector<merkle::Hash>> LogReader::ReadHashes(
    const std::vector<uint64_t>& indexes) {
  if (indexes.empty()) return std::vector<merkle::Hash>();
  std::vector<uint64_t> tiles;
  tiles.reserve(indexes.size());
  for (uint64_t index : indexes) tiles.push_back(HashTileOf(index));
  std::sort(tiles.begin(), tiles.end());
  tiles.erase(std::unique(tiles.begin(), tiles.end()), tiles.end());
  std::vector<std::string> keys;
  keys.reserve(tiles.size());
  for (uint64_t tile : tiles) keys.push_back(HashTileKey(tile));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
                slices.size(), slices.data(), values.data(), statuses.data(),
                /*sorted_input=*/true);
  for (size_t i = 0; i < tiles.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;  // named below, per hash
    RETURN_IF_ERROR(FromRocksStatus(
        statuses[i], absl::StrCat("audit log ", path_, ": read hash tile ",
                                  PrintableKey(keys[i]))));
    if (values[i].size() % merkle::kHashSize != 0 ||
        values[i].size() > kHashesPerTile * merkle::kHashSize) {
      return absl::DataLossError(absl::StrCat(
          "audit log ", path_, ": hash tile ", PrintableKey(keys[i]), " holds ",
          values[i].size(), " bytes, not a whole number of hashes up to ",
          kHashesPerTile));
    }
  }
  std::vector<merkle::Hash> hashes(indexes.size());
  for (size_t i = 0; i < indexes.size(); ++i) {
    const size_t t =
        std::lower_bound(tiles.begin(), tiles.end(), HashTileOf(indexes[i])) -
        tiles.begin();
    const size_t offset = HashOffsetInTile(indexes[i]);
    if (statuses[t].IsNotFound() ||
        values[t].size() < offset + merkle::kHashSize) {
      return absl::NotFoundError(absl::StrCat("audit log ", path_, ": hash ",
                                              HashName(indexes[i]),
                                              " is not stored"));
    }
    std::memcpy(hashes[i].data(), values[t].data() + offset, merkle::kHashSize);
  }
  return hashes;
}

absl::StatusOr<std::vector<v1::AuditEntry>> LogReader::ReadEntries(
    uint64_t begin, uint64_t end) const {
  std::vector<v1::AuditEntry> entries;
  if (begin >= end) return entries;
  entries.reserve(end - begin);
  std::string upper = EntryKey(end);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  uint64_t expected = begin;
  for (it->Seek(EntryKey(begin)); it->Valid() && expected < end; it->Next()) {
    absl::optional<uint64_t> index =
        ParseEntryKey(absl::string_view(it->key().data(), it->key().size()));
    if (!index.has_value() || *index != expected) break;
    v1::AuditEntry entry;
    if (!entry.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("audit log ", path_, ": entry ",
                                              expected, " cannot be parsed"));
    }
    entries.push_back(std::move(entry));
    ++expected;
  }
  RETURN_IF_ERROR(
      FromRocksStatus(it->status(), absl::StrCat("read audit log ", path_)));
  if (expected != end) {
    return absl::DataLossError(
        absl::StrCat("audit log ", path_, ": entry ", expected, " is missing"));
  }
  return entries;
}

absl::StatusOr<v1::AuditEntry> LogReader::ReadEntry(uint64_t index) const {
  ASSIGN_OR_RETURN(std::vector<v1::AuditEntry> entries,
                   ReadEntries(index, index + 1));
  return std::move(entries[0]);
}

absl::StatusOr<std::vector<v1::AuditEntry>> LogReader::ReadEntriesAt(
    const std::vector<uint64_t>& indexes) const {
  std::vector<std::string> keys;
  keys.reserve(indexes.size());
  for (uint64_t index : indexes) keys.push_back(EntryKey(index));
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), db_->DefaultColumnFamily(),
                slices.size(), slices.data(), values.data(), statuses.data());
  std::vector<v1::AuditEntry> entries(indexes.size());
  for (size_t i = 0; i < indexes.size(); ++i) {
    if (statuses[i].IsNotFound()) {
      return absl::DataLossError(absl::StrCat("audit log ", path_, ": entry ",
                                              indexes[i], " is missing"));
    }
    RETURN_IF_ERROR(FromRocksStatus(
        statuses[i],
        absl::StrCat("audit log ", path_, ": read entry ", indexes[i])));
    if (!entries[i].ParseFromArray(values[i].data(),
                                   static_cast<int>(values[i].size()))) {
      return absl::DataLossError(absl::StrCat("audit log ", path_, ": entry ",
                                              indexes[i], " cannot be parsed"));
    }
  }
  return entries;
}

absl::StatusOr<std::vector<SignedCheckpoint>> LogReader::ReadCheckpoints(
    uint64_t min_size, int limit) const {
  std::vector<SignedCheckpoint> out;
  std::string upper(kCheckpointKeyPrefix);
  upper.back() += 1;  // "c0": just past every "c/" key
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read_options));
  for (it->Seek(CheckpointKey(min_size));
       it->Valid() && static_cast<int>(out.size()) < limit; it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    absl::optional<uint64_t> size = ParseCheckpointKey(key);
    if (!size.has_value()) {
      return absl::DataLossError(absl::StrCat("audit log ", path_,
                                              ": malformed checkpoint key ",
                                              PrintableKey(key)));
    }
    std::string what =
        absl::StrCat("audit log ", path_, ": checkpoint at size ", *size);
    ASSIGN_OR_RETURN(
        SignedCheckpoint signed_checkpoint,
        DecodeStoredCheckpoint(
            absl::string_view(it->value().data(), it->value().size()),
            verifier_, what));
    if (signed_checkpoint.checkpoint.size != *size) {
      return absl::DataLossError(
          absl::StrCat(what, ": the signed note says size ",
                       signed_checkpoint.checkpoint.size));
    }
    out.push_back(std::move(signed_checkpoint));
  }
  RETURN_IF_ERROR(FromRocksStatus(
      it->status(), absl::StrCat("read checkpoints of audit log ", path_)));
  return out;
}

absl::StatusOr<SignedCheckpoint> LogReader::ReadLatestCheckpoint() const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(),
                               std::string(kLatestCheckpointKey), &value);
  if (s.IsNotFound()) {
    return absl::DataLossError(
        absl::StrCat("audit log ", path_, ": the latest checkpoint (",
                     kLatestCheckpointKey, ") is missing"));
  }
  RETURN_IF_ERROR(FromRocksStatus(
      s, absl::StrCat("read the latest checkpoint of audit log ", path_)));
  return DecodeStoredCheckpoint(
      value, verifier_,
      absl::StrCat("audit log ", path_, ": latest checkpoint"));
}

}  // namespace datarun::audit
