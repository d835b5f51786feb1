#include "exchange/audit/subject_hasher.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/openssl_status.h"
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

std::string ParentDir(absl::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos || slash == 0) return "";
  return std::string(path.substr(0, slash));
}

// Reads and checks an existing key file.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    std::string message =
        absl::StrCat("audit key file ", path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(message);
    if (err == EACCES) return absl::PermissionDeniedError(message);
    return absl::InternalError(message);
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "audit key file %s has mode %04o: it must not be accessible to group "
        "or others (chmod 600 %s)",
        path, st.st_mode & 07777, path));
  }
  ASSIGN_OR_RETURN(std::string key, ReadFile(path));
  if (key.size() != SubjectHasher::kKeySize) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit key file ", path, " holds ", key.size(),
                     " bytes, expected ", SubjectHasher::kKeySize));
  }
  return key;
}

// Creates `path` with a fresh random key. Returns ALREADY_EXISTS when another
// process created it first (the caller then reads theirs).
absl::Status CreateKeyFile(const std::string& path) {
  std::string parent = ParentDir(path);
  if (!parent.empty()) RETURN_IF_ERROR(MakeDirs(parent));
  unsigned char random[SubjectHasher::kKeySize];
  if (RAND_bytes(random, sizeof(random)) != 1) {
    return OpenSslError(absl::StrCat("RAND_bytes for audit key file ", path));
  }
  std::string key(reinterpret_cast<const char*>(random), sizeof(random));
  // Written completely under a private name, then linked into place: link()
  // never replaces an existing file, so a concurrent creator's key survives.
  std::string tmp = absl::StrCat(path, ".new.", ::getpid());
  RETURN_IF_ERROR(WriteFileAtomically(tmp, key, 0600));
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (err == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat(path, " exists"));
    }
    return absl::InternalError(absl::StrCat("cannot create audit key file ",
                                            path, ": ", std::strerror(err)));
  }
  // The content is synced (WriteFileAtomically); make the new name durable.
  std::string dir = parent.empty() ? (path[0] == '/' ? "/" : ".") : parent;
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  LogLine("audit_key_created").Str("file", path);
  return absl::OkStatus();
}

}  // namespace

SubjectHasher::SubjectHasher(std::string key, EVP_MAC* mac)
    : key_(std::move(key)), mac_(mac) {}

SubjectHasher::~SubjectHasher() { EVP_MAC_free(mac_); }

std::unique_ptr<SubjectHasher> SubjectHasher::FromKey(std::string key) {
  return std::unique_ptr<SubjectHasher>(
      new SubjectHasher(std::move(key), FetchHmac()));
}

absl::StatusOr<std::unique_ptr<SubjectHasher>> SubjectHasher::OpenOrCreate(
    absl::string_view key_file) {
  std::string path(key_file);
  if (path.empty()) {
    return absl::InvalidArgumentError("audit key file path is empty");
  }
  absl::StatusOr<std::string> key = ReadKeyFile(path);
  if (key.status().code() == absl::StatusCode::kNotFound) {
    absl::Status created = CreateKeyFile(path);
    if (!created.ok() && created.code() != absl::StatusCode::kAlreadyExists) {
      return created;
    }
    key = ReadKeyFile(path);
  }
  if (!key.ok()) return key.status();
  return FromKey(*std::move(key));
}

std::string SubjectHasher::Hash(absl::string_view subject) const {
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac_);
  if (ctx == nullptr) DieOnOpenSslFailure("EVP_MAC_CTX_new");
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  bool ok =
      EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(key_.data()),
                   key_.size(), params) == 1 &&
      EVP_MAC_update(ctx,
                     reinterpret_cast<const unsigned char*>(subject.data()),
                     subject.size()) == 1 &&
      EVP_MAC_final(ctx, out, &out_len, sizeof(out)) == 1;
  EVP_MAC_CTX_free(ctx);
  if (!ok) DieOnOpenSslFailure("HMAC-SHA256");
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(out), out_len));
}

}  // namespace datarun::audit
