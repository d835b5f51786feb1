// One registered household of the synthetic city, as the generator holds it
// between building it (people, marriages, property) and writing it out.
#ifndef DATARUN_ADAPTERS_DATAGEN_HOUSEHOLD_H_
#define DATARUN_ADAPTERS_DATAGEN_HOUSEHOLD_H_

#include <cstddef>
#include <deque>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "adapters/datagen/model.h"

namespace datarun {
namespace datagen {

// The unit whose dwellings are counted together: an applicant, the spouse
// and minor children.
struct Family {
  std::vector<Person*> members;  // [0] applicant; [1] spouse if has_spouse
  bool has_spouse = false;
  std::vector<size_t> titles;  // indexes into Household::titles
};

// A person's line in the household register.
struct Resident {
  Person* person;
  const char* relation;  // GB/T 4761 code
  const char* marital;   // GB/T 2261.2 code
  absl::CivilDay moved_in;
  absl::optional<absl::CivilDay> died;
  // Set when the person moved out of the household (迁出) on that day; the
  // register keeps the row with status 迁出注销.
  absl::optional<absl::CivilDay> moved_out = {};
};

// A marriage or divorce registration.
struct Registration {
  bool divorce = false;
  Person* man;
  Person* woman;
  absl::CivilDay day;
};

struct Household {
  std::string household_no;
  int district = 0;
  bool collective = false;
  std::string address;
  std::string police_station;
  absl::CivilDay established;
  Person* head = nullptr;     // null for a collective household
  std::deque<Person> people;  // stable addresses; includes the dead and
                              // non-resident former spouses
  std::vector<Resident> residents;
  std::vector<Registration> registrations;
  std::vector<Family> families;  // [0] is the main family
  std::vector<Title> titles;
  // A resident who moved out (Resident::moved_out) to a household of their
  // own (HouseholdBuilder::BuildRelocated); null when none.
  Person* left = nullptr;
};

// Residential titles in force held by a member of `family`.
int DwellingCount(const Household& household, const Family& family);

// The adults of `family` as contract parties / right holders.
std::vector<Party> FamilyAdults(const Family& family);

// `person` as a party.
Party AsParty(const Person& person);

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_HOUSEHOLD_H_
