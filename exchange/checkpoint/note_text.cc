#include "exchange/checkpoint/note_text.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace datarun::checkpoint {
namespace {

// Decodes one UTF-8 sequence at `s[i]`; returns its length and sets *rune,
// or returns 0 for an invalid, overlong or surrogate sequence.
size_t DecodeRune(absl::string_view s, size_t i, uint32_t* rune) {
  auto byte = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  uint8_t b0 = byte(0);
  if (b0 < 0x80) {
    *rune = b0;
    return 1;
  }
  size_t len;
  uint32_t r;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, r = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, r = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, r = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((byte(k) & 0xC0) != 0x80) return 0;
    r = r << 6 | (byte(k) & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return 0;
  *rune = r;
  return len;
}

// Unicode White_Space (what Go's unicode.IsSpace reports).
bool IsUnicodeSpace(uint32_t r) {
  switch (r) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return r >= 0x2000 && r <= 0x200A;
  }
}

// Checks UTF-8 validity and control characters (newline allowed when
// `allow_newline`); `what` names the input.
absl::Status ValidateText(absl::string_view bytes, absl::string_view what,
                          bool allow_newline = true) {
  for (size_t i = 0; i < bytes.size();) {
    uint32_t rune;
    size_t len = DecodeRune(bytes, i, &rune);
    if (len == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " is not valid UTF-8 at byte offset ", i));
    }
    if (rune < 0x20 && (rune != '\n' || !allow_newline)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s has control character 0x%02x at byte offset %d", what, rune, i));
    }
    i += len;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateKeyName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("key name is empty");
  for (size_t i = 0; i < name.size();) {
    uint32_t rune;
    size_t len = DecodeRune(name, i, &rune);
    const char* problem = nullptr;
    if (len == 0) {
      problem = "invalid UTF-8";
    } else if (rune == '+') {
      problem = "a plus sign";
    } else if (IsUnicodeSpace(rune)) {
      problem = "white space";
    } else if (rune < 0x20) {
      problem = "a control character";
    }
    if (problem != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key name \"", absl::CHexEscape(name), "\" has ", problem,
          " at byte offset ", i,
          "; key names are UTF-8 without spaces, '+' or control characters"));
    }
    i += len;
  }
  return absl::OkStatus();
}

absl::Status ValidateNoteText(absl::string_view text) {
  if (text.empty() || text.back() != '\n') {
    return absl::InvalidArgumentError(
        "note text must end with a newline (and not be empty)");
  }
  return ValidateText(text, "note text");
}

absl::Status ValidateNoteBytes(absl::string_view bytes) {
  return ValidateText(bytes, "note");
}

absl::Status ValidateNoteLine(absl::string_view line, absl::string_view what) {
  return ValidateText(line, what, /*allow_newline=*/false);
}

uint32_t KeyId(absl::string_view name, uint8_t signature_type,
               absl::string_view public_key) {
  std::string input = absl::StrCat(name, "\n");
  input.push_back(static_cast<char>(signature_type));
  input.append(public_key.data(), public_key.size());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &digest_len, EVP_sha256(),
                 nullptr) != 1) {
    std::fprintf(stderr, "datarun checkpoint: SHA-256 failed in OpenSSL\n");
    std::abort();
  }
  return uint32_t{digest[0]} << 24 | uint32_t{digest[1]} << 16 |
         uint32_t{digest[2]} << 8 | uint32_t{digest[3]};
}

std::string KeyIdHex(uint32_t id) { return absl::StrFormat("%08x", id); }

absl::StatusOr<std::string> DecodeBase64Strict(absl::string_view base64) {
  std::string bytes;
  // absl accepts missing padding and non-zero trailing bits; re-encoding
  // leaves only the canonical spelling.
  if (base64.empty() || !absl::Base64Unescape(base64, &bytes) ||
      absl::Base64Escape(bytes) != base64) {
    return absl::InvalidArgumentError(
        "not canonical standard base64 (RFC 4648 section 4, padded)");
  }
  return bytes;
}

}  // namespace datarun::checkpoint
