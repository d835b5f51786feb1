// Who may do what with the Identity service (proto/datarun/v1/identity.proto).
// Pure rules over department ids (the caller comes from its mTLS
// certificate, the lists from the policy file's `identity` section):
//
//  - every member: Link and Retract its own department's identifiers,
//    Resolve to its own department's identifiers, Sync itself;
//  - resolvers: Resolve to every department's identifiers, History;
//  - stewards: everything resolvers may, plus Merge, Retract any link,
//    ListConflicts, Sync any department.
//
// Immutable after construction; thread-safe.
#ifndef DATARUN_EXCHANGE_SERVER_IDENTITY_ACCESS_H_
#define DATARUN_EXCHANGE_SERVER_IDENTITY_ACCESS_H_

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/policy.pb.h"

namespace datarun::server {

class IdentityAccess {
 public:
  // `access` must have been validated with the policy (departments exist).
  explicit IdentityAccess(const v1::IdentityAccess& access);

  // True when `caller` may see every department's identifiers.
  bool SeesAll(absl::string_view caller) const;

  // OK when `caller` may assert or retract identifiers of `department`;
  // otherwise PERMISSION_DENIED naming both.
  absl::Status CheckLink(absl::string_view caller,
                         absl::string_view department) const;
  absl::Status CheckRetract(absl::string_view caller,
                            absl::string_view department) const;

  // OK for resolvers and stewards; otherwise PERMISSION_DENIED.
  absl::Status CheckHistory(absl::string_view caller) const;

  // OK for stewards; otherwise PERMISSION_DENIED naming `what`.
  absl::Status CheckSteward(absl::string_view caller,
                            absl::string_view what) const;

  // OK when `caller` may sync `department` (itself, or any as a steward).
  absl::Status CheckSync(absl::string_view caller,
                         absl::string_view department) const;

 private:
  bool IsSteward(absl::string_view caller) const {
    return stewards_.contains(caller);
  }

  absl::flat_hash_set<std::string> resolvers_;
  absl::flat_hash_set<std::string> stewards_;
};

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_IDENTITY_ACCESS_H_
