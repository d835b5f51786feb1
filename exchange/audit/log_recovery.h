// What AuditLog::Open does to a database before appending: initialise a new
// log, or check an existing one and rebuild the writer's in-memory state.
#ifndef DATARUN_EXCHANGE_AUDIT_LOG_RECOVERY_H_
#define DATARUN_EXCHANGE_AUDIT_LOG_RECOVERY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/optional.h"
#include "exchange/audit/log_reader.h"
#include "exchange/audit/stored_checkpoint.h"
#include "exchange/checkpoint/note_signer.h"
#include "exchange/merkle/compact_range.h"
#include "rocksdb/db.h"

namespace datarun::audit {

// The writer's state, as found in storage.
struct RecoveredLog {
  // The tree's right edge; its size is the number of entries.
  merkle::CompactRange range;
  // The hashes in the last hash tile when it is not full (else empty).
  std::string hash_tail;
  // The index watermark ("y/indexed", 0 when absent).
  uint64_t indexed = 0;
  // The checkpoint of the last durable batch (size == range.size()).
  SignedCheckpoint latest;
  // The newest history checkpoint, if any.
  absl::optional<SignedCheckpoint> newest_history;
};

// Initialises an empty database (layout version, next index 0, the
// verifier key of `signer`, a signed checkpoint of the empty tree; one
// synced write) or checks an existing one:
//   - layout version "3" (a version "1" or "2" log is upgraded in place
//     first, see log_upgrade.h; FAILED_PRECONDITION for anything else);
//   - the stored verifier key is `signer`'s (FAILED_PRECONDITION: the key
//     file holds another key than the one that signed this log);
//   - the next index follows the last entry, and the last hash tile is the
//     one holding the last stored hash of a tree of that size and holds
//     exactly the hashes up to it (DATA_LOSS naming both);
//   - the last entry hashes to its stored leaf hash (DATA_LOSS);
//   - the latest checkpoint verifies, and its size and root are those of
//     the tree rebuilt from the stored right edge (DATA_LOSS naming both);
//   - the index watermark is not beyond the last entry (DATA_LOSS).
// `reader` reads the same database and verifies with `signer`'s key.
absl::StatusOr<RecoveredLog> RecoverLog(rocksdb::DB* db,
                                        const checkpoint::NoteSigner& signer,
                                        LogReader& reader);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_LOG_RECOVERY_H_
