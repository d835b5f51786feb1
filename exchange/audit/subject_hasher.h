// Keyed hashing of subjects for the audit log: the raw identity number is
// never stored, only HMAC-SHA256(audit key, subject), so entries about one
// person can be found again by whoever holds the key, and by nobody else.
#ifndef DATARUN_EXCHANGE_AUDIT_SUBJECT_HASHER_H_
#define DATARUN_EXCHANGE_AUDIT_SUBJECT_HASHER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// OpenSSL's EVP_MAC, without pulling <openssl/evp.h> into every includer.
typedef struct evp_mac_st EVP_MAC;
typedef struct evp_mac_ctx_st EVP_MAC_CTX;

namespace datarun::audit {

// HMAC-SHA256 via OpenSSL 3's EVP_MAC. Thread-safe: the key is absorbed
// once at construction, and each thread hashes with its own copy of that
// context (kept for the thread's life: one context per thread that hashed).
class SubjectHasher {
 public:
  // Size of the key OpenOrCreate reads and writes.
  static constexpr size_t kKeySize = 32;

  // Reads the 32-byte key from `key_file`; when the file does not exist,
  // creates it (and missing parent directories) with 32 bytes from RAND_bytes
  // and mode 0600, without ever replacing a key another process created
  // concurrently. Errors, each naming the file:
  //   FAILED_PRECONDITION  the file is not 32 bytes long, or it is readable
  //                        or writable by group or others (chmod 600 it);
  //   PERMISSION_DENIED    the file or its directory cannot be read/written;
  //   INTERNAL             RAND_bytes or other I/O failed.
  static absl::StatusOr<std::unique_ptr<SubjectHasher>> OpenOrCreate(
      absl::string_view key_file);

  // Returns a hasher with the given key (any length; for tests and tools).
  static std::unique_ptr<SubjectHasher> FromKey(std::string key);

  SubjectHasher(const SubjectHasher&) = delete;
  SubjectHasher& operator=(const SubjectHasher&) = delete;
  ~SubjectHasher();

  // Returns HMAC-SHA256(key, subject) as 64 lowercase hex characters. Aborts
  // the process if OpenSSL fails (only with a broken installation).
  std::string Hash(absl::string_view subject) const;

 private:
  SubjectHasher(std::string key, EVP_MAC* mac);

  const std::string key_;
  // Fetched once; immutable and shareable between threads.
  EVP_MAC* const mac_;
  // HMAC-SHA256 context with the key already absorbed; never updated, only
  // copied (EVP_MAC_CTX_dup), so concurrent Hash calls may share it. Keying
  // a fresh context on every call (digest fetch, key pads) cost more than
  // hashing the subject.
  EVP_MAC_CTX* keyed_ = nullptr;
  // Unique among the process's hashers; names the per-thread contexts.
  const uint64_t id_;
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_SUBJECT_HASHER_H_
