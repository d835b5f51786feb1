// The offline verifier of an audit log: recomputes everything from storage
// and names the first problem. Read-only: it opens the database with
// rocksdb::DB::OpenForReadOnly, which works while the exchange appends (it
// then checks the state as of opening).
#ifndef DATARUN_EXCHANGE_AUDIT_VERIFIER_H_
#define DATARUN_EXCHANGE_AUDIT_VERIFIER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "exchange/merkle/hash.h"

namespace datarun::audit {

struct VerifyReport {
  uint64_t entries = 0;      // entries checked (the tree size)
  uint64_t checkpoints = 0;  // signed checkpoints checked (history + latest)
  uint64_t index_keys = 0;   // secondary index keys checked
  merkle::Hash root{};       // root of the whole tree
};

// Verifies the audit log at `path`:
//   - entries 0..n-1 are all present (n = the stored next index), none
//     beyond, and each parses;
//   - every stored leaf hash is HashLeaf of the stored entry bytes, and
//     every stored interior hash is the hash of its children, recomputed
//     from the entries; no hash is missing or extra;
//   - every checkpoint (history "c/<size>" and the latest "m/checkpoint")
//     carries a valid Ed25519 signature by `verifier_key`, names the log's
//     origin, and has the root recomputed from the entries at its size; the
//     latest one covers all n entries;
//   - every secondary index key matches its entry, none is missing or extra.
// `verifier_key` is a C2SP verifier key ("<origin>+<id>+<key>"); when empty,
// the key stored with the log is used, which only proves the log is
// self-consistent: someone who can rewrite the database can also replace
// that key, so pin the key published by the exchange for real audits.
// Errors:
//   DATA_LOSS            the first problem found, named: "entry 1234:
//                        stored leaf hash does not match the entry", "hash
//                        h/(level 3, 17): ...", "checkpoint at size 2048:
//                        signature invalid", "index key x/s/.../1234 of
//                        entry 1234 is missing", ...;
//   NOT_FOUND            no database at `path`;
//   FAILED_PRECONDITION  not a datarun audit log of this layout version;
//   INVALID_ARGUMENT     a malformed `verifier_key`;
//   INTERNAL             RocksDB failures.
// Thread-safe; uses two threads.
absl::StatusOr<VerifyReport> VerifyLog(absl::string_view path,
                                       absl::string_view verifier_key);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_VERIFIER_H_
