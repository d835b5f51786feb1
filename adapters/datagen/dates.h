// Dates and times as the generator makes them and as the legacy stores
// write them.
//
// Thread-compatible (OfficeTime mutates the Random passed in).
#ifndef DATARUN_ADAPTERS_DATAGEN_DATES_H_
#define DATARUN_ADAPTERS_DATAGEN_DATES_H_

#include <string>

#include "absl/time/civil_time.h"
#include "adapters/datagen/random.h"

namespace datarun {
namespace datagen {

// `day` plus `years` calendar years (29 February becomes 1 March).
absl::CivilDay AddYears(absl::CivilDay day, int years);

// A random moment of `day` during office hours (09:00:00-16:59:59).
absl::CivilSecond OfficeTime(Random& rng, absl::CivilDay day);

// "YYYY-MM-DD HH:MM:SS"
std::string FormatDateTime(absl::CivilSecond t);
// "YYYY-MM-DD"
std::string FormatIsoDate(absl::CivilDay d);
// "YYYYMMDD"
std::string FormatCompactDate(absl::CivilDay d);

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_DATES_H_
