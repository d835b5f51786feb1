// Synthetic, valid subjects for tests, the crash helper and benchmarks of
// the identity registry. Header-only; pure and thread-safe.
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_IDENTITY_REGISTRY_TESTING_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_IDENTITY_REGISTRY_TESTING_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "datarun/v1/identity.pb.h"
#include "exchange/identity/credit_code.h"
#include "exchange/identity/resident_id.h"

namespace datarun::identity::testing {

// Returns the n-th (n >= 0, < 999 * 20000) distinct valid 18-digit resident
// identity number: region 110105, born from 1950-01-01 on.
inline std::string PersonId(int n) {
  const absl::CivilDay birth = absl::CivilDay(1950, 1, 1) + n / 999;
  const std::string first17 =
      absl::StrFormat("110105%04d%02d%02d%03d", birth.year(), birth.month(),
                      birth.day(), n % 999 + 1);
  return first17 + ResidentIdCheckCharacter(first17);
}

// Returns the n-th distinct valid 15-digit legacy number (born 1930 on);
// UpgradeLegacyResidentId gives its 18-digit form.
inline std::string LegacyPersonId(int n) {
  const absl::CivilDay birth = absl::CivilDay(1930, 1, 1) + n / 999;
  return absl::StrFormat("310104%02d%02d%02d%03d", birth.year() % 100,
                         birth.month(), birth.day(), n % 999 + 1);
}

// Returns the n-th distinct valid unified social credit code (an enterprise
// registered in 110105).
inline std::string CompanyId(int n) {
  const std::string body = absl::StrFormat("%08d", n);
  const std::string first17 = absl::StrCat(
      "91110105", body, std::string(1, OrganisationCodeCheckCharacter(body)));
  return first17 + CreditCodeCheckCharacter(first17);
}

inline v1::LocalId MakeLocalId(absl::string_view department,
                               absl::string_view kind,
                               absl::string_view value) {
  v1::LocalId id;
  id.set_department(std::string(department));
  id.set_kind(std::string(kind));
  id.set_value(std::string(value));
  return id;
}

}  // namespace datarun::identity::testing

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_IDENTITY_REGISTRY_TESTING_H_
