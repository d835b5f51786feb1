#include "exchange/checkpoint/key_text.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "exchange/checkpoint/note_text.h"

namespace datarun::checkpoint {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::pair<absl::string_view, absl::string_view> ChopAtPlus(
    absl::string_view s) {
  size_t plus = s.find('+');
  if (plus == absl::string_view::npos) return {s, absl::string_view()};
  return {s.substr(0, plus), s.substr(plus + 1)};
}

absl::StatusOr<KeyText> ParseKeyText(absl::string_view text,
                                     absl::string_view what) {
  auto [name, rest] = ChopAtPlus(text);
  auto [hex, base64] = ChopAtPlus(rest);
  absl::Status name_ok = ValidateKeyName(name);
  if (!name_ok.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": ", name_ok.message()));
  }
  std::string prefix = absl::StrCat(what, " for \"", name, "\"");
  KeyText out;
  out.name = std::string(name);
  if (hex.size() != 8) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, ": the key ID after the first '+' must be 8 hex digits"));
  }
  for (char c : hex) {
    int v = HexValue(c);
    if (v < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix, ": the key ID has a non-hex character"));
    }
    out.key_id = out.key_id << 4 | static_cast<uint32_t>(v);
  }
  absl::StatusOr<std::string> key = DecodeBase64Strict(base64);
  if (!key.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, ": the key after the second '+' is ", key.status().message()));
  }
  if (static_cast<uint8_t>((*key)[0]) != kSignatureTypeEd25519) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: signature type 0x%02x is not supported (only Ed25519, 0x01)",
        prefix, static_cast<uint8_t>((*key)[0])));
  }
  out.key = *std::move(key);
  return out;
}

}  // namespace datarun::checkpoint
