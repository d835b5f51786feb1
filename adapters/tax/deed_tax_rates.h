// The deed tax rate table (契税税率), versioned by effective date.
//
//   from 2016-02-22 (财税〔2016〕23号): an individual's family buying its
//     first home: 1% up to 90 m², 1.5% above; second home: 1% up to 90 m²,
//     2% above;
//   from 2024-12-01 (财政部 税务总局 住房城乡建设部公告2024年第16号): the
//     threshold is 140 m²: first home 1% / 1.5%, second home 1% / 2%;
//   always: a third or later home, and any purchase by an organisation, 3%
//     (the statutory rate).
// The rule applying is the newest whose effective date is on or before the
// date the tax liability arose (the contract's signing date).
//
// Thread-safe: pure functions over a constant table.
#ifndef DATARUN_ADAPTERS_TAX_DEED_TAX_RATES_H_
#define DATARUN_ADAPTERS_TAX_DEED_TAX_RATES_H_

#include <cstdint>
#include <string>

#include "absl/time/civil_time.h"

namespace datarun {
namespace tax {

enum class BuyerKind { kIndividual, kOrganisation };

struct DeedTaxRate {
  int rate = 0;      // in 1/10000 (100 = 1%)
  std::string rule;  // e.g. "2024-12-01 first home <= 140 m2"
};

// The rate for a dwelling of `area_hundredths` (0.01 m²) bought on `liable_on`
// by `kind`; for an individual, `owned_before` is the buyer family's number of
// dwellings before the purchase (0 = first home).
DeedTaxRate DeedTaxRateFor(absl::CivilDay liable_on, BuyerKind kind,
                           int owned_before, int64_t area_hundredths);

// round(price * rate / 10000) in fen (half up).
int64_t DeedTaxFen(int64_t price_fen, int rate);

}  // namespace tax
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_TAX_DEED_TAX_RATES_H_
