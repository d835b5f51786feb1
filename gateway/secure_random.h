// Random values from OpenSSL's CSPRNG (RAND_bytes) for session ids, CSRF
// tokens, salts and one-time codes. Thread-safe. Aborts the process if the
// CSPRNG fails (it never does on a working system, and continuing with
// predictable secrets would be worse).
#ifndef DATARUN_GATEWAY_SECURE_RANDOM_H_
#define DATARUN_GATEWAY_SECURE_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace datarun::gateway {

// Returns `n` random bytes.
std::string RandomBytes(size_t n);

// Returns `n` random bytes in unpadded base64url (e.g. 32 bytes -> 43
// characters): safe in cookies, headers and URLs.
std::string RandomToken(size_t n = 32);

// Returns a uniformly random integer in [0, bound) (bound > 0), without
// modulo bias.
uint32_t RandomBelow(uint32_t bound);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_SECURE_RANDOM_H_
