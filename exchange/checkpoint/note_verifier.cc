#include "exchange/checkpoint/note_verifier.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "exchange/checkpoint/ed25519.h"
#include "exchange/checkpoint/key_text.h"
#include "exchange/checkpoint/note_text.h"

namespace datarun::checkpoint {
namespace {

absl::Status Malformed(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("malformed note: ", why));
}

uint32_t BigEndian32(absl::string_view b) {
  auto byte = [&](int i) { return uint32_t{static_cast<uint8_t>(b[i])}; };
  return byte(0) << 24 | byte(1) << 16 | byte(2) << 8 | byte(3);
}

}  // namespace

NoteVerifier::NoteVerifier(std::string name, uint32_t key_id,
                           std::string public_key)
    : name_(std::move(name)),
      key_id_(key_id),
      public_key_(std::move(public_key)) {}

absl::StatusOr<NoteVerifier> NoteVerifier::FromVerifierKey(
    absl::string_view vkey) {
  ASSIGN_OR_RETURN(KeyText parsed, ParseKeyText(vkey, "verifier key"));
  if (parsed.key.size() != 1 + kEd25519PublicKeySize) {
    return absl::InvalidArgumentError(absl::StrCat(
        "verifier key for \"", parsed.name,
        "\": an Ed25519 key is 1 + 32 bytes, got ", parsed.key.size()));
  }
  std::string public_key = parsed.key.substr(1);
  uint32_t actual = KeyId(parsed.name, kSignatureTypeEd25519, public_key);
  if (actual != parsed.key_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("verifier key for \"", parsed.name, "\" says key ID ",
                     KeyIdHex(parsed.key_id), " but its name and key have ID ",
                     KeyIdHex(actual)));
  }
  return NoteVerifier(std::move(parsed.name), actual, std::move(public_key));
}

std::string NoteVerifier::VerifierKey() const {
  std::string key(1, static_cast<char>(kSignatureTypeEd25519));
  key += public_key_;
  return absl::StrCat(name_, "+", KeyIdHex(key_id_), "+",
                      absl::Base64Escape(key));
}

absl::StatusOr<std::string> NoteVerifier::Open(absl::string_view note) const {
  absl::Status bytes_ok = ValidateNoteBytes(note);
  if (!bytes_ok.ok()) return Malformed(bytes_ok.message());
  size_t split = note.rfind("\n\n");
  if (split == absl::string_view::npos) {
    return Malformed("no blank line before the signature lines");
  }
  absl::string_view text = note.substr(0, split + 1);
  absl::string_view signatures = note.substr(split + 2);
  if (signatures.empty() || signatures.back() != '\n') {
    return Malformed("the signature lines must end with a newline");
  }

  bool verified = false;
  std::vector<std::string> other_keys;
  int line_number = 0;
  while (!signatures.empty()) {
    size_t newline = signatures.find('\n');
    absl::string_view line = signatures.substr(0, newline);
    signatures.remove_prefix(newline + 1);
    if (++line_number > kMaxSignatures) {
      return Malformed(
          absl::StrCat("more than ", kMaxSignatures, " signature lines"));
    }
    std::string where = absl::StrCat("signature line ", line_number);
    if (!absl::ConsumePrefix(&line, kSignatureLinePrefix)) {
      return Malformed(absl::StrCat(
          where, " does not start with an em dash (U+2014) and a space"));
    }
    size_t space = line.find(' ');
    if (space == absl::string_view::npos) {
      return Malformed(absl::StrCat(where, " has no space after the key name"));
    }
    absl::string_view name = line.substr(0, space);
    absl::Status name_ok = ValidateKeyName(name);
    if (!name_ok.ok()) {
      return Malformed(absl::StrCat(where, ": ", name_ok.message()));
    }
    absl::StatusOr<std::string> blob =
        DecodeBase64Strict(line.substr(space + 1));
    if (!blob.ok()) {
      return Malformed(
          absl::StrCat(where, ": the signature is ", blob.status().message()));
    }
    if (blob->size() < 5) {
      return Malformed(
          absl::StrCat(where, ": the signature is shorter than 5 bytes"));
    }
    uint32_t key_id = BigEndian32(*blob);
    if (name != name_ || key_id != key_id_) {
      // Someone else's key (a witness, a rotated key): ignored.
      other_keys.push_back(absl::StrCat(name, "+", KeyIdHex(key_id)));
      continue;
    }
    if (!VerifyEd25519(public_key_, text, absl::string_view(*blob).substr(4))) {
      return absl::UnauthenticatedError(
          absl::StrCat("note signature by key ", name_, "+", KeyIdHex(key_id_),
                       " does not verify (", where,
                       "): the note text or the signature was altered"));
    }
    verified = true;
  }
  if (!verified) {
    return absl::NotFoundError(absl::StrCat(
        "note has no signature by key ", name_, "+", KeyIdHex(key_id_),
        other_keys.empty() ? std::string()
                           : absl::StrCat("; it is signed by ",
                                          absl::StrJoin(other_keys, ", "))));
  }
  return std::string(text);
}

}  // namespace datarun::checkpoint
