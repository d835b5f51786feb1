#include "exchange/audit/log_search.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/index_block.h"
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

// The postings of one index for one value, in entry index order, read
// block by block from the database (those below `stored_below`), then from
// `tail` (postings not in the database yet). Not movable: the iterator's
// upper bound points into the object.
class Cursor {
 public:
  Cursor(rocksdb::DB* db, const std::string& path, IndexKind kind,
         const std::string& value, int64_t* budget,
         uint64_t stored_below = ~uint64_t{0}, std::vector<Posting> tail = {})
      : path_(path),
        name_(IndexName(kind, value)),
        prefix_(IndexKeyPrefix(kind, value)),
        upper_(prefix_),
        budget_(budget),
        stored_below_(stored_below),
        tail_(std::move(tail)) {
    upper_.back() += 1;  // "x/c/tax0": just past every "x/c/tax/" key
    upper_slice_ = rocksdb::Slice(upper_);
    rocksdb::ReadOptions options;
    options.iterate_upper_bound = &upper_slice_;
    it_.reset(db->NewIterator(options));
  }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;

  // Moves to the first posting naming an entry index >= `target`; false
  // when there is none, or on error (see status()).
  bool SeekAtLeast(uint64_t target) {
    if (started_ && (!valid_ || index() >= target)) return valid_;
    if (started_) {
      // Within the current block, or the next one (the common, sequential
      // case), before seeking.
      for (++pos_; pos_ < postings_.size(); ++pos_) {
        if (postings_[pos_].index >= target) return true;
      }
      if (in_tail_) {
        valid_ = false;
        return false;
      }
      if (block_last_ + 1 == target) {
        it_->Next();
        --*budget_;
        if (!Settle(target)) return false;
        if (valid_ || in_tail_) return valid_;
      }
    }
    started_ = true;
    it_->Seek(absl::StrCat(prefix_, EncodeUint64(target)));
    --*budget_;
    Settle(target);
    return valid_;
  }

  uint64_t index() const { return postings_[pos_].index; }
  int64_t time_micros() const { return postings_[pos_].time_micros; }
  const std::string& name() const { return name_; }
  const absl::Status& status() const { return status_; }

 private:
  // Loads the first block at or after the iterator holding a posting >=
  // `target`, skipping keys of longer values that share the prefix ("a/b"
  // under "a/"). Returns false on error.
  bool Settle(uint64_t target) {
    valid_ = false;
    for (; it_->Valid(); it_->Next(), --*budget_) {
      if (it_->key().size() != prefix_.size() + 8) continue;
      absl::string_view key(it_->key().data(), it_->key().size());
      block_last_ = *DecodeUint64(key.substr(prefix_.size()));
      postings_.clear();
      IndexBlockReader block(
          block_last_,
          absl::string_view(it_->value().data(), it_->value().size()));
      Posting posting;
      while (block.Next(&posting)) postings_.push_back(posting);
      if (!block.ok()) {
        status_ = absl::DataLossError(
            absl::StrCat("audit log ", path_, ": index block ",
                         PrintableKey(key), " is malformed"));
        return false;
      }
      *budget_ -= static_cast<int64_t>(postings_.size());
      for (pos_ = 0; pos_ < postings_.size(); ++pos_) {
        if (postings_[pos_].index >= target) {
          valid_ = true;
          return true;
        }
      }
    }
    status_ = FromRocksStatus(it_->status(),
                              absl::StrCat("search audit log ", path_));
    if (!status_.ok()) return false;
    in_tail_ = true;
    postings_ = std::move(tail_);
    *budget_ -= static_cast<int64_t>(postings_.size());
    for (pos_ = 0; pos_ < postings_.size(); ++pos_) {
      if (postings_[pos_].index >= target) {
        valid_ = true;
        break;
      }
    }
    return true;
  }

  const std::string& path_;
  const std::string name_;
  const std::string prefix_;
  std::string upper_;
  rocksdb::Slice upper_slice_;
  std::unique_ptr<rocksdb::Iterator> it_;
  int64_t* const budget_;
  const uint64_t stored_below_;
  std::vector<Posting> tail_;
  bool in_tail_ = false;
  absl::Status status_;
  bool started_ = false;
  bool valid_ = false;
  uint64_t block_last_ = 0;
  std::vector<Posting> postings_;  // of the current block
  size_t pos_ = 0;
};

// Hits found before their entries are read.
struct Found {
  std::vector<uint64_t> indexes;
  std::vector<v1::AuditEntry> entries;  // filled by ScanEntries only
  uint64_t next = 0;
};

absl::Status JoinIndexes(std::vector<std::unique_ptr<Cursor>>& cursors,
                         uint64_t size, const SearchQuery& query,
                         const TimeRange& range, int64_t* budget,
                         Found* found) {
  uint64_t c = query.start_index;
  while (true) {
    if (c >= size) return absl::OkStatus();
    if (*budget <= 0) {
      found->next = c;
      return absl::OkStatus();
    }
    bool aligned = true;
    for (auto& cursor : cursors) {
      if (!cursor->SeekAtLeast(c)) return cursor->status();
      if (cursor->index() > c) {
        c = cursor->index();
        aligned = false;
        break;
      }
    }
    if (!aligned) continue;
    if (range.Contains(cursors[0]->time_micros())) {
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
        "audit log ", reader.path(), ": index ", IndexName(kind, *value),
        " lists entry ", index, ", which has another value ('",
        IndexedValue(entry, kind), "')"));
  }
  if (!range.Contains(entry.time_micros())) {
    return absl::DataLossError(
        absl::StrCat("audit log ", reader.path(), ": the index postings of ",
                     "entry ", index, " hold another time than the entry"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<SearchHit>> SearchLog(rocksdb::DB* db,
                                                 const LogReader& reader,
                                                 uint64_t size,
                                                 const SearchQuery& query,
                                                 uint64_t* next_index,
                                                 const IndexBacklog* backlog) {
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
    if (backlog != nullptr) {
      // The watermark and the tail at once; `size` was read before, so
      // every entry below it is below the watermark or in the tail.
      std::vector<Posting> tail;
      const uint64_t stored_below = backlog->Find(kind, *value, &tail);
      cursors.push_back(std::make_unique<Cursor>(db, reader.path(), kind,
                                                 *value, &budget, stored_below,
                                                 std::move(tail)));
      continue;
    }
    cursors.push_back(
        std::make_unique<Cursor>(db, reader.path(), kind, *value, &budget));
  }

  Found found;
  if (cursors.empty()) {
    RETURN_IF_ERROR(
        ScanEntries(db, reader, size, query, range, &budget, &found));
  } else {
    RETURN_IF_ERROR(JoinIndexes(cursors, size, query, range, &budget, &found));
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
