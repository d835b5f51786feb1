#include "exchange/audit/subject_hasher.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/openssl_status.h"
#include "common/secret_file.h"
#include "common/status_macros.h"

namespace datarun::audit {
namespace {

[[noreturn]] void DieOnOpenSslFailure(absl::string_view what) {
  LogLine("subject_hash_failed", LogLevel::kError).Status(OpenSslError(what));
  std::abort();
}

EVP_MAC* FetchHmac() {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) DieOnOpenSslFailure("EVP_MAC_fetch(HMAC)");
  return mac;
}

// A fresh random key.
absl::StatusOr<std::string> RandomKey() {
  unsigned char random[SubjectHasher::kKeySize];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return OpenSslError("RAND_bytes for the audit key");
  }
  return std::string(reinterpret_cast<const char*>(random), sizeof(random));
}

}  // namespace

SubjectHasher::SubjectHasher(std::string key, EVP_MAC* mac)
    : key_(std::move(key)), mac_(mac) {
  keyed_ = EVP_MAC_CTX_new(mac_);
  if (keyed_ == nullptr) DieOnOpenSslFailure("EVP_MAC_CTX_new");
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(keyed_, reinterpret_cast<const unsigned char*>(key_.data()),
                   key_.size(), params) != 1) {
    DieOnOpenSslFailure("EVP_MAC_init(HMAC-SHA256)");
  }
}

SubjectHasher::~SubjectHasher() {
  EVP_MAC_CTX_free(keyed_);
  EVP_MAC_free(mac_);
}

std::unique_ptr<SubjectHasher> SubjectHasher::FromKey(std::string key) {
  return std::unique_ptr<SubjectHasher>(
      new SubjectHasher(std::move(key), FetchHmac()));
}

absl::StatusOr<std::unique_ptr<SubjectHasher>> SubjectHasher::OpenOrCreate(
    absl::string_view key_file) {
  bool created = false;
  ASSIGN_OR_RETURN(
      std::string key,
      ReadOrCreateSecretFile(key_file, "audit key file", RandomKey, &created));
  if (created) LogLine("audit_key_created").Str("file", key_file);
  if (key.size() != kKeySize) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit key file ", key_file, " holds ", key.size(),
                     " bytes, expected ", kKeySize));
  }
  return FromKey(std::move(key));
}

std::string SubjectHasher::Hash(absl::string_view subject) const {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed_);
  if (ctx == nullptr) DieOnOpenSslFailure("EVP_MAC_CTX_dup");
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  bool ok = EVP_MAC_update(
                ctx, reinterpret_cast<const unsigned char*>(subject.data()),
                subject.size()) == 1 &&
            EVP_MAC_final(ctx, out, &out_len, sizeof(out)) == 1;
  EVP_MAC_CTX_free(ctx);
  if (!ok) DieOnOpenSslFailure("HMAC-SHA256");
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(out), out_len));
}

}  // namespace datarun::audit
