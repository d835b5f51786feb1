// The numbers the market regulator assigns: organisation codes (GB 11714),
// unified social credit codes (GB 32100, registration authority 9), the
// bureau's entity ids and licence numbers, and the store's date format.
// Shared by the market adapter (which registers new entities) and the
// synthetic data generator (adapters/datagen), so that both number alike.
//
// Thread-safe: all functions are pure.
#ifndef DATARUN_ADAPTERS_MARKET_MARKET_CODES_H_
#define DATARUN_ADAPTERS_MARKET_MARKET_CODES_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace datarun {
namespace market {

// Credit code type characters of authority 9 (market regulation).
inline constexpr char kEnterprise = '1';
inline constexpr char kIndividualBusiness = '2';

// The 8-character body of the `n`-th (n >= 1) organisation code the bureau
// assigns: "MA", a letter, then five characters of the credit code
// alphabet (0-9 and A-Y without I, O, S, V). The letter keeps the series
// apart from "MA" + 6 digits, which older registrations use. Returns ""
// for n < 1 or past the series' end (about 600 million).
std::string AssignedOrganisationCodeBody(int64_t n);

// `body` (8 characters) with its GB 11714 check character; "" when `body`
// is not 8 characters of the credit code alphabet.
std::string OrganisationCode(absl::string_view body);

// The unified social credit code "9" + `type` + `region` (6 digits) + the
// organisation code of `body` + the GB 32100 check character. "" when an
// argument is malformed.
std::string MarketCreditCode(char type, absl::string_view region,
                             absl::string_view body);

// The bureau's entity id (主体身份代码) of the `n`-th entity registered in
// `region`: "<region>ZT<10-digit n>".
std::string EntityId(absl::string_view region, int64_t n);

// The `n`-th licence number issued in `region` on `day`:
// region (6) + YYYYMMDD + 6-digit n.
std::string LicenceNo(absl::string_view region, absl::CivilDay day, int64_t n);

// `day` as the market store writes dates: "YYYY/MM/DD".
std::string StoreDate(absl::CivilDay day);

}  // namespace market
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_MARKET_MARKET_CODES_H_
