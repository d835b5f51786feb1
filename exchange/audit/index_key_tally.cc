#include "exchange/audit/index_key_tally.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "rocksdb/iterator.h"

namespace datarun::audit {
namespace {

// Appends `value` as 8 bytes big-endian.
void AppendUint64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>(value >> shift));
  }
}

// SipHash of len(key) || key || value, with `buffer` as scratch.
uint64_t Fingerprint(const SipHashKey& sip_key, absl::string_view key,
                     absl::string_view value, std::string* buffer) {
  buffer->clear();
  AppendUint64(key.size(), buffer);
  buffer->append(key.data(), key.size());
  buffer->append(value.data(), value.size());
  return SipHash24(sip_key, *buffer);
}

// The entry index of a well-formed index key ("x/" kind "/" value "/"
// 8-byte index with a non-empty value and a known kind); nullopt otherwise.
// Allocation-free version of ParseIndexKey for the scan.
absl::optional<uint64_t> IndexOfIndexKey(absl::string_view key) {
  if (key.size() < 14 || key[0] != 'x' || key[1] != '/' || key[3] != '/' ||
      key[key.size() - 9] != '/') {
    return absl::nullopt;
  }
  bool known = false;
  for (IndexKind kind : kIndexKinds) known |= key[2] == static_cast<char>(kind);
  if (!known) return absl::nullopt;
  return DecodeUint64(key.substr(key.size() - 8));
}

absl::Status Lost(const std::string& path, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat("audit log ", path, ": ", problem));
}

std::string TimeValue(const v1::AuditEntry& entry) {
  return EncodeUint64(static_cast<uint64_t>(entry.time_micros()));
}

// Names the offending key of entry `index`, whose sums disagree.
absl::Status Explain(rocksdb::DB* db, const std::string& path, uint64_t index) {
  std::string bytes;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), EntryKey(index), &bytes);
  RETURN_IF_ERROR(
      FromRocksStatus(s, absl::StrCat("audit log ", path, ": entry ", index)));
  v1::AuditEntry entry;
  if (!entry.ParseFromString(bytes)) {
    return Lost(path, absl::StrCat("entry ", index, " cannot be parsed"));
  }
  std::vector<std::string> expected;
  for (const std::string& prefix : IndexKeyPrefixes(entry)) {
    expected.push_back(prefix + EncodeUint64(index));
  }
  for (const std::string& key : expected) {
    std::string value;
    s = db->Get(rocksdb::ReadOptions(), key, &value);
    if (s.IsNotFound()) {
      return Lost(path, absl::StrCat("index key ", PrintableKey(key),
                                     " of entry ", index, " is missing"));
    }
    RETURN_IF_ERROR(FromRocksStatus(s, absl::StrCat("audit log ", path)));
    if (value != TimeValue(entry)) {
      return Lost(path, absl::StrCat("index key ", PrintableKey(key),
                                     " holds another time than entry ", index));
    }
  }
  // Every expected key is there: some other key names this entry.
  std::string upper(kIndexKeyPrefix);
  upper.back() += 1;
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options));
  for (it->Seek(std::string(kIndexKeyPrefix)); it->Valid(); it->Next()) {
    std::string key = it->key().ToString();
    absl::optional<IndexKeyParts> parts = ParseIndexKey(key);
    if (!parts.has_value() || parts->index != index) continue;
    bool known = false;
    for (const std::string& e : expected) known = known || e == key;
    if (!known) {
      return Lost(path,
                  absl::StrCat("index key ", PrintableKey(key), " names entry ",
                               index, " but does not match it"));
    }
  }
  RETURN_IF_ERROR(
      FromRocksStatus(it->status(), absl::StrCat("audit log ", path)));
  return Lost(path, absl::StrCat("the index keys of entry ", index,
                                 " do not match the entry"));
}

}  // namespace

IndexKeyTally::IndexKeyTally(uint64_t size)
    : key_(RandomSipHashKey()), expected_(size), stored_(size) {}

void IndexKeyTally::AddEntry(uint64_t index, const v1::AuditEntry& entry) {
  // The expected key "x/<kind>/<value>/<index>" and value <time>, built in
  // place: len(key) || key || value.
  uint64_t sum = 0;
  for (IndexKind kind : kIndexKinds) {
    const std::string& value = IndexedValue(entry, kind);
    if (value.empty()) continue;
    buffer_.clear();
    AppendUint64(kIndexKeyPrefix.size() + 3 + value.size() + 8, &buffer_);
    buffer_.append(kIndexKeyPrefix.data(), kIndexKeyPrefix.size());
    buffer_.push_back(static_cast<char>(kind));
    buffer_.push_back('/');
    buffer_.append(value);
    buffer_.push_back('/');
    AppendUint64(index, &buffer_);
    AppendUint64(static_cast<uint64_t>(entry.time_micros()), &buffer_);
    sum += SipHash24(key_, buffer_);
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
    absl::optional<uint64_t> index = IndexOfIndexKey(key);
    if (!index.has_value()) {
      return Lost(
          path, absl::StrCat("index key ", PrintableKey(key), " is malformed"));
    }
    if (*index >= stored_.size()) {
      return Lost(
          path,
          absl::StrCat("index key ", PrintableKey(key), " names entry ", *index,
                       ", beyond the log's ", stored_.size(), " entries"));
    }
    stored_[*index] += Fingerprint(
        key_, key, absl::string_view(it->value().data(), it->value().size()),
        &buffer);
    ++stored_keys_;
  }
  return FromRocksStatus(
      it->status(), absl::StrCat("read the index keys of audit log ", path));
}

absl::Status IndexKeyTally::Compare(rocksdb::DB* db,
                                    const std::string& path) const {
  for (uint64_t index = 0; index < expected_.size(); ++index) {
    if (expected_[index] != stored_[index]) return Explain(db, path, index);
  }
  return absl::OkStatus();
}

}  // namespace datarun::audit
