// The syntax rules of C2SP signed notes (https://c2sp.org/signed-note),
// shared by NoteSigner and NoteVerifier: key names, note text, the key ID
// and the strict base64 the format uses. All functions are pure and
// thread-safe.
#ifndef DATARUN_EXCHANGE_CHECKPOINT_NOTE_TEXT_H_
#define DATARUN_EXCHANGE_CHECKPOINT_NOTE_TEXT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::checkpoint {

// Signature type byte of Ed25519 keys (signed-note "Signature types").
inline constexpr uint8_t kSignatureTypeEd25519 = 0x01;

// The em dash (U+2014) and space that start every signature line.
inline constexpr absl::string_view kSignatureLinePrefix = "\xE2\x80\x94 ";

// At most this many signature lines are read from a note (the spec asks for
// at least 16; Go's implementation allows 100).
inline constexpr int kMaxSignatures = 100;

// OK when `name` is a valid key name: non-empty, valid UTF-8, without
// Unicode white space, '+' or control characters. Otherwise
// INVALID_ARGUMENT saying what is wrong (the name is quoted).
absl::Status ValidateKeyName(absl::string_view name);

// OK when `text` can be the text of a signed note: non-empty, ends with a
// newline, valid UTF-8, no control characters other than newline.
// Otherwise INVALID_ARGUMENT with the byte offset of the problem.
absl::Status ValidateNoteText(absl::string_view text);

// OK when `bytes` is valid UTF-8 without control characters other than
// newline (the rule for a whole signed note). INVALID_ARGUMENT naming the
// byte offset otherwise.
absl::Status ValidateNoteBytes(absl::string_view bytes);

// OK when `line` is valid UTF-8 without any control character (newline
// included), i.e. can be one line of a note. INVALID_ARGUMENT starting with
// `what` and naming the byte offset otherwise.
absl::Status ValidateNoteLine(absl::string_view line, absl::string_view what);

// Returns the key ID: the first 4 bytes, big-endian, of
// SHA-256(name || 0x0A || signature_type || public_key).
uint32_t KeyId(absl::string_view name, uint8_t signature_type,
               absl::string_view public_key);

// Returns `id` as 8 lowercase hex digits, as in verifier keys.
std::string KeyIdHex(uint32_t id);

// Decodes standard padded base64 (RFC 4648 section 4), accepting only the
// canonical spelling (what an encoder produces). INVALID_ARGUMENT
// otherwise.
absl::StatusOr<std::string> DecodeBase64Strict(absl::string_view base64);

}  // namespace datarun::checkpoint

#endif  // DATARUN_EXCHANGE_CHECKPOINT_NOTE_TEXT_H_
