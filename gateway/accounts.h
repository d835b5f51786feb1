// The officials who may sign in: the accounts of the gateway config, each
// with a salted scrypt password hash (password_hash.h).
//
// Immutable after Create; thread-safe.
#ifndef DATARUN_GATEWAY_ACCOUNTS_H_
#define DATARUN_GATEWAY_ACCOUNTS_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/gateway.pb.h"
#include "gateway/roles.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace datarun::gateway {

struct Account {
  std::string username;
  std::string display_name;
  Role role = Role::kClerk;
  // An officer's department; empty otherwise.
  std::string department;
};

class Accounts {
 public:
  // Builds the account table. INVALID_ARGUMENT naming the account index
  // for a duplicate or empty username, an unknown role, an officer without
  // a department (or another role with one), or a malformed password hash.
  // (LoadGatewayConfig checks the same with file:line.)
  static absl::StatusOr<std::unique_ptr<Accounts>> Create(
      const google::protobuf::RepeatedPtrField<v1::GatewayAccount>& accounts);

  // Returns the account when `password` is its password. UNAUTHENTICATED
  // "wrong username or password" for an unknown username and for a wrong
  // password alike; an unknown username costs the same scrypt work as a
  // known one, so timing does not tell them apart. Slow (one scrypt hash):
  // call it off the I/O threads.
  absl::StatusOr<Account> Authenticate(absl::string_view username,
                                       absl::string_view password) const;

  size_t size() const { return accounts_.size(); }

 private:
  struct Entry {
    Account account;
    std::string password_hash;
  };
  Accounts() = default;

  std::map<std::string, Entry, std::less<>> accounts_;
  // A hash of a random password, verified for unknown usernames.
  std::string decoy_hash_;
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_ACCOUNTS_H_
