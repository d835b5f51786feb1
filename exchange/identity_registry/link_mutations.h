// The identity registry's rules, applied to a WriteSet: linking, retracting,
// merging, and keeping conflicts in step with who claims each local id.
// The registry validates inputs and commits the write set; these functions
// decide what changes and which events are recorded.
//
// Not thread-safe (the caller holds the registry's write mutex).
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_LINK_MUTATIONS_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_LINK_MUTATIONS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "datarun/v1/identity.pb.h"
#include "exchange/identity_registry/registry_keys.h"
#include "exchange/identity_registry/write_set.h"

namespace datarun::identity {

struct LinkOutcome {
  // The link as it stands after the change.
  v1::IdentityLink link;
  // A new link was recorded.
  bool added = false;
  // An existing link's primary flag changed.
  bool updated = false;
};

// Returns the subject `h` stands for: itself, or the subject it was merged
// into. DATA_LOSS when the merge target is itself merged (the registry never
// writes that).
absl::StatusOr<SubjectHash> FollowMerge(WriteSet& ws, const SubjectHash& h);

// Links `id` to `subject` (after FollowMerge). Re-asserting an existing link
// with the same primary flag changes nothing; with another flag it updates
// the flag. A new link starts ACTIVE with `context`'s asserted_by and basis
// and the write set's time; LINKED event. When `primary`, the department's
// previous primary link is demoted (PRIMARY_CHANGED on it). Conflicts are
// then reconciled (Reconcile). Errors: those of WriteSet reads.
absl::StatusOr<LinkOutcome> ApplyLink(WriteSet& ws, const SubjectHash& subject,
                                      const v1::LocalId& id, bool primary,
                                      const ChangeContext& context);

// Removes the ACTIVE or CONFLICT link `id` of `subject` (after FollowMerge):
// RETRACTED event, then Reconcile (which clears the conflict of the others).
// NOT_FOUND when there is no such link.
absl::Status ApplyRetract(WriteSet& ws, const SubjectHash& subject,
                          const v1::LocalId& id, const ChangeContext& context);

// Merges `from` into `into` (after FollowMerge of `into`): every link of
// `from` moves to the target unless the target already has that local id
// (a moved primary stays primary only when the target has no primary in that
// department), `from` and every subject merged into it so far then resolve
// to the target; MERGED_INTO on `from`, MERGED_FROM and one LINKED (other =
// `from`) per moved link on the target; conflicts reconciled for every moved
// local id. Returns the number of links added to the target.
// Errors: INVALID_ARGUMENT when both are the same subject;
// FAILED_PRECONDITION when `from` is already merged or the target is `from`
// (a cycle).
absl::StatusOr<int> ApplyMerge(WriteSet& ws, const SubjectHash& from,
                               const SubjectHash& into,
                               const ChangeContext& context);

// Brings the links of every subject claiming `id` in line with the claim
// list: with two or more claimants and a kind that is not shared, each link
// is CONFLICT and lists the others' fingerprints; otherwise ACTIVE. Records
// CONFLICT_FLAGGED / CONFLICT_CLEARED events (other = the fingerprint that
// appeared in / disappeared from the link's list). DATA_LOSS when a claimant
// has no link of `id`.
absl::Status Reconcile(WriteSet& ws, const v1::LocalId& id,
                       const ChangeContext& context);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_LINK_MUTATIONS_H_
