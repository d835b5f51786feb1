// Validation of what callers hand the identity registry: subjects (to their
// canonical form), local ids, bases, actors and shared kinds. Every error is
// INVALID_ARGUMENT with a message that starts with the field's name and
// never contains a raw identity number.
//
// Thread-safe: all functions are pure.
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_LINK_VALIDATION_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_LINK_VALIDATION_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/identity.pb.h"
#include "exchange/identity/subject_id.h"

namespace datarun::identity {

// Longest department, kind and actor name.
inline constexpr size_t kMaxNameLength = 64;
// Longest local id value.
inline constexpr size_t kMaxValueLength = 128;
// Longest basis.
inline constexpr size_t kMaxBasisLength = 256;

// A subject in the form it is hashed in: 18 characters, uppercase.
struct CanonicalSubject {
  std::string canonical;
  SubjectKind kind = SubjectKind::kPerson;
  bool upgraded_from_legacy = false;
};

// Validates `subject` (ValidateSubject) after upgrading a 15-digit legacy
// number to 18 digits (UpgradeLegacyResidentId), and uppercases it (a
// lowercase check character 'x'). Errors start with "subject: ".
absl::StatusOr<CanonicalSubject> CanonicalizeSubject(absl::string_view subject);

// Checks a department, kind or actor name: `[a-z][a-z0-9_]*`, at most 64
// characters. `field` names it in the message ("local_id.kind: ...").
absl::Status ValidateName(absl::string_view field, absl::string_view name);

// Checks a local id: department and kind names, and a value of 1 to 128
// bytes of UTF-8 without control characters that is not itself a resident
// identity number
// (18 digits, or a 15-digit legacy one: the registry never stores raw
// identity numbers). Fields are named `prefix` + "department", "kind",
// "value" (prefix "local_id." for Link, "" for a Sync assertion).
absl::Status ValidateLocalId(const v1::LocalId& id, absl::string_view prefix);

// Checks a basis: required, at most 256 bytes, no control characters
// (UTF-8 text is fine), and no resident identity number inside it.
absl::Status ValidateBasis(absl::string_view basis);

// Checks a shared kind name, "department.kind" (IdentityRegistry::Options).
absl::Status ValidateSharedKind(absl::string_view name);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_LINK_VALIDATION_H_
