#include "exchange/checkpoint/note_signer.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/secret_file.h"
#include "common/status_macros.h"
#include "exchange/checkpoint/key_text.h"
#include "exchange/checkpoint/note_text.h"

namespace datarun::checkpoint {
namespace {

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
  RETURN_IF_ERROR(ValidateKeyName(name));
  std::unique_ptr<NoteSigner> fresh;
  bool created = false;
  ASSIGN_OR_RETURN(std::string pem, ReadOrCreateSecretFile(
                                        path, "checkpoint key file",
                                        [&]() -> absl::StatusOr<std::string> {
                                          ASSIGN_OR_RETURN(fresh,
                                                           Generate(name));
                                          return fresh->PrivateKeyPem();
                                        },
                                        &created));
  if (created) {
    LogLine("checkpoint_key_created")
        .Str("file", path)
        .Str("verifier_key", fresh->VerifierKey());
    return fresh;
  }
  absl::StatusOr<std::unique_ptr<NoteSigner>> signer =
      FromPrivateKeyPem(name, pem);
  if (!signer.ok()) {
    return absl::Status(signer.status().code(),
                        absl::StrCat("checkpoint key file ", path, ": ",
                                     signer.status().message()));
  }
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
