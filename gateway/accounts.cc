#include "gateway/accounts.h"

#include "absl/strings/str_cat.h"
#include "gateway/password_hash.h"
#include "gateway/secure_random.h"

namespace datarun::gateway {
namespace {

absl::Status Bad(int index, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("accounts[", index, "]: ", problem));
}

constexpr char kWrongCredentials[] = "wrong username or password";

}  // namespace

absl::StatusOr<std::unique_ptr<Accounts>> Accounts::Create(
    const google::protobuf::RepeatedPtrField<v1::GatewayAccount>& accounts) {
  std::unique_ptr<Accounts> table(new Accounts);
  for (int i = 0; i < accounts.size(); ++i) {
    const v1::GatewayAccount& account = accounts.Get(i);
    if (account.username().empty()) return Bad(i, "username: required");
    absl::StatusOr<Role> role = ParseAccountRole(account.role());
    if (!role.ok())
      return Bad(i, absl::StrCat("role: ", role.status().message()));
    if (*role == Role::kOfficer && account.department().empty()) {
      return Bad(i, "department: required for an officer");
    }
    if (*role != Role::kOfficer && !account.department().empty()) {
      return Bad(i, "department: only officers have a department");
    }
    if (absl::Status hash = ValidatePasswordHash(account.password_hash());
        !hash.ok()) {
      return Bad(i, absl::StrCat("password_hash: ", hash.message()));
    }
    Entry entry;
    entry.account.username = account.username();
    entry.account.display_name = account.display_name().empty()
                                     ? account.username()
                                     : account.display_name();
    entry.account.role = *role;
    entry.account.department = account.department();
    entry.password_hash = account.password_hash();
    if (!table->accounts_.emplace(account.username(), std::move(entry))
             .second) {
      return Bad(i, absl::StrCat("username: '", account.username(),
                                 "' is used by an earlier account"));
    }
  }
  // The decoy costs what a real account's hash costs, so an unknown
  // username takes as long as a wrong password.
  ScryptParams decoy_params;
  if (!accounts.empty()) {
    absl::StatusOr<ScryptParams> params =
        PasswordHashParams(accounts.Get(0).password_hash());
    if (params.ok()) decoy_params = *params;
  }
  absl::StatusOr<std::string> decoy =
      HashPassword(RandomToken(16), decoy_params);
  if (!decoy.ok()) return decoy.status();
  table->decoy_hash_ = *std::move(decoy);
  return table;
}

absl::StatusOr<Account> Accounts::Authenticate(
    absl::string_view username, absl::string_view password) const {
  auto it = accounts_.find(username);
  if (it == accounts_.end()) {
    // Same work as a real check, then the same answer.
    (void)VerifyPassword(password, decoy_hash_);
    return absl::UnauthenticatedError(kWrongCredentials);
  }
  absl::Status verified = VerifyPassword(password, it->second.password_hash);
  if (!verified.ok()) {
    if (absl::IsUnauthenticated(verified)) {
      return absl::UnauthenticatedError(kWrongCredentials);
    }
    return verified;
  }
  return it->second.account;
}

}  // namespace datarun::gateway
