// Builds the households of the synthetic city (people, marital histories,
// property) and writes them to the registry, land and housing stores.
//
//   ASSIGN_OR_RETURN(auto h, builder.Build(spec));  // registry rows written
//   ... optionally sell one of its flats (SaleBuilder) ...
//   RETURN_IF_ERROR(builder.Finish(h.get()));       // titles, counts written
//
// Consistency kept here: married couples share one marriage registration and
// both carry a married status; remarried people have the earlier marriage
// and divorce registered; widowed people's spouses are registered as
// deceased; owners are adults; co-owners in shares hold whole percentages
// adding up to 100; each family's dwelling count is the number of
// residential titles in force its members hold.
//
// Thread-compatible.
#ifndef DATARUN_ADAPTERS_DATAGEN_HOUSEHOLD_BUILDER_H_
#define DATARUN_ADAPTERS_DATAGEN_HOUSEHOLD_BUILDER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "adapters/datagen/city.h"
#include "adapters/datagen/household.h"
#include "adapters/datagen/housing_writer.h"
#include "adapters/datagen/land_writer.h"
#include "adapters/datagen/person_factory.h"
#include "adapters/datagen/random.h"
#include "adapters/datagen/registry_writer.h"

namespace datarun {
namespace datagen {

// Constraints on the main family of a household.
struct HouseholdSpec {
  bool married = false;   // a married couple
  bool own_home = false;  // owns at least one flat
  bool no_home = false;   // owns no flat
  // The demo seller: exactly one flat, owned in shares 50/50 since the
  // marriage, never mortgaged or seized; no elderly parent.
  bool demo_owner = false;
  // A collective household (集体户) of unrelated single adults, no head.
  bool collective = false;
  // An elderly widowed person recorded by old systems under the legacy
  // 15-digit number: one flat registered before kLastLegacyRecordYear + 1
  // (so the land store holds the 15-digit number).
  bool legacy_owner = false;
  // A married couple with an adult child who moved out (Household::left,
  // register status 迁出注销); pass the child to BuildRelocated.
  bool adult_child_leaves = false;
  // A married couple whose head also owns a shop (商业) (market demo).
  bool shop_owner = false;
  // A married couple owning two flats, registered at the first (relocation
  // demo).
  bool second_home = false;
};

class HouseholdBuilder {
 public:
  // None of the pointers is owned; all must outlive the builder.
  HouseholdBuilder(Random* rng, PersonFactory* people, City* city,
                   RegistryWriter* registry, LandWriter* land,
                   HousingWriter* housing)
      : rng_(rng),
        people_(people),
        city_(city),
        registry_(registry),
        land_(land),
        housing_(housing) {}

  // Creates a household meeting `spec` and writes its register rows
  // (HJ_HU, HJ_RY, HY_DJ). Errors: the store's.
  absl::StatusOr<std::unique_ptr<Household>> Build(const HouseholdSpec& spec);

  // Creates the household `person` (who moved out of another household on
  // `moved_in`, see HouseholdSpec::adult_child_leaves) registers as its head
  // on that day, under a new RYID, in a rented flat; writes its register
  // rows. Errors: the store's.
  absl::StatusOr<std::unique_ptr<Household>> BuildRelocated(
      Person* person, absl::CivilDay moved_in);

  // Writes new parcels, the household's titles with their mortgages and
  // seizures, and each family's dwelling count. Errors: the stores'.
  absl::Status Finish(Household* household);

  // Owners (persons) of the first title written with a mortgage / a seizure
  // in force; empty until one is written.
  const std::string& first_mortgaged_owner() const {
    return first_mortgaged_owner_;
  }
  const std::string& first_seized_owner() const { return first_seized_owner_; }

 private:
  Person* Add(Household* h, Person person);
  void BuildCouple(Household* h, const HouseholdSpec& spec);
  void BuildSingle(Household* h, const HouseholdSpec& spec);
  void BuildCollective(Household* h);
  void AddWidowedParent(Household* h);
  void AddAdultChildWhoLeft(Household* h, absl::CivilDay married_on);
  // Writes the household's HJ_HU, HJ_RY and HY_DJ rows.
  absl::Status WriteRegister(Household* h);
  // Gives family `family_index` `count` flats; `married_on` set for couples.
  void GiveHomes(Household* h, size_t family_index, int count, bool demo,
                 absl::optional<absl::CivilDay> married_on);
  void GiveShop(Household* h, size_t family_index);
  absl::Status WriteEncumbrances(const Title& title);

  Random* rng_;
  PersonFactory* people_;
  City* city_;
  RegistryWriter* registry_;
  LandWriter* land_;
  HousingWriter* housing_;
  std::string first_mortgaged_owner_;
  std::string first_seized_owner_;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_HOUSEHOLD_BUILDER_H_
