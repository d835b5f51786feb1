// Ed25519 (RFC 8032) through OpenSSL 3's EVP interface: the signature
// primitive under signed notes. Internal to exchange/checkpoint; other code
// uses NoteSigner and NoteVerifier.
#ifndef DATARUN_EXCHANGE_CHECKPOINT_ED25519_H_
#define DATARUN_EXCHANGE_CHECKPOINT_ED25519_H_

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// OpenSSL's key type, without pulling <openssl/evp.h> into every includer.
typedef struct evp_pkey_st EVP_PKEY;

namespace datarun::checkpoint {

inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// An Ed25519 private key. Immutable; thread-safe.
class Ed25519PrivateKey {
 public:
  // Returns a fresh key from OpenSSL's CSPRNG. INTERNAL if OpenSSL fails.
  static absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> Generate();

  // Returns the key with the given 32-byte RFC 8032 seed ("secret key").
  // INVALID_ARGUMENT when `seed` is not 32 bytes.
  static absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> FromSeed(
      absl::string_view seed);

  // Parses an unencrypted PKCS#8 PEM ("BEGIN PRIVATE KEY") Ed25519 key.
  // INVALID_ARGUMENT when it does not parse, is encrypted (never prompts)
  // or holds another key type.
  static absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> FromPem(
      absl::string_view pem);

  Ed25519PrivateKey(const Ed25519PrivateKey&) = delete;
  Ed25519PrivateKey& operator=(const Ed25519PrivateKey&) = delete;
  ~Ed25519PrivateKey();

  // Returns the 32-byte public key.
  const std::string& public_key() const { return public_key_; }

  // Returns the key as unencrypted PKCS#8 PEM. INTERNAL if OpenSSL fails.
  absl::StatusOr<std::string> ToPem() const;

  // Returns the 64-byte signature of `message` (pure Ed25519, no
  // pre-hash). INTERNAL if OpenSSL fails.
  absl::StatusOr<std::string> Sign(absl::string_view message) const;

 private:
  static absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> Wrap(EVP_PKEY* key);
  Ed25519PrivateKey(EVP_PKEY* key, std::string public_key);

  EVP_PKEY* const key_;  // owned
  const std::string public_key_;
};

// Returns true when `signature` is a valid 64-byte Ed25519 signature of
// `message` by the 32-byte `public_key`; false otherwise (including wrong
// sizes). Thread-safe.
bool VerifyEd25519(absl::string_view public_key, absl::string_view message,
                   absl::string_view signature);

}  // namespace datarun::checkpoint

#endif  // DATARUN_EXCHANGE_CHECKPOINT_ED25519_H_
