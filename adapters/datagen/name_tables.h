// Word lists of the synthetic city: people's names, company names, roads,
// banks and offices. Every name produced here is synthetic; any match with
// a real person or company is a coincidence of common words.
//
// Thread-compatible (the Random passed in is mutated).
#ifndef DATARUN_ADAPTERS_DATAGEN_NAME_TABLES_H_
#define DATARUN_ADAPTERS_DATAGEN_NAME_TABLES_H_

#include <string>

#include "adapters/datagen/random.h"

namespace datarun {
namespace datagen {

// A Chinese personal name: surname (weighted by frequency) plus one or two
// given-name characters typical of the sex.
std::string PersonName(Random& rng, bool male);

// A company name such as "北京恒达置业有限公司".
std::string CompanyName(Random& rng);

// A road name such as "安和路".
std::string RoadName(Random& rng);

// A mortgagee: a bank branch in `district_name` or the housing provident
// fund centre.
std::string MortgageHolder(Random& rng, const std::string& district_name);

// A province-level place other than the city, for people born elsewhere:
// returns a 6-digit region code of a prefecture-level district.
const char* NonLocalRegionCode(Random& rng);

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_NAME_TABLES_H_
