// The roles of people using the gateway, and their names on the API.
#ifndef DATARUN_GATEWAY_ROLES_H_
#define DATARUN_GATEWAY_ROLES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::gateway {

enum class Role {
  // Service-window clerk: window desk, case tracker, catalog.
  kClerk,
  // Department officer: case tracker (read-only), catalog.
  kOfficer,
  // Auditor: audit console, catalog, gateway status.
  kAuditor,
  // Administrator: catalog, gateway status; never the audit console.
  kAdmin,
  // A citizen signed in with a one-time code: own accesses and cases.
  kCitizen,
};

// "clerk", "officer", "auditor", "admin", "citizen".
absl::string_view RoleName(Role role);

// Parses the role of an official's account ("clerk", "officer", "auditor",
// "admin"); INVALID_ARGUMENT naming the valid ones otherwise ("citizen" is
// not an account role).
absl::StatusOr<Role> ParseAccountRole(absl::string_view name);

// A bit per role, for route permissions.
using RoleSet = unsigned;
constexpr RoleSet RoleBit(Role role) { return 1u << static_cast<int>(role); }
constexpr RoleSet kOfficials = RoleBit(Role::kClerk) | RoleBit(Role::kOfficer) |
                               RoleBit(Role::kAuditor) | RoleBit(Role::kAdmin);

// "clerk, officer" for the roles in `roles`, in enum order.
std::string RoleList(RoleSet roles);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_ROLES_H_
