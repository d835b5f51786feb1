#include "exchange/identity/subject_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace datarun::identity {
namespace {

absl::Status Prefixed(const absl::Status& status) {
  return absl::Status(status.code(),
                      absl::StrCat("subject: ", status.message()));
}

// True when `s` has 18 characters, 17 digits then a digit or X/x.
bool LooksLikeResidentId(absl::string_view s) {
  if (s.size() != 18) return false;
  for (size_t i = 0; i < 17; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  const char last = s[17];
  return absl::ascii_isdigit(static_cast<unsigned char>(last)) || last == 'X' ||
         last == 'x';
}

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::string_view SubjectKindName(SubjectKind kind) {
  switch (kind) {
    case SubjectKind::kPerson:
      return "person";
    case SubjectKind::kOrganisation:
      return "organisation";
  }
  return "unknown";
}

absl::StatusOr<SubjectKind> ValidateSubject(absl::string_view subject) {
  if (subject.size() == 15 && AllDigits(subject)) {
    return absl::InvalidArgumentError(
        "subject: has 15 digits, a legacy resident identity number; upgrade "
        "it to 18 characters first");
  }
  if (subject.size() != 18) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subject: must have 18 characters (resident identity number or "
        "unified social credit code), got ",
        subject.size()));
  }
  if (LooksLikeResidentId(subject)) {
    absl::StatusOr<ResidentIdInfo> person = ParseResidentId(subject);
    if (person.ok()) return SubjectKind::kPerson;
    if (ParseCreditCode(subject).ok()) return SubjectKind::kOrganisation;
    return Prefixed(person.status());
  }
  absl::StatusOr<CreditCodeInfo> organisation = ParseCreditCode(subject);
  if (!organisation.ok()) return Prefixed(organisation.status());
  return SubjectKind::kOrganisation;
}

absl::StatusOr<std::string> NormalizeSubject(absl::string_view subject,
                                             SubjectKind* kind) {
  std::string canonical(subject);
  if (subject.size() == 15) {
    absl::StatusOr<std::string> upgraded = UpgradeLegacyResidentId(subject);
    if (!upgraded.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("subject: ", upgraded.status().message()));
    }
    canonical = *std::move(upgraded);
  }
  absl::StatusOr<SubjectKind> validated = ValidateSubject(canonical);
  if (!validated.ok()) return validated.status();
  *kind = *validated;
  return canonical;
}

absl::Status ValidateSubjectAs(absl::string_view subject, SubjectKind kind) {
  absl::Status status;
  switch (kind) {
    case SubjectKind::kPerson:
      status = ParseResidentId(subject).status();
      break;
    case SubjectKind::kOrganisation:
      status = ParseCreditCode(subject).status();
      break;
  }
  if (!status.ok()) return Prefixed(status);
  return absl::OkStatus();
}

absl::Status NameSubjectField(const absl::Status& status,
                              absl::string_view field) {
  absl::string_view reason = status.message();
  if (status.ok() || !absl::ConsumePrefix(&reason, "subject: ")) return status;
  return absl::Status(status.code(), absl::StrCat(field, ": ", reason));
}

std::string MaskSubject(absl::string_view subject) {
  std::string masked(subject.size(), '*');
  if (subject.size() <= 8) return masked;
  masked.replace(0, 4, subject.substr(0, 4).data(), 4);
  masked.replace(subject.size() - 4, 4,
                 subject.substr(subject.size() - 4).data(), 4);
  return masked;
}

}  // namespace datarun::identity
