#include "exchange/server/identity_access.h"

#include "absl/strings/str_cat.h"

namespace datarun::server {

IdentityAccess::IdentityAccess(const v1::IdentityAccess& access)
    : resolvers_(access.resolvers().begin(), access.resolvers().end()),
      stewards_(access.stewards().begin(), access.stewards().end()) {}

bool IdentityAccess::SeesAll(absl::string_view caller) const {
  return resolvers_.contains(caller) || IsSteward(caller);
}

absl::Status IdentityAccess::CheckLink(absl::string_view caller,
                                       absl::string_view department) const {
  if (caller == department) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "department '", caller, "' may only assert its own identifiers, not '",
      department, "' ones (local_id.department)"));
}

absl::Status IdentityAccess::CheckRetract(absl::string_view caller,
                                          absl::string_view department) const {
  if (caller == department || IsSteward(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "department '", caller, "' may only retract its own identifiers, not '",
      department,
      "' ones; identity stewards (policy: identity.stewards) may retract any"));
}

absl::Status IdentityAccess::CheckHistory(absl::string_view caller) const {
  if (SeesAll(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "department '", caller,
      "' may not read identity history (policy: identity.resolvers or "
      "identity.stewards)"));
}

absl::Status IdentityAccess::CheckSteward(absl::string_view caller,
                                          absl::string_view what) const {
  if (IsSteward(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("department '", caller, "' may not ", what,
                   " (only identity stewards, policy: identity.stewards)"));
}

absl::Status IdentityAccess::CheckSync(absl::string_view caller,
                                       absl::string_view department) const {
  if (caller == department || IsSteward(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "department '", caller, "' may only sync its own identifiers, not '",
      department, "' ones (stewards may sync any)"));
}

}  // namespace datarun::server
