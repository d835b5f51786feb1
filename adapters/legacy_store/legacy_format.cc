#include "adapters/legacy_store/legacy_format.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace datarun {
namespace legacy {
namespace {

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::string FormatDecimal(int64_t unscaled, int scale,
                          int min_fraction_digits) {
  bool negative = unscaled < 0;
  // Work on the magnitude as unsigned so INT64_MIN is safe.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(unscaled)
                                : static_cast<uint64_t>(unscaled);
  std::string digits = absl::StrCat(magnitude);
  if (static_cast<int>(digits.size()) <= scale) {
    digits.insert(0, scale + 1 - digits.size(), '0');
  }
  std::string integer = digits.substr(0, digits.size() - scale);
  std::string fraction = digits.substr(digits.size() - scale);
  while (static_cast<int>(fraction.size()) > min_fraction_digits &&
         fraction.back() == '0') {
    fraction.pop_back();
  }
  std::string out = negative && magnitude != 0 ? "-" : "";
  absl::StrAppend(&out, integer);
  if (!fraction.empty()) absl::StrAppend(&out, ".", fraction);
  return out;
}

std::string FormatHundredths(int64_t hundredths) {
  return FormatDecimal(hundredths, 2, 2);
}

bool IsDecimalText(absl::string_view text) {
  if (!text.empty() && text[0] == '-') text.remove_prefix(1);
  size_t dot = text.find('.');
  if (dot == absl::string_view::npos) return AllDigits(text);
  return AllDigits(text.substr(0, dot)) && AllDigits(text.substr(dot + 1));
}

absl::StatusOr<std::string> PercentToFraction(absl::string_view text) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  if (s.empty() || s.back() != '%') {
    return absl::InvalidArgumentError(
        absl::StrCat("share '", text, "' is not a percentage like '50%'"));
  }
  s.remove_suffix(1);
  size_t dot = s.find('.');
  absl::string_view integer = s.substr(0, dot);
  absl::string_view fraction =
      dot == absl::string_view::npos ? absl::string_view() : s.substr(dot + 1);
  if (!AllDigits(integer) ||
      (dot != absl::string_view::npos && !AllDigits(fraction)) ||
      integer.size() + fraction.size() > 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("share '", text, "' is not a percentage like '50%'"));
  }
  int64_t unscaled = 0;
  if (!absl::SimpleAtoi(absl::StrCat(integer, fraction), &unscaled)) {
    return absl::InvalidArgumentError(
        absl::StrCat("share '", text, "' is not a percentage like '50%'"));
  }
  return FormatDecimal(unscaled, static_cast<int>(fraction.size()) + 2, 2);
}

absl::StatusOr<std::string> NormalizeDate(absl::string_view text) {
  absl::string_view s = absl::StripAsciiWhitespace(text);
  absl::string_view y, m, d;
  if (s.size() >= 8 && AllDigits(s.substr(0, 8)) &&
      (s.size() == 8 || s[8] == ' ' || s[8] == 'T')) {
    y = s.substr(0, 4);
    m = s.substr(4, 2);
    d = s.substr(6, 2);
  } else if (s.size() >= 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] &&
             (s.size() == 10 || s[10] == ' ' || s[10] == 'T')) {
    y = s.substr(0, 4);
    m = s.substr(5, 2);
    d = s.substr(8, 2);
  }
  int year = 0, month = 0, day = 0;
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d) ||
      !absl::SimpleAtoi(y, &year) || !absl::SimpleAtoi(m, &month) ||
      !absl::SimpleAtoi(d, &day)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "date '", text, "' is not YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD"));
  }
  absl::CivilDay civil(year, month, day);
  if (civil.year() != year || civil.month() != month || civil.day() != day) {
    return absl::InvalidArgumentError(
        absl::StrCat("date '", text, "' is not a calendar date"));
  }
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

std::string LegacyResidentIdForm(absl::string_view id18) {
  if (id18.size() != 18 || !AllDigits(id18.substr(0, 17)) ||
      id18.substr(6, 2) != "19") {
    return "";
  }
  return absl::StrCat(id18.substr(0, 6), id18.substr(8, 9));
}

}  // namespace legacy
}  // namespace datarun
