// The secondary index postings of the entries not yet indexed in RocksDB.
// The writer does not put index blocks into each batch (for the subject, a
// random-position memtable insert per entry, the costliest part of an
// append with this RocksDB build): it adds the postings here, in groups of
// a fixed number of consecutive entries. Once a group is complete and
// durable, its postings are written, sorted, one block per value, into one
// SST file that is ingested together with the new index watermark
// ("y/indexed", audit_store_keys.h). Searches read RocksDB below the
// watermark and this backlog above it. The backlog is derived data: after a
// crash it is rebuilt from the entries at or above the durable watermark.
#ifndef DATARUN_EXCHANGE_AUDIT_INDEX_BACKLOG_H_
#define DATARUN_EXCHANGE_AUDIT_INDEX_BACKLOG_H_

#include <cstdint>
#include <deque>
#include <iterator>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/index_block.h"

namespace datarun::audit {

// Thread-safe.
class IndexBacklog {
 public:
  // The postings of entries [begin, end) by kind byte + value. Immutable
  // once the group is sealed.
  struct Group {
    uint64_t begin = 0;
    uint64_t end = 0;
    // Most subjects occur once in a group: their posting stays inline.
    absl::flat_hash_map<std::string, absl::InlinedVector<Posting, 1>> by_term;
  };

  // For a log whose postings of entries [0, indexed) are in RocksDB; groups
  // hold `group_entries` (>= 1) entries, the first starting at `indexed`.
  IndexBacklog(uint64_t indexed, uint64_t group_entries);

  // Adds entry `index` with its values of each index, values[k] being that
  // of kIndexKinds[k] (empty: not indexed). Every entry from indexed() on
  // is added once, in index order; adding the first entry past a group
  // seals that group.
  void AddEntry(uint64_t index, int64_t time_micros,
                const absl::string_view (&values)[std::size(kIndexKinds)]);

  // Seals the current group now (the log closes), unless it is empty.
  void SealCurrent();

  // Returns the watermark (entries below it are indexed in RocksDB) and
  // sets *out to the postings of (kind, value) at or above it, in index
  // order.
  uint64_t Find(IndexKind kind, absl::string_view value,
                std::vector<Posting>* out) const;

  // Returns the oldest sealed group not yet returned whose entries are all
  // below `durable` (null when there is none).
  std::shared_ptr<const Group> NextToIngest(uint64_t durable);

  // Records that the oldest sealed group is indexed in RocksDB: moves the
  // watermark to its end and forgets it. `group` must be that group.
  void Indexed(const Group& group);

  // Returns the watermark.
  uint64_t indexed() const;

  // Returns the number of postings held.
  size_t postings() const;

 private:
  const uint64_t group_entries_;
  mutable absl::Mutex mu_;
  uint64_t indexed_ ABSL_GUARDED_BY(mu_);
  // Sealed groups, oldest first; the first `handed_out_` were returned by
  // NextToIngest.
  std::deque<std::shared_ptr<const Group>> sealed_ ABSL_GUARDED_BY(mu_);
  size_t handed_out_ ABSL_GUARDED_BY(mu_) = 0;
  std::unique_ptr<Group> current_ ABSL_GUARDED_BY(mu_);
  size_t postings_ ABSL_GUARDED_BY(mu_) = 0;
  std::string term_ ABSL_GUARDED_BY(mu_);  // AddEntry's scratch
};

// Returns the index blocks of `group`: keys and values, in key order.
std::vector<std::pair<std::string, std::string>> IndexBlocks(
    const IndexBacklog::Group& group);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_INDEX_BACKLOG_H_
