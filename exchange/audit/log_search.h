// Search of the audit log through its secondary indexes (the "x/" index
// blocks, see audit_store_keys.h and index_block.h): by subject hash,
// consumer, dataset and purpose, with a time filter, in index order, paged.
#ifndef DATARUN_EXCHANGE_AUDIT_LOG_SEARCH_H_
#define DATARUN_EXCHANGE_AUDIT_LOG_SEARCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "datarun/v1/audit.pb.h"
#include "exchange/audit/index_backlog.h"
#include "exchange/audit/log_reader.h"
#include "rocksdb/db.h"

namespace datarun::audit {

// Most hits one search returns.
inline constexpr int kMaxSearchLimit = 1000;
// Most keys and postings one search steps over before it returns what it
// found so far with *next_index set to where to continue, so one call never
// scans the whole log.
inline constexpr int64_t kSearchScanBudget = 200000;

// Empty strings and infinite times match everything. Every non-empty field
// must match exactly (AND).
struct SearchQuery {
  std::string consumer;
  std::string dataset;
  std::string purpose;
  // Lowercase hex HMAC of the subject (SubjectHasher::Hash).
  std::string subject_hash;
  // AuditEntry.time_micros in [from, to).
  absl::Time from = absl::InfinitePast();
  absl::Time to = absl::InfiniteFuture();
  // First index to consider.
  uint64_t start_index = 0;
  // At most this many hits, 1..kMaxSearchLimit.
  int limit = 100;
};

struct SearchHit {
  uint64_t index = 0;
  v1::AuditEntry entry;
};

// Returns the entries among [query.start_index, size) that match `query`,
// in index order, at most query.limit of them. Sets *next_index to the
// start_index of the next page: the index of the next match when the page
// is full, the index where scanning stopped when the scan budget ran out
// (the page may then hold fewer than `limit` hits, even none), or 0 when
// there is nothing more to find. Uses the index of each non-empty field
// (joined on the entry index); with none, scans the entries. Postings come
// from `db` below the backlog's watermark and from `backlog` at or above it
// (null: all from `db`). `db` is read only (any snapshot
// ordering is fine: entries at or past `size` are ignored). Errors:
//   INVALID_ARGUMENT  limit out of range, from after to;
//   DATA_LOSS         an index lists an entry that does not match, an index
//                     block is malformed, or an entry is missing or
//                     unparsable (all named);
//   INTERNAL          RocksDB failed.
// Thread-safe.
absl::StatusOr<std::vector<SearchHit>> SearchLog(rocksdb::DB* db,
                                                 const LogReader& reader,
                                                 uint64_t size,
                                                 const SearchQuery& query,
                                                 uint64_t* next_index,
                                                 const IndexBacklog* backlog);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_LOG_SEARCH_H_
