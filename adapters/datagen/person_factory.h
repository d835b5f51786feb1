// Makes synthetic people and organisations with valid, unique identifiers:
// GB 11643 resident identity numbers and GB 32100 unified social credit
// codes, check characters computed by exchange/identity.
//
// Thread-compatible.
#ifndef DATARUN_ADAPTERS_DATAGEN_PERSON_FACTORY_H_
#define DATARUN_ADAPTERS_DATAGEN_PERSON_FACTORY_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "adapters/datagen/model.h"
#include "adapters/datagen/random.h"

namespace datarun {
namespace datagen {

class PersonFactory {
 public:
  explicit PersonFactory(Random* rng) : rng_(rng) {}

  // A person of the given sex born on `birth` in region `region_code`
  // (6 digits) with a random name. The identity number is unique among all
  // people this factory made. A quarter of those born before 1980 (chosen
  // by a hash of the number) get a legacy_id_number.
  Person Make(bool male, absl::CivilDay birth, absl::string_view region_code);

  // Same, with a birth region: `local_district_code` 80% of the time,
  // another Beijing district or another province otherwise.
  Person MakeResident(bool male, absl::CivilDay birth,
                      absl::string_view local_district_code);

  // A company registered in `region_code` (6 digits) by market regulation
  // (credit code "91..."), with a random name. Unique among this factory's
  // organisations.
  Party MakeCompany(absl::string_view region_code);

 private:
  Random* rng_;
  // (region, birth day, sex) -> people made so far with that prefix.
  absl::flat_hash_map<std::string, int> sequence_;
  int companies_ = 0;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_PERSON_FACTORY_H_
