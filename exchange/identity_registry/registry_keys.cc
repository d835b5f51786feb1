#include "exchange/identity_registry/registry_keys.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace datarun::identity {

absl::optional<SubjectHash> SubjectHashFromBytes(absl::string_view bytes) {
  SubjectHash h;
  if (bytes.size() != h.size()) return absl::nullopt;
  std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}

absl::optional<SubjectHash> SubjectHashFromHex(absl::string_view hex) {
  if (hex.size() != 64) return absl::nullopt;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return absl::nullopt;
    }
  }
  return SubjectHashFromBytes(absl::HexStringToBytes(hex));
}

std::string Fingerprint(const SubjectHash& h) {
  return absl::BytesToHexString(HashBytes(h).substr(0, 8));
}

std::string LocalIdName(const v1::LocalId& id) {
  return absl::StrCat(id.department(), "/", id.kind(), "=", id.value());
}

std::string EncodeUint64(uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

absl::optional<uint64_t> DecodeUint64(absl::string_view bytes) {
  if (bytes.size() != 8) return absl::nullopt;
  uint64_t value = 0;
  for (char c : bytes) value = (value << 8) | static_cast<unsigned char>(c);
  return value;
}

std::string SubjectKey(const SubjectHash& h) {
  return absl::StrCat(kSubjectPrefix, HashBytes(h));
}

absl::optional<SubjectHash> ParseSubjectKey(absl::string_view key) {
  if (!absl::ConsumePrefix(&key, kSubjectPrefix)) return absl::nullopt;
  return SubjectHashFromBytes(key);
}

std::string LocalIdKeyPart(const v1::LocalId& id) {
  return absl::StrCat(id.department(), absl::string_view("\0", 1), id.kind(),
                      absl::string_view("\0", 1), id.value());
}

absl::optional<v1::LocalId> ParseLocalIdKeyPart(absl::string_view part) {
  std::vector<absl::string_view> pieces =
      absl::StrSplit(part, absl::string_view("\0", 1));
  if (pieces.size() != 3 || pieces[0].empty() || pieces[1].empty() ||
      pieces[2].empty()) {
    return absl::nullopt;
  }
  v1::LocalId id;
  id.set_department(std::string(pieces[0]));
  id.set_kind(std::string(pieces[1]));
  id.set_value(std::string(pieces[2]));
  return id;
}

std::string ClaimKey(const v1::LocalId& id) {
  return absl::StrCat(kClaimPrefix, LocalIdKeyPart(id));
}

std::string ClaimKindPrefix(absl::string_view department,
                            absl::string_view kind) {
  return absl::StrCat(kClaimPrefix, department, absl::string_view("\0", 1),
                      kind, absl::string_view("\0", 1));
}

std::string ConflictKey(const v1::LocalId& id) {
  return absl::StrCat(kConflictPrefix, LocalIdKeyPart(id));
}

std::string EventKey(const SubjectHash& h, uint64_t sequence) {
  return absl::StrCat(kEventPrefix, HashBytes(h), EncodeUint64(sequence));
}

std::string EventPrefix(const SubjectHash& h) {
  return absl::StrCat(kEventPrefix, HashBytes(h));
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    unsigned char last = static_cast<unsigned char>(end.back());
    if (last != 0xff) {
      end.back() = static_cast<char>(last + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace datarun::identity
