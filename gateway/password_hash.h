// Salted password hashes for the gateway's local accounts: scrypt (RFC
// 7914, OpenSSL EVP_PBE_scrypt) with a random 16-byte salt and a 32-byte
// key, in a self-describing string
//
//   $scrypt$ln=15,r=8,p=1$<salt, base64>$<hash, base64>
//
// (ln is log2 of the CPU/memory cost N). Verification recomputes the hash
// with the parameters in the string and compares in constant time. One
// hash at the default cost takes about 32 MiB and tens of milliseconds:
// call these off the I/O threads. Pure functions; thread-safe.
#ifndef DATARUN_GATEWAY_PASSWORD_HASH_H_
#define DATARUN_GATEWAY_PASSWORD_HASH_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::gateway {

struct ScryptParams {
  // log2(N); 10..20 accepted.
  int log2_n = 15;
  // Block size; 1..32.
  int r = 8;
  // Parallelism; 1..16.
  int p = 1;
};

// Returns the encoded hash of `password` with a fresh random salt.
// INVALID_ARGUMENT for an empty password or parameters out of range;
// INTERNAL when OpenSSL fails.
absl::StatusOr<std::string> HashPassword(absl::string_view password,
                                         ScryptParams params = ScryptParams());

// Checks that `encoded` is a well-formed hash this module can verify.
// INVALID_ARGUMENT naming the malformed part ("parameters", "salt",
// "hash", the scheme) otherwise; the message never contains `encoded`.
absl::Status ValidatePasswordHash(absl::string_view encoded);

// Returns the scrypt parameters of `encoded`; errors as
// ValidatePasswordHash.
absl::StatusOr<ScryptParams> PasswordHashParams(absl::string_view encoded);

// OK when `password` matches `encoded`. UNAUTHENTICATED "wrong password"
// when it does not; INVALID_ARGUMENT as ValidatePasswordHash for a
// malformed (e.g. tampered) hash; INTERNAL when OpenSSL fails.
absl::Status VerifyPassword(absl::string_view password,
                            absl::string_view encoded);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_PASSWORD_HASH_H_
