#include "adapters/datagen/household.h"

namespace datarun {
namespace datagen {

int DwellingCount(const Household& household, const Family& family) {
  int count = 0;
  for (size_t index : family.titles) {
    const Title& t = household.titles[index];
    if (!t.historical && t.unit.use == UnitUse::kResidential) ++count;
  }
  return count;
}

std::vector<Party> FamilyAdults(const Family& family) {
  std::vector<Party> adults;
  adults.push_back(AsParty(*family.members[0]));
  if (family.has_spouse) adults.push_back(AsParty(*family.members[1]));
  return adults;
}

Party AsParty(const Person& person) {
  Party p;
  p.name = person.name;
  p.id_number = person.id_number;
  p.legacy_id_number = person.legacy_id_number;
  return p;
}

}  // namespace datagen
}  // namespace datarun
