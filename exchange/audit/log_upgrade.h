// Upgrade of an audit log written by layout version 1 (entries and next
// index only, before the Merkle tree) to the current layout.
#ifndef DATARUN_EXCHANGE_AUDIT_LOG_UPGRADE_H_
#define DATARUN_EXCHANGE_AUDIT_LOG_UPGRADE_H_

#include <string>

#include "absl/status/status.h"
#include "exchange/checkpoint/note_signer.h"
#include "rocksdb/db.h"

namespace datarun::audit {

// Adds to a version-1 database the stored Merkle hashes and index keys of
// every entry, then (in one synced write) the verifier key of `signer`, the
// signed checkpoint of the whole tree and layout version "2". Idempotent:
// a crash in the middle leaves version "1" and the upgrade starts over,
// rewriting the same values. The entries are taken as they are: the tree
// makes later changes evident, not changes made before the upgrade.
// Errors: DATA_LOSS when the next index does not follow the last entry, an
// entry is missing or does not parse (index named); INTERNAL for RocksDB or
// signing failures.
absl::Status UpgradeFromVersion1(rocksdb::DB* db,
                                 const checkpoint::NoteSigner& signer,
                                 const std::string& path);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_LOG_UPGRADE_H_
