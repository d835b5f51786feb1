#include "exchange/audit/subject_hasher.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <atomic>
#include <cstdint>
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

// Source of SubjectHasher::id_: never reused, so a thread's cached context
// cannot be mistaken for one of a later hasher at the same address.
std::atomic<uint64_t> g_next_hasher_id{1};

// One MAC context per thread, keyed for the hasher that used it last.
struct ThreadMacContext {
  uint64_t hasher_id = 0;
  EVP_MAC_CTX* ctx = nullptr;
  ~ThreadMacContext() { EVP_MAC_CTX_free(ctx); }
};

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
    : key_(std::move(key)),
      mac_(mac),
      id_(g_next_hasher_id.fetch_add(1, std::memory_order_relaxed)) {
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
  // This thread's context: a copy of keyed_ the first time, afterwards
  // re-initialised with the key it already holds (EVP_MAC_init without a
  // key restarts HMAC from the stored key pads), which costs a fraction of
  // a copy.
  thread_local ThreadMacContext local;
  if (local.hasher_id != id_) {
    EVP_MAC_CTX_free(local.ctx);
    local.ctx = EVP_MAC_CTX_dup(keyed_);
    if (local.ctx == nullptr) DieOnOpenSslFailure("EVP_MAC_CTX_dup");
    local.hasher_id = id_;
  } else if (EVP_MAC_init(local.ctx, nullptr, 0, nullptr) != 1) {
    DieOnOpenSslFailure("EVP_MAC_init(HMAC-SHA256, same key)");
  }
  EVP_MAC_CTX* ctx = local.ctx;
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  bool ok = EVP_MAC_update(
                ctx, reinterpret_cast<const unsigned char*>(subject.data()),
                subject.size()) == 1 &&
            EVP_MAC_final(ctx, out, &out_len, sizeof(out)) == 1;
  if (!ok) DieOnOpenSslFailure("HMAC-SHA256");
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(out), out_len));
}

}  // namespace datarun::audit
