#include "exchange/identity/credit_code.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "exchange/identity/region_codes.h"

namespace datarun::identity {
namespace {

constexpr absl::string_view kNoun = "unified social credit code";
constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                              29, 25, 13, 8,  24, 10, 30, 28};
constexpr int kOrgWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};

// Organisation types defined for each registration authority.
struct AuthorityTypes {
  char authority;
  absl::string_view types;
};
constexpr AuthorityTypes kAuthorityTypes[] = {
    {'1', "1239"}, {'2', "19"},  {'3', "123459"}, {'4', "19"},
    {'5', "1239"}, {'6', "129"}, {'7', "129"},    {'8', "19"},
    {'9', "123"},  {'A', "19"},  {'N', "1239"},   {'Y', "1"},
};

// Returns the value 0..30 of `c` in the credit code alphabet, or -1.
int AlphabetValue(char c) {
  const size_t pos = kAlphabet.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

absl::Status Invalid(absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(kNoun, " ", reason));
}

absl::Status BadCharacter(size_t position, char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  if (absl::ascii_islower(u)) {
    return Invalid(absl::StrCat("character ", position,
                                " is a lowercase letter; letters must be "
                                "uppercase"));
  }
  if (c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z') {
    return Invalid(absl::StrCat("character ", position, " is '",
                                absl::string_view(&c, 1),
                                "', a letter the code never uses (I, O, S, V, "
                                "Z)"));
  }
  return Invalid(absl::StrCat("character ", position,
                              " must be a digit or an uppercase letter other "
                              "than I, O, S, V, Z"));
}

}  // namespace

char OrganisationCodeCheckCharacter(absl::string_view first8) {
  if (first8.size() != 8) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = first8[i];
    int value;
    if (c >= '0' && c <= '9') {
      value = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      value = c - 'A' + 10;
    } else {
      return '\0';
    }
    sum += value * kOrgWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

char CreditCodeCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const int value = AlphabetValue(first17[i]);
    if (value < 0) return '\0';
    sum += value * kWeights[i];
  }
  return kAlphabet[(31 - sum % 31) % 31];
}

absl::StatusOr<CreditCodeInfo> ParseCreditCode(absl::string_view code) {
  if (code.size() != 18) {
    return Invalid(absl::StrCat("must have 18 characters, got ", code.size()));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (AlphabetValue(code[i]) < 0) return BadCharacter(i + 1, code[i]);
  }
  const char authority = code[0];
  const char type = code[1];
  absl::string_view types;
  for (const AuthorityTypes& at : kAuthorityTypes) {
    if (at.authority == authority) types = at.types;
  }
  if (types.empty()) {
    return Invalid(absl::StrCat("registration authority code '",
                                absl::string_view(&authority, 1),
                                "' does not exist (valid: 1-9, A, N, Y)"));
  }
  if (types.find(type) == absl::string_view::npos) {
    return Invalid(absl::StrCat(
        "organisation type '", absl::string_view(&type, 1),
        "' is not defined for registration authority '",
        absl::string_view(&authority, 1), "' (valid: ", types, ")"));
  }
  const absl::string_view region = code.substr(2, 6);
  for (size_t i = 0; i < region.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(region[i]))) {
      return Invalid(
          absl::StrCat("character ", i + 3, " must be a digit (region code)"));
    }
  }
  absl::Status region_status = ValidateOrganisationRegionCode(region);
  if (!region_status.ok()) return Invalid(region_status.message());

  const absl::string_view org = code.substr(8, 9);
  const char org_expected = OrganisationCodeCheckCharacter(org.substr(0, 8));
  if (org[8] != org_expected) {
    return Invalid(
        absl::StrCat("organisation code check character (character 17) is '",
                     org.substr(8, 1), "' but its first 8 characters require '",
                     absl::string_view(&org_expected, 1), "'"));
  }
  const char expected = CreditCodeCheckCharacter(code.substr(0, 17));
  if (code[17] != expected) {
    return Invalid(absl::StrCat("check character is '", code.substr(17, 1),
                                "' but the first 17 characters require '",
                                absl::string_view(&expected, 1), "'"));
  }
  CreditCodeInfo info;
  info.registration_authority = authority;
  info.organisation_type = type;
  info.region_code = std::string(region);
  info.organisation_code = std::string(org);
  return info;
}

}  // namespace datarun::identity
