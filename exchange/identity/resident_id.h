// GB 11643-1999 citizen identity numbers ("resident identity numbers").
//
// An 18-character number is: 6-digit region code (GB/T 2260), 8-digit birth
// date YYYYMMDD, 3-digit sequence (odd = male, even = female), and a check
// character computed with ISO 7064 MOD 11-2 (weights 7 9 10 5 8 4 2 1 6 3 7
// 9 10 5 8 4 2, sum mod 11 indexes "10X98765432").
//
// Error messages never contain the whole number, so they may be logged and
// returned to callers; they may contain the region code, the birth date or a
// single character.
//
// Thread-safe: all functions are pure.
#ifndef DATARUN_EXCHANGE_IDENTITY_RESIDENT_ID_H_
#define DATARUN_EXCHANGE_IDENTITY_RESIDENT_ID_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace datarun::identity {

// What an 18-character resident identity number says about its holder.
struct ResidentIdInfo {
  std::string region_code;  // 6 digits, e.g. "110105".
  absl::CivilDay birth_date;
  int sequence = 0;  // 1..999.
  bool male = false;
};

// Returns today's date in UTC (the default "today" of ParseResidentId).
absl::CivilDay TodayUtc();

// Parses and fully validates an 18-character resident identity number.
// A lowercase 'x' is accepted as the check character 'X'. `today` bounds the
// birth date (it may be today, not later).
// Returns the decoded fields, or INVALID_ARGUMENT with a message starting
// "resident identity number" that names the first problem found:
//   "... must have 18 characters, got 17"
//   "... character 5 must be a digit" (positions count from 1)
//   "... character 18 must be a digit or 'X'"
//   "... region code: province '99' does not exist" (or other region problem)
//   "... birth date 19901345 is not a calendar date"
//   "... birth date 20990101 lies in the future"
//   "... birth date 17991231 lies before 1800" (not 1900: the standard's
//       own example 440524188001010014 was born in 1880)
//   "... sequence 000 is not assigned"
//   "... check character is '4' but the first 17 digits require 'X'"
absl::StatusOr<ResidentIdInfo> ParseResidentId(
    absl::string_view id, absl::CivilDay today = TodayUtc());

// Returns the check character ('0'-'9' or 'X') for the first 17 digits of a
// resident identity number, or '\0' when `first17` is not exactly 17 ASCII
// digits. Does not validate region, date or sequence.
char ResidentIdCheckCharacter(absl::string_view first17);

// Converts a legacy 15-digit number (6-digit region, YYMMDD birth date of a
// person born 19YY, 3-digit sequence, no check character) to its 18-digit
// form: the year gains "19" and the check character is appended.
// Returns the 18-character number, or INVALID_ARGUMENT with a message
// starting "legacy resident identity number" naming the problem (length,
// non-digit character, region, birth date, sequence 000).
absl::StatusOr<std::string> UpgradeLegacyResidentId(absl::string_view id15);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_RESIDENT_ID_H_
