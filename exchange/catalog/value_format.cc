#include "exchange/catalog/value_format.h"

namespace datarun::catalog {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }

// Parses exactly `text.size()` digits; false if any is not a digit.
bool ParseDigits(absl::string_view text, int* value) {
  int result = 0;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    result = result * 10 + (c - '0');
  }
  *value = result;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (month == 2) {
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

}  // namespace

bool IsValidDate(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!ParseDigits(text.substr(0, 4), &year) ||
      !ParseDigits(text.substr(5, 2), &month) ||
      !ParseDigits(text.substr(8, 2), &day)) {
    return false;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= DaysInMonth(year, month);
}

bool IsValidDecimal(absl::string_view text) {
  size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  const size_t integer_start = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  if (i == integer_start) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  ++i;
  const size_t fraction_start = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  return i > fraction_start && i == text.size();
}

bool IsSnakeCase(absl::string_view text) {
  if (text.empty() || !IsLower(text[0])) return false;
  for (size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '_') {
      // No "__" and no trailing '_'.
      if (i + 1 == text.size() || text[i + 1] == '_') return false;
    } else if (!IsLower(c) && !IsDigit(c)) {
      return false;
    }
  }
  return true;
}

bool IsDepartmentId(absl::string_view text) {
  if (text.empty() || !IsLower(text[0])) return false;
  for (char c : text) {
    if (!IsLower(c) && !IsDigit(c)) return false;
  }
  return true;
}

}  // namespace datarun::catalog
