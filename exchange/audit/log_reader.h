// Read-only access to an audit log's database: entries, stored Merkle
// hashes and checkpoints. AuditLog serves its queries through one while it
// appends; tools can use one over a database opened read-only.
#ifndef DATARUN_EXCHANGE_AUDIT_LOG_READER_H_
#define DATARUN_EXCHANGE_AUDIT_LOG_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datarun/v1/audit.pb.h"
#include "exchange/audit/stored_checkpoint.h"
#include "exchange/checkpoint/note_verifier.h"
#include "exchange/merkle/hash.h"
#include "exchange/merkle/hash_reader.h"
#include "rocksdb/db.h"

namespace datarun::audit {

// Thread-safe: every method only reads the database.
class LogReader final : public merkle::HashReader {
 public:
  // `db` is not owned and must outlive the reader; `path` names the log in
  // messages; `verifier` checks the checkpoints read.
  LogReader(rocksdb::DB* db, std::string path,
            checkpoint::NoteVerifier verifier);

  // Returns the stored hashes at `indexes` with one MultiGet of the hash
  // tiles holding them. Errors:
  //   NOT_FOUND  a hash is not stored (named "h/(level L, P)");
  //   DATA_LOSS  a tile is not a whole number of hashes (tile named);
  //   INTERNAL   RocksDB failed.
  absl::StatusOr<std::vector<merkle::Hash>> ReadHashes(
      const std::vector<uint64_t>& indexes) override;

  // Returns entries [begin, end) in index order; the caller checks the
  // range against the log's size. DATA_LOSS naming the index when an entry
  // is missing or does not parse; INTERNAL when RocksDB fails.
  absl::StatusOr<std::vector<v1::AuditEntry>> ReadEntries(uint64_t begin,
                                                          uint64_t end) const;

  // Returns entry `index`; errors as ReadEntries.
  absl::StatusOr<v1::AuditEntry> ReadEntry(uint64_t index) const;

  // Returns the entries at `indexes` (any order) with one MultiGet; errors
  // as ReadEntries.
  absl::StatusOr<std::vector<v1::AuditEntry>> ReadEntriesAt(
      const std::vector<uint64_t>& indexes) const;

  // Returns up to `limit` history checkpoints with size >= `min_size`, by
  // increasing size, each signature-checked. DATA_LOSS naming the
  // checkpoint when one does not verify or its key and note disagree on
  // the size; INTERNAL when RocksDB fails.
  absl::StatusOr<std::vector<SignedCheckpoint>> ReadCheckpoints(
      uint64_t min_size, int limit) const;

  // Returns the latest checkpoint ("m/checkpoint"), signature-checked.
  // DATA_LOSS when missing or invalid; INTERNAL when RocksDB fails.
  absl::StatusOr<SignedCheckpoint> ReadLatestCheckpoint() const;

  const std::string& path() const { return path_; }
  const checkpoint::NoteVerifier& verifier() const { return verifier_; }

 private:
  rocksdb::DB* const db_;
  const std::string path_;
  const checkpoint::NoteVerifier verifier_;
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_LOG_READER_H_
