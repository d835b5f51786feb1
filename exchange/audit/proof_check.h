// Client-side checks of what the Audit service returns: signed checkpoints
// against a trusted verifier key, inclusion proofs of entries against a
// verified checkpoint, consistency between two verified checkpoints. Shared
// by `datarunctl audit`, the gateway and the integration tests; trusts nothing
// the server says that it can recompute (the leaf hash is recomputed from the
// entry itself).
//
// Pure functions; thread-safe.
#ifndef DATARUN_EXCHANGE_AUDIT_PROOF_CHECK_H_
#define DATARUN_EXCHANGE_AUDIT_PROOF_CHECK_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/audit.pb.h"
#include "datarun/v1/audit_service.pb.h"
#include "exchange/checkpoint/checkpoint.h"
#include "exchange/checkpoint/note_verifier.h"
#include "exchange/merkle/hash.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace datarun::audit {

using HashList = google::protobuf::RepeatedPtrField<std::string>;

// Returns the Merkle leaf hash the log stores for `entry`:
// SHA-256(0x00 || deterministic serialization of the entry).
merkle::Hash EntryLeafHash(const v1::AuditEntry& entry);

// Returns the checkpoint in the signed note `note` when it carries a valid
// signature by `verifier`. Errors, prefixed "checkpoint: ": those of
// NoteVerifier::Open (NOT_FOUND: not signed by this key; UNAUTHENTICATED:
// the signature does not verify) and of ParseBody (INVALID_ARGUMENT).
absl::StatusOr<checkpoint::Checkpoint> OpenCheckpointNote(
    absl::string_view note, const checkpoint::NoteVerifier& verifier);

// Same for a SignedCheckpoint message; additionally DATA_LOSS when its
// tree_size or root_hash copies disagree with the signed body.
absl::StatusOr<checkpoint::Checkpoint> OpenCheckpoint(
    const v1::SignedCheckpoint& signed_checkpoint,
    const checkpoint::NoteVerifier& verifier);

// Checks that `proof` (32-byte hashes) proves leaf `leaf_hash` (32 bytes)
// is entry `index` of the tree of `checkpoint` (already verified).
// INVALID_ARGUMENT for hashes of the wrong length or a proof of the wrong
// shape; DATA_LOSS when the hashes do not lead to the checkpoint's root.
// Messages start with "entry <index>: ".
absl::Status VerifyInclusion(uint64_t index, absl::string_view leaf_hash,
                             const HashList& proof,
                             const checkpoint::Checkpoint& checkpoint);

// Checks `entry`: its leaf hash recomputed from the entry must equal
// entry.leaf_hash() (DATA_LOSS "entry N: the entry does not match its leaf
// hash" otherwise), and its inclusion proof must verify against
// `checkpoint` (see VerifyInclusion).
absl::Status VerifyProvedEntry(const v1::ProvedEntry& entry,
                               const checkpoint::Checkpoint& checkpoint);

// Checks that `proof` proves the tree of `older` is a prefix of the tree of
// `newer` (both already verified). INVALID_ARGUMENT for a malformed proof or
// older larger than newer; DATA_LOSS when the roots are inconsistent.
absl::Status VerifyConsistency(const checkpoint::Checkpoint& older,
                               const checkpoint::Checkpoint& newer,
                               const HashList& proof);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_PROOF_CHECK_H_
