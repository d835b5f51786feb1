// Signing of C2SP signed notes (https://c2sp.org/signed-note) with Ed25519,
// compatible byte for byte with Go's golang.org/x/mod/sumdb/note (and so
// with sumdb, Trillian/Tessera logs and witnesses):
//
//   <text ending in "\n">
//   <blank line>
//   — <key name> <base64(4-byte big-endian key ID || 64-byte signature)>
//
// The key ID is SHA-256(key name || 0x0A || 0x01 || public key)[:4]; the
// signature covers the text including its final newline.
#ifndef DATARUN_EXCHANGE_CHECKPOINT_NOTE_SIGNER_H_
#define DATARUN_EXCHANGE_CHECKPOINT_NOTE_SIGNER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "exchange/checkpoint/ed25519.h"

namespace datarun::checkpoint {

// A named Ed25519 signing key. Immutable after creation; thread-safe.
class NoteSigner {
 public:
  // Returns a signer with a fresh random key. INVALID_ARGUMENT when `name`
  // is not a valid key name (see ValidateKeyName); INTERNAL if OpenSSL fails.
  static absl::StatusOr<std::unique_ptr<NoteSigner>> Generate(
      absl::string_view name);

  // Returns a signer for the unencrypted PKCS#8 PEM Ed25519 key `pem` under
  // key name `name`. INVALID_ARGUMENT for a bad name or key.
  static absl::StatusOr<std::unique_ptr<NoteSigner>> FromPrivateKeyPem(
      absl::string_view name, absl::string_view pem);

  // Returns a signer from a Go-style signer key
  // "PRIVATE+KEY+<name>+<8 hex key ID>+<base64(0x01 || 32-byte seed)>" (what
  // note.GenerateKey prints). INVALID_ARGUMENT when malformed, of another
  // algorithm, or when the key ID does not match the key.
  static absl::StatusOr<std::unique_ptr<NoteSigner>> FromSignerKey(
      absl::string_view skey);

  // Reads the PEM key in `path`, or, when the file does not exist, creates
  // it (and missing parent directories) with a new key and mode 0600,
  // never replacing a key another process created concurrently; logs
  // "checkpoint_key_created" with the verifier key. Errors name the file:
  //   INVALID_ARGUMENT     bad name, or the file holds no Ed25519 PEM key;
  //   FAILED_PRECONDITION  the file is readable or writable by group or
  //                        others (chmod 600 it);
  //   PERMISSION_DENIED    the file or its directory is not accessible;
  //   INTERNAL             other I/O or OpenSSL failures.
  static absl::StatusOr<std::unique_ptr<NoteSigner>> LoadOrCreate(
      absl::string_view path, absl::string_view name);

  NoteSigner(const NoteSigner&) = delete;
  NoteSigner& operator=(const NoteSigner&) = delete;

  // Returns the key name (for checkpoints, normally the log's origin).
  const std::string& name() const { return name_; }

  // Returns the key ID.
  uint32_t key_id() const { return key_id_; }

  // Returns the signed note: `text`, a blank line and this key's signature
  // line. INVALID_ARGUMENT when `text` cannot be a note text (see
  // ValidateNoteText: it must end with "\n", be UTF-8 without control
  // characters other than newline); INTERNAL if OpenSSL fails.
  absl::StatusOr<std::string> Sign(absl::string_view text) const;

  // Returns the public verifier key
  // "<name>+<8 hex key ID>+<base64(0x01 || 32-byte public key)>", which
  // NoteVerifier::FromVerifierKey (and Go's note.NewVerifier) accept.
  std::string VerifierKey() const;

  // Returns the private key as unencrypted PKCS#8 PEM (what LoadOrCreate
  // stores). Treat as secret. INTERNAL if OpenSSL fails.
  absl::StatusOr<std::string> PrivateKeyPem() const;

 private:
  static absl::StatusOr<std::unique_ptr<NoteSigner>> Create(
      absl::string_view name, std::unique_ptr<Ed25519PrivateKey> key);
  NoteSigner(std::string name, std::unique_ptr<Ed25519PrivateKey> key);

  const std::string name_;
  const std::unique_ptr<Ed25519PrivateKey> key_;
  const uint32_t key_id_;
};

}  // namespace datarun::checkpoint

#endif  // DATARUN_EXCHANGE_CHECKPOINT_NOTE_SIGNER_H_
