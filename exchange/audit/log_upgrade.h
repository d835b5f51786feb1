// Upgrade of an audit log written by an older layout version to the
// current one (docs/audit-store-format.md):
//   - version 1: entries and next index only, before the Merkle tree;
//   - version 2: one key per stored hash ("h/<hash index>") and one key per
//     entry and indexed value ("x/<kind>/<value>/<index>" -> time).
#ifndef DATARUN_EXCHANGE_AUDIT_LOG_UPGRADE_H_
#define DATARUN_EXCHANGE_AUDIT_LOG_UPGRADE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "exchange/checkpoint/note_signer.h"
#include "rocksdb/db.h"

namespace datarun::audit {

// Rebuilds, from the entries of a version `from` ("1" or "2") database,
// the hash tiles and index blocks of the current layout, replacing any
// stored hashes and index keys, and then, in one synced write, sets the
// layout version. A version 1 log also gets the verifier key of `signer`
// and the signed checkpoint of the whole tree; a version 2 log keeps its
// checkpoints, and the upgrade refuses (DATA_LOSS) unless the rebuilt tree
// has exactly the root of its signed latest checkpoint, so an upgrade
// never launders an altered entry. (The caller checks first that `signer`
// is the log's key.) Idempotent: a crash in the middle leaves version
// `from` and the upgrade starts over. Version 1 entries are taken as they
// are: the tree makes later changes evident, not changes made before.
// Errors: DATA_LOSS when the next index does not follow the last entry, an
// entry is missing or does not parse (index named), or (version 2) the
// entries do not match the signed checkpoint; INVALID_ARGUMENT for another
// `from`; INTERNAL for RocksDB or signing failures.
absl::Status UpgradeLayout(rocksdb::DB* db,
                           const checkpoint::NoteSigner& signer,
                           absl::string_view from, const std::string& path);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_LOG_UPGRADE_H_
