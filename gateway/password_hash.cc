#include "gateway/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdint>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/openssl_status.h"
#include "gateway/secure_random.h"

namespace datarun::gateway {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

struct Decoded {
  ScryptParams params;
  std::string salt;
  std::string hash;
};

absl::Status CheckParams(const ScryptParams& params) {
  if (params.log2_n < 10 || params.log2_n > 20) {
    return absl::InvalidArgumentError(
        "password hash: parameters: ln must be between 10 and 20");
  }
  if (params.r < 1 || params.r > 32) {
    return absl::InvalidArgumentError(
        "password hash: parameters: r must be between 1 and 32");
  }
  if (params.p < 1 || params.p > 16) {
    return absl::InvalidArgumentError(
        "password hash: parameters: p must be between 1 and 16");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Derive(absl::string_view password,
                                   absl::string_view salt,
                                   const ScryptParams& params, size_t length) {
  const uint64_t n = uint64_t{1} << params.log2_n;
  // scrypt needs 128 * r * N bytes for V plus 128 * r * p for B; allow
  // twice that.
  const uint64_t max_mem = 2 * 128 * static_cast<uint64_t>(params.r) *
                               (n + static_cast<uint64_t>(params.p)) +
                           (1 << 20);
  std::string out(length, '\0');
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()),
                     salt.size(), n, static_cast<uint64_t>(params.r),
                     static_cast<uint64_t>(params.p), max_mem,
                     reinterpret_cast<unsigned char*>(out.data()),
                     out.size()) != 1) {
    return OpenSslError("scrypt");
  }
  return out;
}

absl::StatusOr<Decoded> Decode(absl::string_view encoded) {
  // "", "scrypt", "ln=..,r=..,p=..", salt, hash
  std::vector<absl::string_view> parts = absl::StrSplit(encoded, '$');
  if (parts.size() != 5 || !parts[0].empty() || parts[1] != "scrypt") {
    return absl::InvalidArgumentError(
        "password hash: expected \"$scrypt$ln=<n>,r=<r>,p=<p>$<salt>$<hash>\"");
  }
  Decoded decoded;
  bool have_ln = false, have_r = false, have_p = false;
  for (absl::string_view item : absl::StrSplit(parts[2], ',')) {
    std::vector<absl::string_view> kv = absl::StrSplit(item, '=');
    int value = 0;
    if (kv.size() != 2 || !absl::SimpleAtoi(kv[1], &value)) {
      return absl::InvalidArgumentError(
          "password hash: parameters: expected ln=<n>,r=<r>,p=<p>");
    }
    if (kv[0] == "ln") {
      decoded.params.log2_n = value;
      have_ln = true;
    } else if (kv[0] == "r") {
      decoded.params.r = value;
      have_r = true;
    } else if (kv[0] == "p") {
      decoded.params.p = value;
      have_p = true;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "password hash: parameters: unknown parameter '", kv[0], "'"));
    }
  }
  if (!have_ln || !have_r || !have_p) {
    return absl::InvalidArgumentError(
        "password hash: parameters: ln, r and p are all required");
  }
  if (absl::Status params = CheckParams(decoded.params); !params.ok()) {
    return params;
  }
  if (!absl::Base64Unescape(parts[3], &decoded.salt) ||
      decoded.salt.size() < 8) {
    return absl::InvalidArgumentError(
        "password hash: salt: not base64 of at least 8 bytes");
  }
  if (!absl::Base64Unescape(parts[4], &decoded.hash) ||
      decoded.hash.size() < 16 || decoded.hash.size() > 64) {
    return absl::InvalidArgumentError(
        "password hash: hash: not base64 of 16 to 64 bytes");
  }
  return decoded;
}

}  // namespace

absl::StatusOr<std::string> HashPassword(absl::string_view password,
                                         ScryptParams params) {
  if (password.empty()) {
    return absl::InvalidArgumentError("password: must not be empty");
  }
  if (absl::Status check = CheckParams(params); !check.ok()) return check;
  const std::string salt = RandomBytes(kSaltBytes);
  absl::StatusOr<std::string> hash = Derive(password, salt, params, kHashBytes);
  if (!hash.ok()) return hash.status();
  return absl::StrCat("$scrypt$ln=", params.log2_n, ",r=", params.r,
                      ",p=", params.p, "$", absl::Base64Escape(salt), "$",
                      absl::Base64Escape(*hash));
}

absl::Status ValidatePasswordHash(absl::string_view encoded) {
  return Decode(encoded).status();
}

absl::StatusOr<ScryptParams> PasswordHashParams(absl::string_view encoded) {
  absl::StatusOr<Decoded> decoded = Decode(encoded);
  if (!decoded.ok()) return decoded.status();
  return decoded->params;
}

absl::Status VerifyPassword(absl::string_view password,
                            absl::string_view encoded) {
  absl::StatusOr<Decoded> decoded = Decode(encoded);
  if (!decoded.ok()) return decoded.status();
  absl::StatusOr<std::string> hash =
      Derive(password, decoded->salt, decoded->params, decoded->hash.size());
  if (!hash.ok()) return hash.status();
  if (CRYPTO_memcmp(hash->data(), decoded->hash.data(), hash->size()) != 0) {
    return absl::UnauthenticatedError("wrong password");
  }
  return absl::OkStatus();
}

}  // namespace datarun::gateway
