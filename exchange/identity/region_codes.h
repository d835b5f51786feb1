// Administrative division codes (GB/T 2260) as they appear inside subject
// identifiers.
//
// Validation is at PROVINCE level only, on purpose. A resident identity
// number keeps the county code that was valid when it was issued, and GB/T
// 2260 has renamed, merged and abolished hundreds of prefecture and county
// codes since the 1980s (e.g. 440524, the former Chaoyang county of
// Guangdong, still appears in valid numbers). A table of today's prefectures
// would reject real people, so this file embeds only the province-level
// codes, which have been stable since 1997 (Chongqing, 50), plus the
// structural rule that a mainland person's region code names at least a
// prefecture (its digits 3-4 are not "00").
//
// Thread-safe: all functions are pure.
#ifndef DATARUN_EXCHANGE_IDENTITY_REGION_CODES_H_
#define DATARUN_EXCHANGE_IDENTITY_REGION_CODES_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace datarun::identity {

// Returns true when `code` is two digits naming a province-level division of
// GB/T 2260: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71 (Taiwan), 81 (Hong
// Kong), 82 (Macao).
bool IsProvinceCode(absl::string_view code);

// Validates the 6-digit region code of a resident identity number.
// Besides the provinces above it accepts 830000, the code the residence
// permits of Taiwan residents carry (GB 11643 format, issued since 2018).
// Returns OK, or INVALID_ARGUMENT whose message starts with "region code"
// and says why (non-digit, unknown province, mainland code naming only a
// province). The caller prefixes what the code belongs to.
absl::Status ValidatePersonRegionCode(absl::string_view code);

// Validates the 6-digit registration-authority region code of a unified
// social credit code: a province-level division (any prefecture/county
// digits), or 100000 for authorities at national level. Returns OK, or
// INVALID_ARGUMENT whose message starts with "region code" and says why.
absl::Status ValidateOrganisationRegionCode(absl::string_view code);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGION_CODES_H_
