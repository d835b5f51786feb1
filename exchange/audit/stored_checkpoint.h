// Signed checkpoints as the audit log stores them: under "m/checkpoint" (the
// latest, rewritten with every batch) and "c/<size>" (the history). The
// value is the 8-byte big-endian Unix time in microseconds at which the
// checkpoint was made durable, followed by the C2SP signed note
// (https://c2sp.org/tlog-checkpoint body, blank line, Ed25519 signature
// line). The time is informational and not signed.
#ifndef DATARUN_EXCHANGE_AUDIT_STORED_CHECKPOINT_H_
#define DATARUN_EXCHANGE_AUDIT_STORED_CHECKPOINT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "exchange/checkpoint/checkpoint.h"
#include "exchange/checkpoint/note_signer.h"
#include "exchange/checkpoint/note_verifier.h"
#include "exchange/merkle/hash.h"

namespace datarun::audit {

// A checkpoint with its signed note.
struct SignedCheckpoint {
  // The signed body: origin, tree size, root.
  checkpoint::Checkpoint checkpoint;
  // The whole signed note (body, blank line, signature line), as served to
  // clients and put in receipts.
  std::string note;
  // When the checkpoint became durable (latest) or was published (history).
  absl::Time published_at;
};

// Returns the checkpoint of the tree of `size` leaves with root `root`,
// signed by `signer` (origin = the signer's key name), published at `now`.
// INTERNAL if signing fails (OpenSSL), INVALID_ARGUMENT for an unusable key
// name. Thread-safe.
absl::StatusOr<SignedCheckpoint> SignCheckpoint(
    const checkpoint::NoteSigner& signer, uint64_t size,
    const merkle::Hash& root, absl::Time now);

// Returns the stored value of `signed_checkpoint`.
std::string EncodeStoredCheckpoint(const SignedCheckpoint& signed_checkpoint);

// Decodes a stored value and checks it: the note must carry a valid
// signature by `verifier` and its body must parse with origin equal to the
// verifier's key name. Every failure is DATA_LOSS "<what>: <problem>", the
// problem being "signature invalid" when the note or signature was altered,
// "not signed by <key>" when no signature of that key is present, or what
// is malformed. Thread-safe.
absl::StatusOr<SignedCheckpoint> DecodeStoredCheckpoint(
    absl::string_view value, const checkpoint::NoteVerifier& verifier,
    absl::string_view what);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_STORED_CHECKPOINT_H_
