#include "exchange/audit/index_key_tally.h"

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/index_block.h"
#include "rocksdb/iterator.h"

namespace datarun::audit {
namespace {

// Appends `value` as 8 bytes big-endian.
void AppendUint64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>(value >> shift));
  }
}

// SipHash of len(value) || kind || value || index || time, with `buffer`
// as scratch: one posting, whichever block holds it.
uint64_t Fingerprint(const SipHashKey& sip_key, char kind,
                     absl::string_view value, uint64_t index,
                     int64_t time_micros, std::string* buffer) {
  buffer->clear();
  AppendUint64(value.size(), buffer);
  buffer->push_back(kind);
  buffer->append(value.data(), value.size());
  AppendUint64(index, buffer);
  AppendUint64(static_cast<uint64_t>(time_micros), buffer);
  return SipHash24(sip_key, *buffer);
}

// Kind, value and last index of a well-formed index block key ("x/" kind
// "/" value "/" 8-byte index, non-empty value, known kind); false
// otherwise. Allocation-free version of ParseIndexKey for the scan.
bool SplitIndexKey(absl::string_view key, char* kind, absl::string_view* value,
                   uint64_t* last) {
  if (key.size() < 14 || key[0] != 'x' || key[1] != '/' || key[3] != '/' ||
      key[key.size() - 9] != '/') {
    return false;
  }
  bool known = false;
  for (IndexKind k : kIndexKinds) known |= key[2] == static_cast<char>(k);
  if (!known) return false;
  *kind = key[2];
  *value = key.substr(4, key.size() - 13);
  *last = *DecodeUint64(key.substr(key.size() - 8));
  return true;
}

absl::Status Lost(const std::string& path, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat("audit log ", path, ": ", problem));
}

absl::Status Malformed(const std::string& path, absl::string_view key) {
  return Lost(path,
              absl::StrCat("index block ", PrintableKey(key), " is malformed"));
}

// The postings naming entry `index` in the index of (kind, value): how
// many, and the time of the last one.
struct Found {
  int count = 0;
  int64_t time_micros = 0;
};

// Reads the blocks of (kind, value) that may hold entry `index`.
absl::StatusOr<Found> FindPostings(rocksdb::DB* db, const std::string& path,
                                   IndexKind kind, absl::string_view value,
                                   uint64_t index) {
  const std::string prefix = IndexKeyPrefix(kind, value);
  std::string upper = prefix;
  upper.back() += 1;
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options));
  Found found;
  // Any block may have been forged to name the entry: read them all from
  // the first one that can hold it.
  for (it->Seek(absl::StrCat(prefix, EncodeUint64(index))); it->Valid();
       it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    if (key.size() != prefix.size() + 8) continue;
    IndexBlockReader block(
        *DecodeUint64(key.substr(prefix.size())),
        absl::string_view(it->value().data(), it->value().size()));
    Posting posting;
    while (block.Next(&posting)) {
      if (posting.index != index) continue;
      ++found.count;
      found.time_micros = posting.time_micros;
    }
    if (!block.ok()) return Malformed(path, key);
  }
  RETURN_IF_ERROR(
      FromRocksStatus(it->status(), absl::StrCat("audit log ", path)));
  return found;
}

// Names the offending posting of entry `index`, whose sums disagree.
absl::Status Explain(rocksdb::DB* db, const std::string& path, uint64_t index,
                     uint64_t indexed) {
  std::string bytes;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), EntryKey(index), &bytes);
  RETURN_IF_ERROR(
      FromRocksStatus(s, absl::StrCat("audit log ", path, ": entry ", index)));
  v1::AuditEntry entry;
  if (!entry.ParseFromString(bytes)) {
    return Lost(path, absl::StrCat("entry ", index, " cannot be parsed"));
  }
  for (IndexKind kind : kIndexKinds) {
    const std::string& value = IndexedValue(entry, kind);
    if (value.empty()) continue;
    ASSIGN_OR_RETURN(Found found, FindPostings(db, path, kind, value, index));
    const std::string name = IndexName(kind, value);
    if (index >= indexed) {
      if (found.count == 0) continue;
      return Lost(path, absl::StrCat("index ", name, " lists entry ", index,
                                     ", at or above the index watermark ",
                                     indexed, " (", kIndexedKey, ")"));
    }
    if (found.count == 0) {
      return Lost(path,
                  absl::StrCat("index ", name, " is missing entry ", index));
    }
    if (found.count > 1) {
      return Lost(path, absl::StrCat("index ", name, " lists entry ", index,
                                     " more than once"));
    }
    if (found.time_micros != entry.time_micros()) {
      return Lost(path, absl::StrCat("index ", name,
                                     " holds another time for entry ", index));
    }
  }
  // Every expected posting is there, once: another index names this entry.
  std::string upper(kIndexKeyPrefix);
  upper.back() += 1;
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options));
  for (it->Seek(std::string(kIndexKeyPrefix)); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    char kind = 0;
    absl::string_view value;
    uint64_t last = 0;
    if (!SplitIndexKey(key, &kind, &value, &last) || last < index) continue;
    if (IndexedValue(entry, static_cast<IndexKind>(kind)) == value) continue;
    IndexBlockReader block(
        last, absl::string_view(it->value().data(), it->value().size()));
    Posting posting;
    while (block.Next(&posting)) {
      if (posting.index == index) {
        return Lost(
            path, absl::StrCat(
                      "index ", IndexName(static_cast<IndexKind>(kind), value),
                      " lists entry ", index, ", which does not match it"));
      }
    }
  }
  RETURN_IF_ERROR(
      FromRocksStatus(it->status(), absl::StrCat("audit log ", path)));
  return Lost(path, absl::StrCat("the index postings of entry ", index,
                                 " do not match the entry"));
}

}  // namespace

IndexKeyTally::IndexKeyTally(uint64_t size, uint64_t indexed)
    : key_(RandomSipHashKey()),
      indexed_(indexed),
      expected_(size),
      stored_(size) {}

void IndexKeyTally::AddEntry(uint64_t index, const v1::AuditEntry& entry) {
  uint64_t sum = 0;
  for (IndexKind kind : kIndexKinds) {
    const std::string& value = IndexedValue(entry, kind);
    if (value.empty() || index >= indexed_) continue;
    sum += Fingerprint(key_, static_cast<char>(kind), value, index,
                       entry.time_micros(), &buffer_);
  }
  expected_[index] = sum;
}

absl::Status IndexKeyTally::ScanStored(rocksdb::DB* db,
                                       const std::string& path) {
  std::string upper(kIndexKeyPrefix);
  upper.back() += 1;  // "x0": just past every "x/" key
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  options.fill_cache = false;
  options.readahead_size = 2 << 20;
  // Every block is hashed by the verifier anyway: RocksDB's own block
  // checksums would only repeat that work.
  options.verify_checksums = false;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options));
  std::string buffer;
  for (it->Seek(std::string(kIndexKeyPrefix)); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    char kind = 0;
    absl::string_view value;
    uint64_t last = 0;
    if (!SplitIndexKey(key, &kind, &value, &last)) {
      return Lost(
          path, absl::StrCat("index key ", PrintableKey(key), " is malformed"));
    }
    IndexBlockReader block(
        last, absl::string_view(it->value().data(), it->value().size()));
    Posting posting;
    while (block.Next(&posting)) {
      if (posting.index >= stored_.size()) {
        return Lost(path, absl::StrCat("index block ", PrintableKey(key),
                                       " names entry ", posting.index,
                                       ", beyond the log's ", stored_.size(),
                                       " entries"));
      }
      stored_[posting.index] += Fingerprint(key_, kind, value, posting.index,
                                            posting.time_micros, &buffer);
      ++stored_postings_;
    }
    if (!block.ok()) return Malformed(path, key);
  }
  return FromRocksStatus(
      it->status(), absl::StrCat("read the index blocks of audit log ", path));
}

absl::Status IndexKeyTally::Compare(rocksdb::DB* db,
                                    const std::string& path) const {
  for (uint64_t index = 0; index < expected_.size(); ++index) {
    if (expected_[index] != stored_[index]) {
      return Explain(db, path, index, indexed_);
    }
  }
  return absl::OkStatus();
}

}  // namespace datarun::audit
