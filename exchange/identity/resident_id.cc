#include "exchange/identity/resident_id.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "exchange/identity/region_codes.h"

namespace datarun::identity {
namespace {

constexpr absl::string_view kNoun = "resident identity number";
constexpr absl::string_view kLegacyNoun = "legacy resident identity number";
constexpr int kWeights[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                              3, 7, 9,  10, 5, 8, 4, 2};
constexpr char kCheckTable[] = "10X98765432";
// GB 11643's own second example is a man born on 1880-01-01, so births in
// the 19th century are legitimate; earlier ones are typing errors.
constexpr int kEarliestBirthYear = 1800;

bool IsDigit(char c) {
  return absl::ascii_isdigit(static_cast<unsigned char>(c));
}

int DigitsToInt(absl::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

absl::Status Invalid(absl::string_view noun, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(noun, " ", reason));
}

// Returns INVALID_ARGUMENT naming the first non-digit among the first
// `count` characters of `id` (positions from 1), or OK.
absl::Status CheckDigits(absl::string_view noun, absl::string_view id,
                         size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (!IsDigit(id[i])) {
      return Invalid(noun,
                     absl::StrCat("character ", i + 1, " must be a digit"));
    }
  }
  return absl::OkStatus();
}

// Validates region code, 8-digit birth date and 3-digit sequence (all digits
// already), filling `info`.
absl::Status ValidateBody(absl::string_view noun, absl::string_view region,
                          absl::string_view date, absl::string_view sequence,
                          absl::CivilDay today, ResidentIdInfo* info) {
  absl::Status region_status = ValidatePersonRegionCode(region);
  if (!region_status.ok()) return Invalid(noun, region_status.message());

  const int year = DigitsToInt(date.substr(0, 4));
  const int month = DigitsToInt(date.substr(4, 2));
  const int day = DigitsToInt(date.substr(6, 2));
  const absl::CivilDay birth(year, month, day);
  if (birth.year() != year || birth.month() != month || birth.day() != day) {
    return Invalid(
        noun, absl::StrCat("birth date ", date, " is not a calendar date"));
  }
  if (birth > today) {
    return Invalid(noun,
                   absl::StrCat("birth date ", date, " lies in the future"));
  }
  if (year < kEarliestBirthYear) {
    return Invalid(noun, absl::StrCat("birth date ", date, " lies before ",
                                      kEarliestBirthYear));
  }
  const int seq = DigitsToInt(sequence);
  if (seq == 0) {
    return Invalid(noun,
                   absl::StrCat("sequence ", sequence, " is not assigned"));
  }
  info->region_code = std::string(region);
  info->birth_date = birth;
  info->sequence = seq;
  info->male = seq % 2 == 1;
  return absl::OkStatus();
}

}  // namespace

absl::CivilDay TodayUtc() {
  return absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
}

char ResidentIdCheckCharacter(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(first17[i])) return '\0';
    sum += (first17[i] - '0') * kWeights[i];
  }
  return kCheckTable[sum % 11];
}

absl::StatusOr<ResidentIdInfo> ParseResidentId(absl::string_view id,
                                               absl::CivilDay today) {
  if (id.size() != 18) {
    return Invalid(kNoun,
                   absl::StrCat("must have 18 characters, got ", id.size()));
  }
  absl::Status status = CheckDigits(kNoun, id, 17);
  if (!status.ok()) return status;
  const char given = absl::ascii_toupper(static_cast<unsigned char>(id[17]));
  if (!IsDigit(given) && given != 'X') {
    return Invalid(kNoun, "character 18 must be a digit or 'X'");
  }
  ResidentIdInfo info;
  status = ValidateBody(kNoun, id.substr(0, 6), id.substr(6, 8),
                        id.substr(14, 3), today, &info);
  if (!status.ok()) return status;
  const char expected = ResidentIdCheckCharacter(id.substr(0, 17));
  if (given != expected) {
    return Invalid(kNoun, absl::StrCat("check character is '",
                                       absl::string_view(&given, 1),
                                       "' but the first 17 digits require '",
                                       absl::string_view(&expected, 1), "'"));
  }
  return info;
}

absl::StatusOr<std::string> UpgradeLegacyResidentId(absl::string_view id15) {
  if (id15.size() != 15) {
    return Invalid(kLegacyNoun,
                   absl::StrCat("must have 15 characters, got ", id15.size()));
  }
  absl::Status status = CheckDigits(kLegacyNoun, id15, 15);
  if (!status.ok()) return status;
  std::string id = absl::StrCat(id15.substr(0, 6), "19", id15.substr(6));
  ResidentIdInfo info;
  // A 19YY date is never in the future, so "today" only needs to be late.
  status = ValidateBody(kLegacyNoun, id15.substr(0, 6),
                        absl::string_view(id).substr(6, 8), id15.substr(12, 3),
                        absl::CivilDay(2000, 1, 1), &info);
  if (!status.ok()) return status;
  id.push_back(ResidentIdCheckCharacter(id));
  return id;
}

}  // namespace datarun::identity
