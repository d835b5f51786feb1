#include "exchange/audit/index_block_batch.h"

#include <algorithm>

#include "exchange/audit/index_block.h"

namespace datarun::audit {

void IndexBlockBatch::Add(IndexKind kind, absl::string_view value,
                          uint64_t index, int64_t time_micros) {
  if (value.empty()) return;
  terms_.push_back(Term{value, index, time_micros, kind});
}

void IndexBlockBatch::PutBlocks(rocksdb::WriteBatch* batch) {
  // By kind, value and index: the blocks come out in key order (up to
  // values that extend others with a '/', where order only affects speed),
  // each block's postings in index order. Stable: equal terms keep their
  // (increasing) index order.
  std::stable_sort(terms_.begin(), terms_.end(),
                   [](const Term& a, const Term& b) {
                     if (a.kind != b.kind) return a.kind < b.kind;
                     return a.value < b.value;
                   });
  for (size_t begin = 0; begin < terms_.size();) {
    size_t end = begin + 1;
    while (end < terms_.size() && terms_[end].kind == terms_[begin].kind &&
           terms_[end].value == terms_[begin].value) {
      ++end;
    }
    const uint64_t last = terms_[end - 1].index;
    block_.clear();
    for (size_t i = begin; i < end; ++i) {
      AppendPosting(last, terms_[i].index, terms_[i].time_micros, &block_);
    }
    key_ = IndexKeyPrefix(terms_[begin].kind, terms_[begin].value);
    for (int shift = 56; shift >= 0; shift -= 8) {
      key_.push_back(static_cast<char>(last >> shift));
    }
    batch->Put(key_, block_);
    begin = end;
  }
  terms_.clear();
}

}  // namespace datarun::audit
