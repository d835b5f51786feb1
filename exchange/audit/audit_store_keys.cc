#include "exchange/audit/audit_store_keys.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "exchange/merkle/tree.h"

namespace datarun::audit {
namespace {

std::string NumberKey(absl::string_view prefix, uint64_t value) {
  return absl::StrCat(prefix, EncodeUint64(value));
}

absl::optional<uint64_t> ParseNumberKey(absl::string_view prefix,
                                        absl::string_view key) {
  if (!absl::StartsWith(key, prefix)) return absl::nullopt;
  return DecodeUint64(key.substr(prefix.size()));
}

bool IsIndexKind(char c) {
  for (IndexKind kind : kIndexKinds) {
    if (static_cast<char>(kind) == c) return true;
  }
  return false;
}

void AppendPrintable(absl::string_view bytes, std::string* out) {
  for (char c : bytes) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out->push_back(c);
    } else {
      absl::StrAppendFormat(out, "\\x%02x", static_cast<unsigned char>(c));
    }
  }
}

}  // namespace

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
  return NumberKey(kEntryKeyPrefix, index);
}

absl::optional<uint64_t> ParseEntryKey(absl::string_view key) {
  return ParseNumberKey(kEntryKeyPrefix, key);
}

std::string HashTileKey(uint64_t tile) {
  return NumberKey(kHashTileKeyPrefix, tile);
}

absl::optional<uint64_t> ParseHashTileKey(absl::string_view key) {
  return ParseNumberKey(kHashTileKeyPrefix, key);
}

size_t HashTileSize(uint64_t tile, uint64_t hash_count) {
  uint64_t first = tile * kHashesPerTile;
  if (first >= hash_count) return 0;
  uint64_t hashes = std::min(kHashesPerTile, hash_count - first);
  return static_cast<size_t>(hashes) * 32;
}

std::string HashName(uint64_t index) {
  int level = 0;
  uint64_t position = 0;
  merkle::SplitStoredHashIndex(index, &level, &position);
  return absl::StrCat("h/(level ", level, ", ", position, ")");
}

std::string CheckpointKey(uint64_t size) {
  return NumberKey(kCheckpointKeyPrefix, size);
}

absl::optional<uint64_t> ParseCheckpointKey(absl::string_view key) {
  return ParseNumberKey(kCheckpointKeyPrefix, key);
}

std::string IndexKeyPrefix(IndexKind kind, absl::string_view value) {
  std::string prefix;
  prefix.reserve(kIndexKeyPrefix.size() + 3 + value.size());
  absl::StrAppend(&prefix, kIndexKeyPrefix);
  prefix.push_back(static_cast<char>(kind));
  prefix.push_back('/');
  absl::StrAppend(&prefix, value, "/");
  return prefix;
}

std::string IndexBlockKey(IndexKind kind, absl::string_view value,
                          uint64_t last_index) {
  return absl::StrCat(IndexKeyPrefix(kind, value), EncodeUint64(last_index));
}

std::string IndexName(IndexKind kind, absl::string_view value) {
  std::string name(kIndexKeyPrefix);
  name.push_back(static_cast<char>(kind));
  name.push_back('/');
  AppendPrintable(value, &name);
  return name;
}

const std::string& IndexedValue(const v1::AuditEntry& entry, IndexKind kind) {
  switch (kind) {
    case IndexKind::kSubject:
      return entry.subject_hash();
    case IndexKind::kConsumer:
      return entry.consumer();
    case IndexKind::kDataset:
      return entry.dataset();
    case IndexKind::kPurpose:
      return entry.purpose();
  }
  return entry.purpose();  // unreachable: every kind is handled above
}

absl::optional<IndexKeyParts> ParseIndexKey(absl::string_view key) {
  // "x/" kind "/" value(>= 1 byte) "/" 8 bytes
  constexpr size_t kMinSize = 2 + 1 + 1 + 1 + 1 + 8;
  if (key.size() < kMinSize || !absl::StartsWith(key, kIndexKeyPrefix) ||
      !IsIndexKind(key[2]) || key[3] != '/' || key[key.size() - 9] != '/') {
    return absl::nullopt;
  }
  IndexKeyParts parts;
  parts.kind = static_cast<IndexKind>(key[2]);
  parts.value = std::string(key.substr(4, key.size() - 4 - 9));
  parts.index = *DecodeUint64(key.substr(key.size() - 8));
  return parts;
}

std::string PrintableKey(absl::string_view key) {
  std::string out;
  for (absl::string_view prefix :
       {kEntryKeyPrefix, kHashTileKeyPrefix, kCheckpointKeyPrefix}) {
    absl::optional<uint64_t> number = ParseNumberKey(prefix, key);
    if (number.has_value()) return absl::StrCat(prefix, *number);
  }
  absl::optional<IndexKeyParts> parts = ParseIndexKey(key);
  if (parts.has_value()) {
    AppendPrintable(key.substr(0, key.size() - 8), &out);
    absl::StrAppend(&out, parts->index);
    return out;
  }
  AppendPrintable(key, &out);
  return out;
}

}  // namespace datarun::audit
