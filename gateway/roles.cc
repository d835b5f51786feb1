#include "gateway/roles.h"

#include "absl/strings/str_cat.h"

namespace datarun::gateway {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kClerk:
      return "clerk";
    case Role::kOfficer:
      return "officer";
    case Role::kAuditor:
      return "auditor";
    case Role::kAdmin:
      return "admin";
    case Role::kCitizen:
      return "citizen";
  }
  return "unknown";
}

absl::StatusOr<Role> ParseAccountRole(absl::string_view name) {
  for (Role role :
       {Role::kClerk, Role::kOfficer, Role::kAuditor, Role::kAdmin}) {
    if (RoleName(role) == name) return role;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown role '", name, "' (valid: clerk, officer, auditor, admin)"));
}

std::string RoleList(RoleSet roles) {
  std::string out;
  for (Role role : {Role::kClerk, Role::kOfficer, Role::kAuditor, Role::kAdmin,
                    Role::kCitizen}) {
    if ((roles & RoleBit(role)) == 0) continue;
    if (!out.empty()) out += ", ";
    absl::StrAppend(&out, RoleName(role));
  }
  return out;
}

}  // namespace datarun::gateway
