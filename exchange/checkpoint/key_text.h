// Parsing of the "<name>+<8 hex key ID>+<base64 key>" form shared by
// verifier keys and (after "PRIVATE+KEY+") Go-style signer keys. Internal
// to exchange/checkpoint. Pure and thread-safe.
#ifndef DATARUN_EXCHANGE_CHECKPOINT_KEY_TEXT_H_
#define DATARUN_EXCHANGE_CHECKPOINT_KEY_TEXT_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::checkpoint {

struct KeyText {
  std::string name;
  uint32_t key_id = 0;
  // The decoded key: signature type byte (always kSignatureTypeEd25519 after
  // ParseKeyText succeeds), then the key material.
  std::string key;
};

// Splits `s` at its first '+': returns (before, after), or (s, "") when
// there is none.
std::pair<absl::string_view, absl::string_view> ChopAtPlus(absl::string_view s);

// Parses "<name>+<key ID>+<base64 key>". INVALID_ARGUMENT, prefixed with
// `what` and naming the part at fault (never echoing key material), when
// the name is invalid, the key ID is not 8 hex digits, the key is not
// canonical base64 or empty, or its type byte is not Ed25519's.
absl::StatusOr<KeyText> ParseKeyText(absl::string_view text,
                                     absl::string_view what);

}  // namespace datarun::checkpoint

#endif  // DATARUN_EXCHANGE_CHECKPOINT_KEY_TEXT_H_
