// libFuzzer entry point for the subject identifier parsers of
// exchange/identity. Feeds the input to every parser and checks invariants
// that must hold for any input; a violation traps (a crash the fuzzer
// reports). Seed corpus: tests/fuzz/corpus/subject_id/.
//
// The unit test exchange/identity/subject_id_test.cc links this file and runs
// every corpus file through LLVMFuzzerTestOneInput.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "exchange/identity/subject_id.h"

namespace {

using datarun::identity::CreditCodeCheckCharacter;
using datarun::identity::MaskSubject;
using datarun::identity::OrganisationCodeCheckCharacter;
using datarun::identity::ParseCreditCode;
using datarun::identity::ParseResidentId;
using datarun::identity::ResidentIdCheckCharacter;
using datarun::identity::SubjectKind;
using datarun::identity::UpgradeLegacyResidentId;
using datarun::identity::ValidateSubject;
using datarun::identity::ValidateSubjectAs;

void Require(bool condition) {
  if (!condition) __builtin_trap();
}

// Error messages must never echo a whole identifier. (Only checked for
// alphanumeric inputs: arbitrary text may well occur in a message.)
void RequireNotEchoed(const absl::Status& status, absl::string_view input) {
  if (input.size() < 15) return;
  for (char c : input) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return;
  }
  if (!status.ok()) {
    Require(!absl::StrContains(status.message(), input));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);

  auto person = ParseResidentId(input);
  RequireNotEchoed(person.status(), input);
  if (person.ok()) {
    Require(input.size() == 18);
    Require(ResidentIdCheckCharacter(input.substr(0, 17)) ==
            absl::ascii_toupper(static_cast<unsigned char>(input[17])));
    Require(person->region_code == input.substr(0, 6));
    Require(person->sequence >= 1 && person->sequence <= 999);
    Require(person->male == (person->sequence % 2 == 1));
  }

  auto organisation = ParseCreditCode(input);
  RequireNotEchoed(organisation.status(), input);
  if (organisation.ok()) {
    Require(input.size() == 18);
    Require(CreditCodeCheckCharacter(input.substr(0, 17)) == input[17]);
    Require(OrganisationCodeCheckCharacter(input.substr(8, 8)) == input[16]);
    Require(organisation->region_code == input.substr(2, 6));
    Require(organisation->organisation_code == input.substr(8, 9));
  }

  auto upgraded = UpgradeLegacyResidentId(input);
  RequireNotEchoed(upgraded.status(), input);
  if (upgraded.ok()) {
    Require(upgraded->size() == 18);
    Require(upgraded->substr(0, 6) == input.substr(0, 6));
    Require(upgraded->substr(8, 9) == input.substr(6, 9));
    Require(ParseResidentId(*upgraded).ok());
  }

  auto kind = ValidateSubject(input);
  RequireNotEchoed(kind.status(), input);
  if (kind.ok()) {
    Require(ValidateSubjectAs(input, *kind).ok());
    Require(person.ok() || organisation.ok());
    if (*kind == SubjectKind::kPerson) Require(person.ok());
    if (*kind == SubjectKind::kOrganisation) Require(organisation.ok());
  } else {
    Require(!person.ok() && !organisation.ok());
  }

  const char resident_check = ResidentIdCheckCharacter(input.substr(0, 17));
  Require(resident_check == '\0' ||
          absl::string_view("0123456789X").find(resident_check) !=
              absl::string_view::npos);
  CreditCodeCheckCharacter(input.substr(0, 17));
  const char org_check = OrganisationCodeCheckCharacter(input.substr(0, 8));
  Require(org_check == '\0' ||
          absl::string_view("0123456789X").find(org_check) !=
              absl::string_view::npos);

  const std::string masked = MaskSubject(input);
  Require(masked.size() == input.size());
  if (input.size() > 8) {
    Require(masked.substr(0, 4) == input.substr(0, 4));
    Require(masked.substr(masked.size() - 4) == input.substr(input.size() - 4));
    Require(masked.find_first_not_of('*', 4) >= masked.size() - 4);
  } else {
    Require(masked.find_first_not_of('*') == std::string::npos);
  }
  return 0;
}
