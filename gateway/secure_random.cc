#include "gateway/secure_random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/escaping.h"

namespace datarun::gateway {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                          static_cast<int>(n)) != 1) {
    std::fprintf(stderr, "datarun-gateway: RAND_bytes failed\n");
    std::abort();
  }
  return out;
}

std::string RandomToken(size_t n) {
  return absl::WebSafeBase64Escape(RandomBytes(n));
}

uint32_t RandomBelow(uint32_t bound) {
  // Reject the top partial range so every value is equally likely.
  const uint32_t limit = UINT32_MAX - (UINT32_MAX % bound);
  while (true) {
    uint32_t value;
    std::string bytes = RandomBytes(sizeof(value));
    std::memcpy(&value, bytes.data(), sizeof(value));
    if (value < limit) return value % bound;
  }
}

}  // namespace datarun::gateway
