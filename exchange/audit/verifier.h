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
  uint64_t index_keys = 0;   // secondary index postings checked (one per
                             // entry and non-empty indexed field)
  merkle::Hash root{};       // root of the whole tree
  // The index watermark: index postings cover the entries below it; later
  // ones wait in the writer's memory (the log is open, or was not closed
  // cleanly) and are rebuilt from the entries when it opens.
  uint64_t indexed = 0;
};

// Verifies the audit log at `path`:
//   - entries 0..n-1 are all present (n = the stored next index), none
//     beyond, and each parses;
//   - every stored leaf hash is HashLeaf of the stored entry bytes, and
//     every stored interior hash is the hash of its children, recomputed
//     from the entries; no hash is missing or extra, every hash tile is
//     well formed;
//   - every checkpoint (history "c/<size>" and the latest "m/checkpoint")
//     carries a valid Ed25519 signature by `verifier_key`, names the log's
//     origin, and has the root recomputed from the entries at its size; the
//     latest one covers all n entries;
//   - every entry below the index watermark (which may lag the log by at
//     most kMaxIndexBacklog entries) is listed exactly once, with its time,
//     in the index of each of its indexed values, and in no other index;
//     no later entry is listed anywhere; every index block is well formed.
// `verifier_key` is a C2SP verifier key ("<origin>+<id>+<key>"); when empty,
// the key stored with the log is used, which only proves the log is
// self-consistent: someone who can rewrite the database can also replace
// that key, so pin the key published by the exchange for real audits.
// Errors:
//   DATA_LOSS            the first problem found, named: "entry 1234:
//                        stored leaf hash does not match the entry", "hash
//                        h/(level 3, 17): ...", "checkpoint at size 2048:
//                        signature invalid", "index x/s/... is missing
//                        entry 1234", ...;
//   NOT_FOUND            no database at `path`;
//   FAILED_PRECONDITION  not a datarun audit log of this layout version;
//   INVALID_ARGUMENT     a malformed `verifier_key`;
//   INTERNAL             RocksDB failures.
// Thread-safe; uses two threads.
absl::StatusOr<VerifyReport> VerifyLog(absl::string_view path,
                                       absl::string_view verifier_key);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_VERIFIER_H_
