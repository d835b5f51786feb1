// Collects the secondary index postings of the entries written in one batch
// and turns them into index blocks: one key per (kind, value) per batch
// instead of one per entry and value (audit_store_keys.h, index_block.h).
#ifndef DATARUN_EXCHANGE_AUDIT_INDEX_BLOCK_BATCH_H_
#define DATARUN_EXCHANGE_AUDIT_INDEX_BLOCK_BATCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "exchange/audit/audit_store_keys.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {

// Not thread-safe: owned by one writer.
class IndexBlockBatch {
 public:
  // Adds the posting (index, time_micros) under `value` of the index
  // `kind`; an empty value is not indexed. Entries must be added in
  // increasing index order. `value` is borrowed: its bytes must stay put
  // until PutBlocks.
  void Add(IndexKind kind, absl::string_view value, uint64_t index,
           int64_t time_micros);

  // Puts one block per (kind, value) added since the last call into
  // `batch`, in key order, and forgets them.
  void PutBlocks(rocksdb::WriteBatch* batch);

 private:
  struct Term {
    absl::string_view value;
    uint64_t index;
    int64_t time_micros;
    IndexKind kind;
  };
  std::vector<Term> terms_;
  std::string key_;    // PutBlocks' scratch
  std::string block_;  // PutBlocks' scratch
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_INDEX_BLOCK_BATCH_H_
