#include "exchange/audit/log_search.h"

#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "rocksdb/iterator.h"

namespace datarun::audit {
namespace {

// AuditEntry.time_micros in [from, to); an infinite bound is no bound.
class TimeRange {
 public:
  TimeRange(absl::Time from, absl::Time to)
      : has_from_(from != absl::InfinitePast()),
        has_to_(to != absl::InfiniteFuture()),
        from_(has_from_ ? absl::ToUnixMicros(from) : 0),
        to_(has_to_ ? absl::ToUnixMicros(to) : 0) {}

  bool Contains(int64_t micros) const {
    return (!has_from_ || micros >= from_) && (!has_to_ || micros < to_);
  }

 private:
  bool has_from_;
  bool has_to_;
  int64_t from_;
  int64_t to_;
};

// The keys of one index for one value, in entry index order. Not movable:
// the iterator's upper bound points into the object.
class Cursor {
 public:
  Cursor(rocksdb::DB* db, std::string prefix, int64_t* budget)
      : prefix_(std::move(prefix)), upper_(prefix_), budget_(budget) {
    upper_.back() += 1;  // "x/c/tax0": just past every "x/c/tax/" key
    upper_slice_ = rocksdb::Slice(upper_);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(options));
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  // Moves to the first key naming an entry index >= `target`; false when
  // there is none (or on error: see status()).
  bool SeekAtLeast(uint64_t target) {
    if (started_ && (!valid_ || index_ >= target)) return valid_;
    if (started_ && index_ + 1 == target) {  // the common, sequential case
      it_->Next();
      --*budget_;
      Settle();
      if (!valid_ || index_ >= target) return valid_;
    }
    started_ = true;
    it_->Seek(absl::StrCat(prefix_, EncodeUint64(target)));
    --*budget_;
    Settle();
    return valid_;
  }

  uint64_t index() const { return index_; }
  absl::string_view key() const {
    return absl::string_view(it_->key().data(), it_->key().size());
  }
  absl::string_view value() const {
    return absl::string_view(it_->value().data(), it_->value().size());
  }
  rocksdb::Status status() const { return it_->status(); }

 private:
  // Skips keys of longer values that share the prefix ("a/b" under "a/").
  void Settle() {
    for (; it_->Valid(); it_->Next(), --*budget_) {
      if (it_->key().size() == prefix_.size() + 8) {
        index_ = *DecodeUint64(key().substr(prefix_.size()));
        valid_ = true;
        return;
      }
    }
    valid_ = false;
  }

  const std::string prefix_;
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  int64_t* const budget_;
  bool started_ = false;
  bool valid_ = false;
  uint64_t index_ = 0;
};

// Hits found before their entries are read.
struct Found {
  std::vector<uint64_t> indexes;
  std::vector<v1::AuditEntry> entries;  // filled by ScanEntries only
  uint64_t next = 0;
};

absl::Status JoinIndexes(std::vector<std::unique_ptr<Cursor>>& cursors,
                         const LogReader& reader, uint64_t size,
                         const SearchQuery& query, const TimeRange& range,
                         int64_t* budget, Found* found) {
  uint64_t c = query.start_index;
  while (true) {
    if (c >= size) return absl::OkStatus();
    if (*budget <= 0) {
      found->next = c;
      return absl::OkStatus();
    }
    bool aligned = true;
    for (auto& cursor : cursors) {
      if (!cursor->SeekAtLeast(c)) {
        return FromRocksStatus(
            cursor->status(), absl::StrCat("search audit log ", reader.path()));
      }
      if (cursor->index() > c) {
        c = cursor->index();
        aligned = false;
        break;
      }
    }
    if (!aligned) continue;
    absl::optional<uint64_t> time = DecodeUint64(cursors[0]->value());
    if (!time.has_value()) {
      return absl::DataLossError(absl::StrCat(
          "audit log ", reader.path(), ": index key ",
          PrintableKey(cursors[0]->key()), " has a malformed value of ",
          cursors[0]->value().size(), " bytes"));
    }
    if (range.Contains(static_cast<int64_t>(*time))) {
      if (found->indexes.size() == static_cast<size_t>(query.limit)) {
        found->next = c;
        return absl::OkStatus();
      }
      found->indexes.push_back(c);
    }
    ++c;
  }
}

absl::Status ScanEntries(rocksdb::DB* db, const LogReader& reader,
                         uint64_t size, const SearchQuery& query,
                         const TimeRange& range, int64_t* budget,
                         Found* found) {
  if (query.start_index >= size) return absl::OkStatus();
  std::string upper = EntryKey(size);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options));
  uint64_t expected = query.start_index;
  for (it->Seek(EntryKey(expected)); it->Valid(); it->Next(), ++expected) {
    if (--*budget < 0) {
      found->next = expected;
      return absl::OkStatus();
    }
    absl::optional<uint64_t> index =
        ParseEntryKey(absl::string_view(it->key().data(), it->key().size()));
    if (!index.has_value() || *index != expected) break;
    v1::AuditEntry entry;
    if (!entry.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("audit log ", reader.path(),
                                              ": entry ", expected,
                                              " cannot be parsed"));
    }
    if (!range.Contains(entry.time_micros())) continue;
    if (found->indexes.size() == static_cast<size_t>(query.limit)) {
      found->next = expected;
      return absl::OkStatus();
    }
    found->indexes.push_back(expected);
    found->entries.push_back(std::move(entry));
  }
  RETURN_IF_ERROR(FromRocksStatus(
      it->status(), absl::StrCat("search audit log ", reader.path())));
  if (expected != size) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", reader.path(), ": entry ", expected, " is missing"));
  }
  return absl::OkStatus();
}

// Defence against altered index keys: a hit's entry must match the query.
absl::Status CheckHit(const LogReader& reader, const SearchQuery& query,
                      const TimeRange& range, uint64_t index,
                      const v1::AuditEntry& entry) {
  const std::pair<IndexKind, const std::string*> wanted[] = {
      {IndexKind::kSubject, &query.subject_hash},
      {IndexKind::kConsumer, &query.consumer},
      {IndexKind::kDataset, &query.dataset},
      {IndexKind::kPurpose, &query.purpose}};
  for (const auto& [kind, value] : wanted) {
    if (value->empty() || IndexedValue(entry, kind) == *value) continue;
    return absl::DataLossError(absl::StrCat(
        "audit log ", reader.path(), ": index key ",
        PrintableKey(IndexKeyPrefix(kind, *value) + EncodeUint64(index)),
        " names entry ", index, ", which has another value ('",
        IndexedValue(entry, kind), "')"));
  }
  if (!range.Contains(entry.time_micros())) {
    return absl::DataLossError(
        absl::StrCat("audit log ", reader.path(), ": the index keys of entry ",
                     index, " hold another time than the entry"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<SearchHit>> SearchLog(rocksdb::DB* db,
                                                 const LogReader& reader,
                                                 uint64_t size,
                                                 const SearchQuery& query,
                                                 uint64_t* next_index) {
  *next_index = 0;
  if (query.limit < 1 || query.limit > kMaxSearchLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("search limit must be between 1 and ", kMaxSearchLimit,
                     ", got ", query.limit));
  }
  if (query.from > query.to) {
    return absl::InvalidArgumentError(
        absl::StrCat("search time range: from ", absl::FormatTime(query.from),
                     " is after to ", absl::FormatTime(query.to)));
  }
  TimeRange range(query.from, query.to);
  int64_t budget = kSearchScanBudget;
  std::vector<std::unique_ptr<Cursor>> cursors;
  const std::pair<IndexKind, const std::string*> filters[] = {
      {IndexKind::kSubject, &query.subject_hash},
      {IndexKind::kConsumer, &query.consumer},
      {IndexKind::kDataset, &query.dataset},
      {IndexKind::kPurpose, &query.purpose}};
  for (const auto& [kind, value] : filters) {
    if (value->empty()) continue;
    cursors.push_back(
        std::make_unique<Cursor>(db, IndexKeyPrefix(kind, *value), &budget));
  }

  Found found;
  if (cursors.empty()) {
    RETURN_IF_ERROR(
        ScanEntries(db, reader, size, query, range, &budget, &found));
  } else {
    RETURN_IF_ERROR(
        JoinIndexes(cursors, reader, size, query, range, &budget, &found));
    ASSIGN_OR_RETURN(found.entries, reader.ReadEntriesAt(found.indexes));
  }
  std::vector<SearchHit> hits(found.indexes.size());
  for (size_t i = 0; i < hits.size(); ++i) {
    RETURN_IF_ERROR(
        CheckHit(reader, query, range, found.indexes[i], found.entries[i]));
    hits[i].index = found.indexes[i];
    hits[i].entry = std::move(found.entries[i]);
  }
  *next_index = found.next;
  return hits;
}

}  // namespace datarun::audit
