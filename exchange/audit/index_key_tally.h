// The offline verifier's check of the secondary index keys ("x/..."): every
// entry must have exactly the index keys its fields call for, each holding
// the entry's time, and no other index key may exist. The index is sorted
// by value, not by entry, so instead of joining the two the tally keeps one
// 64-bit sum per entry on each side: the sum of a fingerprint of every
// expected key and value, and of every stored key and value naming that
// entry. The fingerprint is SipHash-2-4 under a key drawn at random for each
// tally, so whoever wrote the database could not have chosen keys whose
// fingerprints add up to the expected sum; equal sums mean equal key sets
// except with probability about 2^-64. On a mismatch the entry is re-read to
// name the exact key. Memory: 16 bytes per entry.
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
  // For a log of `size` entries.
  explicit IndexKeyTally(uint64_t size);

  // Adds the index keys entry `index` (< size) should have.
  void AddEntry(uint64_t index, const v1::AuditEntry& entry);

  // Reads every stored index key of `db`. DATA_LOSS naming the first key
  // that is malformed or names an entry at or beyond the size; INTERNAL
  // when RocksDB fails.
  absl::Status ScanStored(rocksdb::DB* db, const std::string& path);

  // Returns how many index keys ScanStored read.
  uint64_t stored_keys() const { return stored_keys_; }

  // OK when every entry's expected and stored keys agree; otherwise
  // DATA_LOSS naming the first (lowest entry index) offending key: "index
  // key x/s/<hash>/1234 of entry 1234 is missing", "... holds another time
  // than entry 1234", or "index key ... names entry 1234 but does not match
  // it".
  absl::Status Compare(rocksdb::DB* db, const std::string& path) const;

 private:
  const SipHashKey key_;
  std::vector<uint64_t> expected_;
  std::vector<uint64_t> stored_;
  uint64_t stored_keys_ = 0;
  std::string buffer_;  // AddEntry's scratch
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_INDEX_KEY_TALLY_H_
