#include "exchange/audit/audit_store_keys.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace datarun::audit {

std::string EncodeUint64(uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 7; i >= 0; --i) {
    bytes[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return bytes;
}

absl::optional<uint64_t> DecodeUint64(absl::string_view bytes) {
  if (bytes.size() != 8) return absl::nullopt;
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

std::string EntryKey(uint64_t index) {
  return absl::StrCat(kEntryKeyPrefix, EncodeUint64(index));
}

absl::optional<uint64_t> ParseEntryKey(absl::string_view key) {
  if (!absl::StartsWith(key, kEntryKeyPrefix)) return absl::nullopt;
  return DecodeUint64(key.substr(kEntryKeyPrefix.size()));
}

}  // namespace datarun::audit
