// Conversions from the formats legacy department systems store to the
// formats of the datarun contract (types.proto): exact decimal strings and
// ISO 8601 dates. No value ever passes through binary floating point.
//
// Thread-safe: all functions are pure.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_LEGACY_FORMAT_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_LEGACY_FORMAT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun {
namespace legacy {

// Returns `unscaled` / 10^scale written exactly, with trailing fractional
// zeros removed down to `min_fraction_digits` (0 <= min <= scale <= 18):
//   FormatDecimal(8950, 2, 2)  -> "89.50"     (area stored in 0.01 m²)
//   FormatDecimal(-5, 2, 2)    -> "-0.05"
//   FormatDecimal(150, 4, 2)   -> "0.015"     (rate stored in 1/10000)
//   FormatDecimal(100, 4, 2)   -> "0.01"
std::string FormatDecimal(int64_t unscaled, int scale, int min_fraction_digits);

// Money in cents / areas in hundredths: FormatDecimal(v, 2, 2).
std::string FormatHundredths(int64_t hundredths);

// True when `text` matches -?[0-9]+(\.[0-9]+)? (the contract's DECIMAL).
bool IsDecimalText(absl::string_view text);

// Converts a percentage as land registries write shares ("50%", "33.33%",
// "100%") to a fraction with at least two decimals ("0.50", "0.3333",
// "1.00"). INVALID_ARGUMENT quoting the text when it is not a percentage.
absl::StatusOr<std::string> PercentToFraction(absl::string_view text);

// Accepts "YYYYMMDD", "YYYY-MM-DD", "YYYY/MM/DD" or any of these followed by
// a time (" HH:MM:SS" or "THH:MM:SS..."), and returns "YYYY-MM-DD".
// INVALID_ARGUMENT quoting the text when it is not one of these or not a
// calendar date (e.g. "20230230").
absl::StatusOr<std::string> NormalizeDate(absl::string_view text);

// Returns the legacy 15-digit form of an 18-character resident identity
// number of a person born 1900-1999, as systems from before 1999 recorded
// it: the 6-digit region, the birth date without the century "19", the
// 3-digit sequence and no check character ("110105198001010018" ->
// "110105800101001"). Returns "" when `id18` is not 17 digits plus a check
// character or the century is not 19 (later births, credit codes). The
// check character is not verified (the exchange has validated subjects).
// The inverse is identity::UpgradeLegacyResidentId.
std::string LegacyResidentIdForm(absl::string_view id18);

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_LEGACY_FORMAT_H_
