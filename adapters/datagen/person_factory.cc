#include "adapters/datagen/person_factory.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/datagen/city.h"
#include "adapters/datagen/name_tables.h"
#include "adapters/datagen/random.h"
#include "adapters/legacy_store/legacy_format.h"
#include "adapters/market/market_codes.h"
#include "exchange/identity/resident_id.h"

namespace datarun {
namespace datagen {

Person PersonFactory::Make(bool male, absl::CivilDay birth,
                           absl::string_view region_code) {
  std::string prefix = absl::StrFormat(
      "%s%04d%02d%02d", region_code, birth.year(), birth.month(), birth.day());
  int& made = sequence_[absl::StrCat(prefix, male ? "m" : "f")];
  // Sequence numbers: odd for men, even for women, never 000; a per-prefix
  // offset keeps them from all starting at 001.
  uint64_t h = 0;
  for (char c : prefix) h = h * 131 + static_cast<unsigned char>(c);
  int offset = static_cast<int>(h % 100);
  int sequence = 2 * (offset + made) + (male ? 1 : 2);
  ++made;
  if (sequence > 999) {
    // Over 400 people of one sex born on one day in one county: move to a
    // neighbouring day rather than fail.
    return Make(male, birth + 1, region_code);
  }
  std::string first17 = absl::StrFormat("%s%03d", prefix, sequence);
  Person p;
  p.name = PersonName(*rng_, male);
  p.id_number = absl::StrCat(
      first17, std::string(1, identity::ResidentIdCheckCharacter(first17)));
  p.male = male;
  p.birth = birth;
  // A quarter of the people born before 1980 were recorded by old systems
  // under their 15-digit number. Decided by the number itself so that it
  // draws nothing from the random stream.
  if (birth.year() < 1980 && StableHash(p.id_number) % 4 == 0) {
    p.legacy_id_number = legacy::LegacyResidentIdForm(p.id_number);
  }
  static constexpr int kEthnicWeights[] = {930, 10, 30, 30};
  static constexpr int kEthnicCodes[] = {1, 2, 3, 11};  // 汉 蒙古 回 满
  p.ethnicity = kEthnicCodes[rng_->Weighted(kEthnicWeights)];
  return p;
}

Person PersonFactory::MakeResident(bool male, absl::CivilDay birth,
                                   absl::string_view local_district_code) {
  int r = static_cast<int>(rng_->Uniform(100));
  if (r < 80) return Make(male, birth, local_district_code);
  if (r < 88) {
    const auto& districts = Districts();
    return Make(male, birth, districts[rng_->Uniform(districts.size())].code);
  }
  return Make(male, birth, NonLocalRegionCode(*rng_));
}

Party PersonFactory::MakeCompany(absl::string_view region_code) {
  ++companies_;
  // Organisation code of a newly registered company: "MA" + 6 characters,
  // then the GB 11714 check character.
  // (Codes the market regulator assigns from now on follow
  // market::AssignedOrganisationCodeBody, which never collides with these.)
  std::string org8 = absl::StrFormat("MA%06d", 10000 + companies_ * 37);
  Party company;
  company.name = CompanyName(*rng_);
  company.id_number =
      market::MarketCreditCode(market::kEnterprise, region_code, org8);
  company.organisation = true;
  return company;
}

}  // namespace datagen
}  // namespace datarun
