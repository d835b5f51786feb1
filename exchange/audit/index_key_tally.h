// The offline verifier's check of the secondary indexes (the index blocks
// "x/...", index_block.h): every entry must be listed exactly once in the
// index of each of its indexed values, with the entry's time, and in no
// other index. The index is sorted by value, not by entry, so instead of
// joining the two the tally keeps one 64-bit sum per entry on each side:
// the sum of a fingerprint of every expected posting (kind, value, index,
// time), and of every stored posting naming that entry, whichever block
// holds it. The fingerprint is SipHash-2-4 under a key drawn at random for
// each tally, so whoever wrote the database could not have chosen postings
// whose fingerprints add up to the expected sum; equal sums mean equal
// posting sets except with probability about 2^-64. On a mismatch the entry
// is re-read to name the exact index. Memory: 16 bytes per entry.
#ifndef DATARUN_EXCHANGE_AUDIT_INDEX_KEY_TALLY_H_
#define DATARUN_EXCHANGE_AUDIT_INDEX_KEY_TALLY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "datarun/v1/audit.pb.h"
#include "exchange/audit/siphash.h"
#include "rocksdb/db.h"

namespace datarun::audit {

// AddEntry (one thread) and ScanStored (another) may run concurrently;
// Compare runs after both.
class IndexKeyTally {
 public:
  // For a log of `size` entries whose index postings cover the entries
  // below `indexed` (the index watermark, audit_store_keys.h): entries at
  // or above it must have none yet.
  IndexKeyTally(uint64_t size, uint64_t indexed);

  // Adds the postings entry `index` (< size) should have.
  void AddEntry(uint64_t index, const v1::AuditEntry& entry);

  // Reads every stored index block of `db`. DATA_LOSS naming the first
  // block that is malformed or names an entry at or beyond the size;
  // INTERNAL when RocksDB fails.
  absl::Status ScanStored(rocksdb::DB* db, const std::string& path);

  // Returns how many postings ScanStored read.
  uint64_t stored_postings() const { return stored_postings_; }

  // OK when every entry's expected and stored postings agree; otherwise
  // DATA_LOSS naming the first (lowest entry index) offending one: "index
  // x/s/<hash> is missing entry 1234", "index x/c/tax holds another time
  // for entry 1234", "index ... lists entry 1234 more than once", or
  // "index x/p/... lists entry 1234, which does not match it".
  absl::Status Compare(rocksdb::DB* db, const std::string& path) const;

 private:
  const SipHashKey key_;
  const uint64_t indexed_;
  std::vector<uint64_t> expected_;
  std::vector<uint64_t> stored_;
  uint64_t stored_postings_ = 0;
  std::string buffer_;  // AddEntry's scratch
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_INDEX_KEY_TALLY_H_
