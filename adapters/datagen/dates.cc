#include "adapters/datagen/dates.h"

#include "absl/strings/str_format.h"

namespace datarun {
namespace datagen {

absl::CivilDay AddYears(absl::CivilDay day, int years) {
  return absl::CivilDay(day.year() + years, day.month(), day.day());
}

absl::CivilSecond OfficeTime(Random& rng, absl::CivilDay day) {
  return absl::CivilSecond(
      day.year(), day.month(), day.day(), static_cast<int>(rng.Range(9, 16)),
      static_cast<int>(rng.Range(0, 59)), static_cast<int>(rng.Range(0, 59)));
}

std::string FormatDateTime(absl::CivilSecond t) {
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d:%02d", t.year(), t.month(),
                         t.day(), t.hour(), t.minute(), t.second());
}

std::string FormatIsoDate(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string FormatCompactDate(absl::CivilDay d) {
  return absl::StrFormat("%04d%02d%02d", d.year(), d.month(), d.day());
}

}  // namespace datagen
}  // namespace datarun
