#include "adapters/tax/deed_tax_rates.h"

#include "absl/strings/str_cat.h"

namespace datarun {
namespace tax {
namespace {

struct Rule {
  absl::CivilDay effective_from;
  int64_t threshold_hundredths;  // "up to" threshold, inclusive
  int first_small, first_large, second_small, second_large;
};

// Newest last.
const Rule kRules[] = {
    {absl::CivilDay(2016, 2, 22), 9000, 100, 150, 100, 200},
    {absl::CivilDay(2024, 12, 1), 14000, 100, 150, 100, 200},
};
constexpr int kStatutoryRate = 300;

std::string Name(const Rule& rule) {
  return absl::StrCat(absl::FormatCivilTime(rule.effective_from), " rules");
}

}  // namespace

DeedTaxRate DeedTaxRateFor(absl::CivilDay liable_on, BuyerKind kind,
                           int owned_before, int64_t area_hundredths) {
  if (kind == BuyerKind::kOrganisation) {
    return {kStatutoryRate, "organisation: statutory rate 3%"};
  }
  const Rule* rule = nullptr;
  for (const Rule& r : kRules) {
    if (r.effective_from <= liable_on) rule = &r;
  }
  if (rule == nullptr || owned_before >= 2) {
    return {kStatutoryRate, owned_before >= 2
                                ? "third or later home: statutory rate 3%"
                                : "before the 2016 relief: statutory rate 3%"};
  }
  const bool large = area_hundredths > rule->threshold_hundredths;
  const std::string size = absl::StrCat(
      large ? "> " : "<= ", rule->threshold_hundredths / 100, " m2");
  if (owned_before == 0) {
    return {large ? rule->first_large : rule->first_small,
            absl::StrCat(Name(*rule), ": first home ", size)};
  }
  return {large ? rule->second_large : rule->second_small,
          absl::StrCat(Name(*rule), ": second home ", size)};
}

int64_t DeedTaxFen(int64_t price_fen, int rate) {
  return (price_fen * rate + 5000) / 10000;
}

}  // namespace tax
}  // namespace datarun
