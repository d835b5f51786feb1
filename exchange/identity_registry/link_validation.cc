#include "exchange/identity_registry/link_validation.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "exchange/identity/resident_id.h"

namespace datarun::identity {
namespace {

bool IsDigit(char c) {
  return absl::ascii_isdigit(static_cast<unsigned char>(c));
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// True when `s` is a valid 18-character resident identity number or a valid
// 15-digit legacy one.
bool IsResidentIdNumber(absl::string_view s) {
  if (s.size() == 15) return AllDigits(s) && UpgradeLegacyResidentId(s).ok();
  if (s.size() != 18 || !AllDigits(s.substr(0, 17))) return false;
  return ParseResidentId(absl::AsciiStrToUpper(s)).ok();
}

// Returns the 1-based position of the first character of a resident
// identity number standing on its own (a maximal run of digits, the 18th
// possibly 'X') inside `text`, or 0 when there is none.
size_t FindResidentIdNumber(absl::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && IsDigit(text[j])) ++j;
    if (j - i == 17 && j < text.size() && (text[j] == 'X' || text[j] == 'x')) {
      ++j;
    }
    if ((j - i == 15 || j - i == 18) &&
        IsResidentIdNumber(text.substr(i, j - i))) {
      return i + 1;
    }
    i = j;
  }
  return 0;
}

}  // namespace

absl::StatusOr<CanonicalSubject> CanonicalizeSubject(
    absl::string_view subject) {
  CanonicalSubject out;
  if (subject.size() == 15 && AllDigits(subject)) {
    absl::StatusOr<std::string> upgraded = UpgradeLegacyResidentId(subject);
    if (!upgraded.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("subject: ", upgraded.status().message()));
    }
    out.canonical = *std::move(upgraded);
    out.upgraded_from_legacy = true;
  } else {
    out.canonical = absl::AsciiStrToUpper(subject);
  }
  absl::StatusOr<SubjectKind> kind = ValidateSubject(out.canonical);
  if (!kind.ok()) return kind.status();
  out.kind = *kind;
  return out;
}

absl::Status ValidateName(absl::string_view field, absl::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  }
  if (name.size() > kMaxNameLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": at most ", kMaxNameLength, " characters, got ", name.size()));
  }
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') ||
                    (i > 0 && ((c >= '0' && c <= '9') || c == '_'));
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must match [a-z][a-z0-9_]*, character ", i + 1,
                       " is not allowed there"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateLocalId(const v1::LocalId& id, absl::string_view prefix) {
  absl::Status status =
      ValidateName(absl::StrCat(prefix, "department"), id.department());
  if (status.ok())
    status = ValidateName(absl::StrCat(prefix, "kind"), id.kind());
  if (!status.ok()) return status;
  const std::string& value = id.value();
  const std::string field = absl::StrCat(prefix, "value");
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  }
  if (value.size() > kMaxValueLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at most ", kMaxValueLength, " characters, got ",
                     value.size()));
  }
  // UTF-8 without control characters: departments' keys may be Chinese
  // (title certificate numbers such as "京（2017）通州区不动产权第0025526号").
  for (size_t i = 0; i < value.size();) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": character ", i + 1,
                       " is not printable (a control character)"));
    }
    int length = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    bool valid = length > 0 && i + length <= value.size();
    for (int k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(value[i + k]) & 0xc0) == 0x80;
    }
    if (!valid) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": byte ", i + 1, " is not valid UTF-8"));
    }
    i += length;
  }
  if (IsResidentIdNumber(value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field,
        ": is a resident identity number; the registry never stores raw "
        "identity numbers (a department keyed by the identity number needs "
        "no link)"));
  }
  return absl::OkStatus();
}

absl::Status ValidateBasis(absl::string_view basis) {
  if (basis.empty()) {
    return absl::InvalidArgumentError(
        "basis: required (why the link holds, e.g. \"counter registration "
        "2024-05-06\")");
  }
  if (basis.size() > kMaxBasisLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "basis: at most ", kMaxBasisLength, " bytes, got ", basis.size()));
  }
  for (size_t i = 0; i < basis.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(basis[i]);
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat("basis: byte ", i + 1, " is a control character"));
    }
  }
  if (size_t at = FindResidentIdNumber(basis); at != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("basis: contains a resident identity number at character ",
                     at, "; never put raw identity numbers in a basis"));
  }
  return absl::OkStatus();
}

absl::Status ValidateSharedKind(absl::string_view name) {
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(name, absl::MaxSplits('.', 1));
  absl::Status status = ValidateName(
      absl::StrCat("shared kind \"", name, "\": department"), parts.first);
  if (status.ok()) {
    status = ValidateName(absl::StrCat("shared kind \"", name, "\": kind"),
                          parts.second);
  }
  return status;
}

}  // namespace datarun::identity
