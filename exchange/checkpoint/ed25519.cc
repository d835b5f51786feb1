#include "exchange/checkpoint/ed25519.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "common/openssl_status.h"

namespace datarun::checkpoint {
namespace {

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Refuses to prompt for a passphrase (OpenSSL's default reads the tty).
int NoPassphrase(char*, int, int, void*) { return 0; }

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free_all(bio); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

}  // namespace

Ed25519PrivateKey::Ed25519PrivateKey(EVP_PKEY* key, std::string public_key)
    : key_(key), public_key_(std::move(public_key)) {}

Ed25519PrivateKey::~Ed25519PrivateKey() { EVP_PKEY_free(key_); }

absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> Ed25519PrivateKey::Wrap(
    EVP_PKEY* key) {
  std::unique_ptr<EVP_PKEY, PkeyDeleter> owned(key);
  if (EVP_PKEY_get_id(key) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError(std::string("the private key is ") +
                                      OBJ_nid2sn(EVP_PKEY_get_id(key)) +
                                      ", not Ed25519");
  }
  std::string public_key(kEd25519PublicKeySize, '\0');
  size_t len = public_key.size();
  if (EVP_PKEY_get_raw_public_key(
          key, reinterpret_cast<unsigned char*>(public_key.data()), &len) !=
          1 ||
      len != kEd25519PublicKeySize) {
    return OpenSslError("EVP_PKEY_get_raw_public_key(Ed25519)");
  }
  return std::unique_ptr<Ed25519PrivateKey>(
      new Ed25519PrivateKey(owned.release(), std::move(public_key)));
}

absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>>
Ed25519PrivateKey::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) return OpenSslError("generating an Ed25519 key");
  return Wrap(key);
}

absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> Ed25519PrivateKey::FromSeed(
    absl::string_view seed) {
  if (seed.size() != kEd25519SeedSize) {
    return absl::InvalidArgumentError("an Ed25519 seed must be 32 bytes, got " +
                                      std::to_string(seed.size()));
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                               Bytes(seed), seed.size());
  if (key == nullptr) return OpenSslError("EVP_PKEY_new_raw_private_key");
  return Wrap(key);
}

absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> Ed25519PrivateKey::FromPem(
    absl::string_view pem) {
  std::unique_ptr<BIO, BioDeleter> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return OpenSslError("BIO_new_mem_buf");
  EVP_PKEY* key =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr);
  if (key == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "not an unencrypted PEM private key");
  }
  return Wrap(key);
}

absl::StatusOr<std::string> Ed25519PrivateKey::ToPem() const {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key_, nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    return OpenSslError("PEM_write_bio_PrivateKey(Ed25519)");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::StatusOr<std::string> Ed25519PrivateKey::Sign(
    absl::string_view message) const {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  std::string signature(kEd25519SignatureSize, '\0');
  size_t len = signature.size();
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_) != 1 ||
      EVP_DigestSign(ctx.get(),
                     reinterpret_cast<unsigned char*>(signature.data()), &len,
                     Bytes(message), message.size()) != 1 ||
      len != kEd25519SignatureSize) {
    return OpenSslError("Ed25519 signing");
  }
  return signature;
}

bool VerifyEd25519(absl::string_view public_key, absl::string_view message,
                   absl::string_view signature) {
  if (public_key.size() != kEd25519PublicKeySize ||
      signature.size() != kEd25519SignatureSize) {
    return false;
  }
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, Bytes(public_key), public_key.size()));
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  bool ok = key != nullptr && ctx != nullptr &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr,
                                 key.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                             Bytes(message), message.size()) == 1;
  // A rejected signature leaves reasons on this thread's error queue; they
  // are not errors of ours and must not surface in a later, unrelated call.
  ERR_clear_error();
  return ok;
}

}  // namespace datarun::checkpoint
