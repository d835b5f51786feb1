// GB 32100-2015 unified social credit codes and GB 11714 organisation codes.
//
// A credit code has 18 characters over "0123456789ABCDEFGHJKLMNPQRTUWXY"
// (no I, O, S, V, Z), valued 0..30 in that order:
//   1      registration authority (1-9, A, N, Y)
//   2      organisation type, valid per authority (see ParseCreditCode)
//   3-8    region code of the registration authority (GB/T 2260)
//   9-17   organisation code (GB 11714): 8 characters + its own check char
//   18     check character: 31 - (sum of value * weight mod 31), weights
//          1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28; 31 maps to '0'.
//
// Error messages never contain the whole code; they may contain the region
// code or a single character.
//
// Thread-safe: all functions are pure.
#ifndef DATARUN_EXCHANGE_IDENTITY_CREDIT_CODE_H_
#define DATARUN_EXCHANGE_IDENTITY_CREDIT_CODE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::identity {

// What a unified social credit code says about its organisation.
struct CreditCodeInfo {
  char registration_authority = 0;  // '1'..'9', 'A', 'N' or 'Y'.
  char organisation_type = 0;       // '1'..'5' or '9', per authority.
  std::string region_code;          // 6 digits, e.g. "350100".
  std::string organisation_code;    // 9 characters, GB 11714 check included.
};

// Parses and fully validates an 18-character unified social credit code.
// Letters must be uppercase. Valid (authority, type) pairs per GB 32100:
//   1 organs establishment: 1 organ, 2 public institution, 3 mass
//     organisation, 9 other;  2 foreign affairs: 1, 9;
//   3 justice: 1 law firm, 2 notary, 3 legal service, 4 forensic
//     appraisal, 5 arbitration commission, 9 other;  4 culture: 1, 9;
//   5 civil affairs: 1 social organisation, 2 private non-enterprise unit,
//     3 foundation, 9 other;  6 tourism: 1, 2, 9;  7 religion: 1, 2, 9;
//   8 trade unions: 1, 9;  9 market regulation: 1 enterprise, 2 individual
//     business, 3 farmers' cooperative;  A military: 1, 9;
//   N agriculture: 1, 2, 3 collective economic organisations, 9 other;
//   Y other: 1.
// Returns the decoded fields, or INVALID_ARGUMENT with a message starting
// "unified social credit code" naming the first problem: length, a character
// outside the alphabet (position from 1), unknown authority, type not
// defined for the authority, region code, organisation code check character,
// check character ("check character is 'A' but the first 17 characters
// require 'L'").
absl::StatusOr<CreditCodeInfo> ParseCreditCode(absl::string_view code);

// Returns the check character of a credit code for its first 17 characters,
// or '\0' when `first17` is not 17 characters of the credit code alphabet.
// Does not validate the fields.
char CreditCodeCheckCharacter(absl::string_view first17);

// Returns the GB 11714 check character ('0'-'9' or 'X') for the 8-character
// body of an organisation code (digits = 0-9, 'A'-'Z' = 10-35, weights
// 3 7 9 10 5 8 4 2, check 11 - sum mod 11, 10 -> 'X', 11 -> '0'), or '\0'
// when `first8` is not 8 digits or uppercase ASCII letters.
char OrganisationCodeCheckCharacter(absl::string_view first8);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_CREDIT_CODE_H_
