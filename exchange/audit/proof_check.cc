#include "exchange/audit/proof_check.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "exchange/audit/digest.h"
#include "exchange/merkle/verify.h"

namespace datarun::audit {
namespace {

absl::Status Prefix(absl::string_view prefix, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

// The 32-byte hashes of `list`; INVALID_ARGUMENT "<what>: proof hash i is
// n bytes, not 32" otherwise.
absl::StatusOr<std::vector<merkle::Hash>> ToHashes(absl::string_view what,
                                                   const HashList& list) {
  std::vector<merkle::Hash> hashes;
  hashes.reserve(list.size());
  for (int i = 0; i < list.size(); ++i) {
    absl::StatusOr<merkle::Hash> hash = merkle::HashFromBytes(list[i]);
    if (!hash.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, ": proof hash ", i, " is ", list[i].size(),
                       " bytes, not ", merkle::kHashSize));
    }
    hashes.push_back(*hash);
  }
  return hashes;
}

}  // namespace

merkle::Hash EntryLeafHash(const v1::AuditEntry& entry) {
  return merkle::HashLeaf(audit::SerializeDeterministically(entry));
}

absl::StatusOr<checkpoint::Checkpoint> OpenCheckpointNote(
    absl::string_view note, const checkpoint::NoteVerifier& verifier) {
  absl::StatusOr<std::string> body = verifier.Open(note);
  if (!body.ok()) return Prefix("checkpoint: ", body.status());
  absl::StatusOr<checkpoint::Checkpoint> parsed = checkpoint::ParseBody(*body);
  if (!parsed.ok()) return Prefix("checkpoint: ", parsed.status());
  return parsed;
}

absl::StatusOr<checkpoint::Checkpoint> OpenCheckpoint(
    const v1::SignedCheckpoint& signed_checkpoint,
    const checkpoint::NoteVerifier& verifier) {
  ASSIGN_OR_RETURN(checkpoint::Checkpoint checkpoint,
                   OpenCheckpointNote(signed_checkpoint.note(), verifier));
  if (checkpoint.size != signed_checkpoint.tree_size() ||
      merkle::HashBytes(checkpoint.root) != signed_checkpoint.root_hash()) {
    return absl::DataLossError(
        absl::StrCat("checkpoint: the signed note says tree size ",
                     checkpoint.size, " but the message carries tree_size ",
                     signed_checkpoint.tree_size(), " or another root_hash"));
  }
  return checkpoint;
}

absl::Status VerifyInclusion(uint64_t index, absl::string_view leaf_hash,
                             const HashList& proof,
                             const checkpoint::Checkpoint& checkpoint) {
  absl::StatusOr<merkle::Hash> leaf = merkle::HashFromBytes(leaf_hash);
  if (!leaf.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry ", index, ": leaf hash is ", leaf_hash.size(),
                     " bytes, not ", merkle::kHashSize));
  }
  ASSIGN_OR_RETURN(std::vector<merkle::Hash> hashes,
                   ToHashes(absl::StrCat("entry ", index), proof));
  return Prefix(absl::StrCat("entry ", index, ": "),
                merkle::VerifyInclusion(checkpoint.size, index, *leaf, hashes,
                                        checkpoint.root));
}

absl::Status VerifyProvedEntry(const v1::ProvedEntry& entry,
                               const checkpoint::Checkpoint& checkpoint) {
  if (merkle::HashBytes(EntryLeafHash(entry.entry())) != entry.leaf_hash()) {
    return absl::DataLossError(
        absl::StrCat("entry ", entry.index(),
                     ": the entry does not match its leaf hash (altered "
                     "entry or leaf hash)"));
  }
  return VerifyInclusion(entry.index(), entry.leaf_hash(),
                         entry.inclusion_proof(), checkpoint);
}

absl::Status VerifyConsistency(const checkpoint::Checkpoint& older,
                               const checkpoint::Checkpoint& newer,
                               const HashList& proof) {
  const std::string what =
      absl::StrCat("checkpoints of sizes ", older.size, " and ", newer.size);
  ASSIGN_OR_RETURN(std::vector<merkle::Hash> hashes, ToHashes(what, proof));
  return Prefix(absl::StrCat(what, ": "),
                merkle::VerifyConsistency(older.size, newer.size, older.root,
                                          newer.root, hashes));
}

}  // namespace datarun::audit
