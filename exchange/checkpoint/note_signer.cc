#include "exchange/checkpoint/note_signer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "exchange/checkpoint/key_text.h"
#include "exchange/checkpoint/note_text.h"

namespace datarun::checkpoint {
namespace {

std::string ParentDir(absl::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == absl::string_view::npos || slash == 0) return "";
  return std::string(path.substr(0, slash));
}

absl::Status InFile(const absl::Status& status, absl::string_view path) {
  return absl::Status(status.code(), absl::StrCat("checkpoint key file ", path,
                                                  ": ", status.message()));
}

// Reads an existing key file after checking nobody else may read it.
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    int err = errno;
    std::string message =
        absl::StrCat("checkpoint key file ", path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(message);
    if (err == EACCES) return absl::PermissionDeniedError(message);
    return absl::InternalError(message);
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "checkpoint key file %s has mode %04o: it must not be accessible to "
        "group or others (chmod 600 %s)",
        path, st.st_mode & 07777, path));
  }
  return ReadFile(path);
}

// Creates `path` holding `pem`. ALREADY_EXISTS when another process created
// it first (the caller then reads theirs).
absl::Status CreateKeyFile(const std::string& path, const std::string& pem) {
  std::string parent = ParentDir(path);
  if (!parent.empty()) RETURN_IF_ERROR(MakeDirs(parent));
  // Written completely under a private name, then linked into place: link()
  // never replaces an existing file, so a concurrent creator's key survives.
  std::string tmp = absl::StrCat(path, ".new.", ::getpid());
  RETURN_IF_ERROR(WriteFileAtomically(tmp, pem, 0600));
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  ::unlink(tmp.c_str());
  if (rc != 0) {
    if (err == EEXIST) {
      return absl::AlreadyExistsError(absl::StrCat(path, " exists"));
    }
    std::string message = absl::StrCat("cannot create checkpoint key file ",
                                       path, ": ", std::strerror(err));
    if (err == EACCES || err == EPERM) {
      return absl::PermissionDeniedError(message);
    }
    return absl::InternalError(message);
  }
  // The content is synced (WriteFileAtomically); make the new name durable.
  std::string dir = parent.empty() ? (path[0] == '/' ? "/" : ".") : parent;
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return absl::OkStatus();
}

std::string PublicKeyField(const std::string& public_key) {
  std::string field(1, static_cast<char>(kSignatureTypeEd25519));
  field += public_key;
  return field;
}

}  // namespace

NoteSigner::NoteSigner(std::string name, std::unique_ptr<Ed25519PrivateKey> key)
    : name_(std::move(name)),
      key_(std::move(key)),
      key_id_(KeyId(name_, kSignatureTypeEd25519, key_->public_key())) {}

absl::StatusOr<std::unique_ptr<NoteSigner>> NoteSigner::Create(
    absl::string_view name, std::unique_ptr<Ed25519PrivateKey> key) {
  RETURN_IF_ERROR(ValidateKeyName(name));
  return std::unique_ptr<NoteSigner>(
      new NoteSigner(std::string(name), std::move(key)));
}

absl::StatusOr<std::unique_ptr<NoteSigner>> NoteSigner::Generate(
    absl::string_view name) {
  RETURN_IF_ERROR(ValidateKeyName(name));
  ASSIGN_OR_RETURN(std::unique_ptr<Ed25519PrivateKey> key,
                   Ed25519PrivateKey::Generate());
  return Create(name, std::move(key));
}

absl::StatusOr<std::unique_ptr<NoteSigner>> NoteSigner::FromPrivateKeyPem(
    absl::string_view name, absl::string_view pem) {
  RETURN_IF_ERROR(ValidateKeyName(name));
  ASSIGN_OR_RETURN(std::unique_ptr<Ed25519PrivateKey> key,
                   Ed25519PrivateKey::FromPem(pem));
  return Create(name, std::move(key));
}

absl::StatusOr<std::unique_ptr<NoteSigner>> NoteSigner::FromSignerKey(
    absl::string_view skey) {
  // Never echo the key: it is secret.
  auto [private_word, rest1] = ChopAtPlus(skey);
  auto [key_word, rest2] = ChopAtPlus(rest1);
  if (private_word != "PRIVATE" || key_word != "KEY") {
    return absl::InvalidArgumentError(
        "signer key must start with \"PRIVATE+KEY+\"");
  }
  ASSIGN_OR_RETURN(KeyText parsed, ParseKeyText(rest2, "signer key"));
  if (parsed.key.size() != 1 + kEd25519SeedSize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signer key: an Ed25519 key is 1 + 32 bytes, got ", parsed.key.size()));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Ed25519PrivateKey> key,
                   Ed25519PrivateKey::FromSeed(parsed.key.substr(1)));
  uint32_t actual =
      KeyId(parsed.name, kSignatureTypeEd25519, key->public_key());
  if (actual != parsed.key_id) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signer key for \"", absl::CHexEscape(parsed.name), "\" says key ID ",
        KeyIdHex(parsed.key_id), " but its key has ID ", KeyIdHex(actual)));
  }
  return Create(parsed.name, std::move(key));
}

absl::StatusOr<std::unique_ptr<NoteSigner>> NoteSigner::LoadOrCreate(
    absl::string_view path, absl::string_view name) {
  std::string file(path);
  if (file.empty()) {
    return absl::InvalidArgumentError("checkpoint key file path is empty");
  }
  RETURN_IF_ERROR(ValidateKeyName(name));
  absl::StatusOr<std::string> pem = ReadKeyFile(file);
  if (pem.status().code() == absl::StatusCode::kNotFound) {
    ASSIGN_OR_RETURN(std::unique_ptr<NoteSigner> fresh, Generate(name));
    ASSIGN_OR_RETURN(std::string fresh_pem, fresh->PrivateKeyPem());
    absl::Status created = CreateKeyFile(file, fresh_pem);
    if (created.ok()) {
      LogLine("checkpoint_key_created")
          .Str("file", file)
          .Str("verifier_key", fresh->VerifierKey());
      return fresh;
    }
    if (created.code() != absl::StatusCode::kAlreadyExists) return created;
    pem = ReadKeyFile(file);  // someone else's, created concurrently
  }
  if (!pem.ok()) return pem.status();
  absl::StatusOr<std::unique_ptr<NoteSigner>> signer =
      FromPrivateKeyPem(name, *pem);
  if (!signer.ok()) return InFile(signer.status(), file);
  return signer;
}

absl::StatusOr<std::string> NoteSigner::Sign(absl::string_view text) const {
  RETURN_IF_ERROR(ValidateNoteText(text));
  ASSIGN_OR_RETURN(std::string signature, key_->Sign(text));
  std::string blob(4, '\0');
  blob[0] = static_cast<char>(key_id_ >> 24);
  blob[1] = static_cast<char>(key_id_ >> 16);
  blob[2] = static_cast<char>(key_id_ >> 8);
  blob[3] = static_cast<char>(key_id_);
  blob += signature;
  return absl::StrCat(text, "\n", kSignatureLinePrefix, name_, " ",
                      absl::Base64Escape(blob), "\n");
}

std::string NoteSigner::VerifierKey() const {
  return absl::StrCat(name_, "+", KeyIdHex(key_id_), "+",
                      absl::Base64Escape(PublicKeyField(key_->public_key())));
}

absl::StatusOr<std::string> NoteSigner::PrivateKeyPem() const {
  return key_->ToPem();
}

}  // namespace datarun::checkpoint
