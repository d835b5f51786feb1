// Verification of C2SP signed notes (https://c2sp.org/signed-note) against
// one trusted Ed25519 key, following the spec and Go's
// golang.org/x/mod/sumdb/note Open: the text is the note up to and
// including the newline before its last blank line; signatures by other
// keys (a different name or key ID) are ignored; a signature line that
// claims the trusted key must verify.
#ifndef DATARUN_EXCHANGE_CHECKPOINT_NOTE_VERIFIER_H_
#define DATARUN_EXCHANGE_CHECKPOINT_NOTE_VERIFIER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::checkpoint {

// A trusted public key. A small value type (copyable); thread-safe.
class NoteVerifier {
 public:
  // Parses a verifier key "<name>+<8 hex key ID>+<base64(0x01 || 32-byte
  // public key)>" (NoteSigner::VerifierKey, Go's note.NewVerifier format).
  // INVALID_ARGUMENT, naming the part at fault, when malformed, not
  // Ed25519, or when the key ID does not match the name and key.
  static absl::StatusOr<NoteVerifier> FromVerifierKey(absl::string_view vkey);

  // Returns the key name.
  const std::string& name() const { return name_; }

  // Returns the key ID.
  uint32_t key_id() const { return key_id_; }

  // Returns the verifier key this verifier was parsed from (canonical).
  std::string VerifierKey() const;

  // Returns the text of `note` (ending with "\n", without the blank line
  // and signatures) when it carries a valid signature by this key.
  // Errors:
  //   INVALID_ARGUMENT  malformed note: not UTF-8, a control character
  //                     other than newline, no blank line before the
  //                     signatures, a signature line that is not
  //                     "— <name> <base64>", more than kMaxSignatures lines;
  //   NOT_FOUND         no signature by this key (the message lists the
  //                     keys that did sign, as name+keyID);
  //   UNAUTHENTICATED   a signature line names this key but does not
  //                     verify: the text or the signature was altered.
  absl::StatusOr<std::string> Open(absl::string_view note) const;

 private:
  NoteVerifier(std::string name, uint32_t key_id, std::string public_key);

  std::string name_;
  uint32_t key_id_;
  std::string public_key_;  // 32 bytes
};

}  // namespace datarun::checkpoint

#endif  // DATARUN_EXCHANGE_CHECKPOINT_NOTE_VERIFIER_H_
