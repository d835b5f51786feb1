#include "adapters/datagen/household_builder.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/datagen/dates.h"
#include "adapters/datagen/name_tables.h"
#include "adapters/legacy_store/legacy_format.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {
namespace {

constexpr absl::CivilDay kFirstRegistration(2003, 1, 1);

absl::CivilDay Max(absl::CivilDay a, absl::CivilDay b) { return a < b ? b : a; }
absl::CivilDay Min(absl::CivilDay a, absl::CivilDay b) { return a < b ? a : b; }

}  // namespace

Person* HouseholdBuilder::Add(Household* h, Person person) {
  h->people.push_back(std::move(person));
  return &h->people.back();
}

void HouseholdBuilder::BuildCouple(Household* h, const HouseholdSpec& spec) {
  const char* code = Districts()[h->district].code;
  // Parents of an adult child are born early enough.
  absl::CivilDay hb =
      rng_->Day(absl::CivilDay(1955, 1, 1),
                absl::CivilDay(spec.adult_child_leaves ? 1968 : 1998, 12, 31));
  absl::CivilDay wb =
      Min(hb + rng_->Range(-2 * 365, 6 * 365), absl::CivilDay(2000, 6, 30));
  absl::CivilDay earliest = Max(AddYears(hb, 22), AddYears(wb, 20));
  absl::CivilDay latest = kAsOf - 30;
  absl::CivilDay married_on =
      earliest +
      rng_->Range(
          0, std::min<int64_t>(spec.adult_child_leaves ? 3 * 365 : 12 * 365,
                               latest - earliest));
  Person* husband = Add(h, people_->MakeResident(true, hb, code));
  Person* wife = Add(h, people_->MakeResident(false, wb, code));

  // Some spouses married before, to someone from elsewhere, and divorced.
  Person* remarried = nullptr;
  if (!spec.demo_owner && !spec.adult_child_leaves && rng_->PerMille(80)) {
    absl::CivilDay first = earliest + rng_->Range(0, 2 * 365);
    absl::CivilDay divorce = first + rng_->Range(365, 4 * 365);
    absl::CivilDay again = divorce + rng_->Range(180, 1000);
    if (again <= latest) {
      married_on = again;
      remarried = rng_->PerMille(500) ? husband : wife;
      Person* ex =
          Add(h, people_->Make(!remarried->male,
                               remarried->birth + rng_->Range(-900, 900),
                               NonLocalRegionCode(*rng_)));
      Person* man = remarried->male ? remarried : ex;
      Person* woman = remarried->male ? ex : remarried;
      h->registrations.push_back({false, man, woman, first});
      h->registrations.push_back({true, man, woman, divorce});
    }
  }
  h->registrations.push_back({false, husband, wife, married_on});

  bool husband_heads = rng_->PerMille(700);
  Person* head = husband_heads ? husband : wife;
  Person* spouse = husband_heads ? wife : husband;
  h->head = head;
  h->established = married_on;
  h->residents.push_back(
      {head, "02", head == remarried ? "22" : "20", married_on, {}});
  h->residents.push_back(
      {spouse, "10", spouse == remarried ? "22" : "20", married_on, {}});

  Family family;
  family.members = {head, spouse};
  family.has_spouse = true;
  static constexpr int kChildWeights[] = {30, 50, 20};
  int children = static_cast<int>(rng_->Weighted(kChildWeights));
  absl::CivilDay from = Max(married_on + 300, AddYears(kAsOf, -17));
  absl::CivilDay to = kAsOf - 30;
  for (int i = 0; i < children && from <= to; ++i) {
    bool male = rng_->PerMille(515);
    Person* child = Add(h, people_->Make(male, rng_->Day(from, to), code));
    absl::CivilDay registered = Min(child->birth + rng_->Range(3, 30), kAsOf);
    h->residents.push_back({child, male ? "20" : "30", "10", registered, {}});
    family.members.push_back(child);
  }
  h->families.push_back(std::move(family));
  if (spec.adult_child_leaves) AddAdultChildWhoLeft(h, married_on);

  static constexpr int kHomeWeights[] = {25, 50, 20, 5};
  int homes = static_cast<int>(rng_->Weighted(kHomeWeights));
  if (spec.own_home && homes == 0) homes = 1;
  if (spec.no_home) homes = 0;
  if (spec.demo_owner) homes = 1;
  if (spec.second_home) homes = 2;
  GiveHomes(h, 0, homes, spec.demo_owner, married_on);
  // (The draw happens for every household, so scripted flags do not shift
  // the random stream.)
  if (!spec.demo_owner && (rng_->PerMille(50) || spec.shop_owner)) {
    GiveShop(h, 0);
  }
  if (!spec.demo_owner && head->birth < absl::CivilDay(1985, 1, 1) &&
      rng_->PerMille(100)) {
    AddWidowedParent(h);
  }
}

void HouseholdBuilder::AddWidowedParent(Household* h) {
  const char* code = Districts()[h->district].code;
  bool male = rng_->PerMille(350);
  absl::CivilDay pb = h->head->birth - rng_->Range(22 * 365, 35 * 365);
  Person* parent = Add(h, people_->MakeResident(male, pb, code));
  Person* late = Add(h, people_->MakeResident(
                            !male, pb + rng_->Range(-3 * 365, 3 * 365), code));
  absl::CivilDay wed =
      AddYears(Max(parent->birth, late->birth), 23) + rng_->Range(0, 3 * 365);
  absl::CivilDay moved_in =
      h->established +
      rng_->Range(0, std::max<int64_t>(0, kAsOf - 60 - h->established));
  absl::CivilDay died =
      Max(moved_in + 30, Max(wed + 5 * 365, absl::CivilDay(2000, 1, 1)));
  died = Min(died + rng_->Range(0, 3650), kAsOf - 10);
  Person* man = male ? parent : late;
  Person* woman = male ? late : parent;
  h->registrations.push_back({false, man, woman, wed});
  h->residents.push_back({parent, male ? "51" : "52", "30", moved_in, {}});
  h->residents.push_back({late, male ? "52" : "51", "20", moved_in, died});
  Family family;
  family.members = {parent};
  h->families.push_back(std::move(family));
  if (rng_->PerMille(300)) GiveHomes(h, h->families.size() - 1, 1, false, {});
}

void HouseholdBuilder::AddAdultChildWhoLeft(Household* h,
                                            absl::CivilDay married_on) {
  const char* code = Districts()[h->district].code;
  bool male = rng_->PerMille(515);
  Person* child =
      Add(h, people_->Make(male, married_on + rng_->Range(300, 3 * 365), code));
  absl::CivilDay registered = child->birth + rng_->Range(3, 30);
  // Moved out as a young adult, at least a few months before kAsOf.
  absl::CivilDay left =
      Max(AddYears(child->birth, 22), absl::CivilDay(2016, 1, 1)) +
      rng_->Range(0, 2 * 365);
  left = Min(left, kAsOf - 90);
  h->residents.push_back(
      {child, male ? "20" : "30", "10", registered, {}, left});
  h->left = child;
}

void HouseholdBuilder::BuildSingle(Household* h, const HouseholdSpec& spec) {
  const char* code = Districts()[h->district].code;
  static constexpr int kKindWeights[] = {60, 25, 15};  // 未婚 离异 丧偶
  size_t kind = rng_->Weighted(kKindWeights);
  if (spec.legacy_owner) kind = 2;  // widowed, born 1935-1965
  bool male = rng_->PerMille(520);
  Person* person = nullptr;
  const char* marital = "10";
  if (kind == 0) {
    person = Add(h, people_->MakeResident(male,
                                          rng_->Day(absl::CivilDay(1975, 1, 1),
                                                    absl::CivilDay(2002, 6, 1)),
                                          code));
    h->established =
        rng_->Day(Max(AddYears(person->birth, 18), absl::CivilDay(1995, 1, 1)),
                  kAsOf - 30);
  } else {
    absl::CivilDay birth =
        kind == 1
            ? rng_->Day(absl::CivilDay(1960, 1, 1), absl::CivilDay(1992, 1, 1))
            : rng_->Day(absl::CivilDay(1935, 1, 1), absl::CivilDay(1965, 1, 1));
    person = Add(h, people_->MakeResident(male, birth, code));
    if (spec.legacy_owner) {
      person->legacy_id_number =
          legacy::LegacyResidentIdForm(person->id_number);
    }
    absl::CivilDay wed = AddYears(birth, 22) + rng_->Range(0, 8 * 365);
    h->established = wed;
    if (kind == 1) {
      marital = "40";
      Person* ex = Add(h, people_->Make(!male, birth + rng_->Range(-1000, 1000),
                                        NonLocalRegionCode(*rng_)));
      absl::CivilDay divorce =
          Min(wed + rng_->Range(365, 10 * 365), kAsOf - 30);
      Person* man = male ? person : ex;
      Person* woman = male ? ex : person;
      h->registrations.push_back({false, man, woman, wed});
      h->registrations.push_back({true, man, woman, divorce});
    } else {
      marital = "30";
      Person* late =
          Add(h, people_->MakeResident(
                     !male, birth + rng_->Range(-3 * 365, 3 * 365), code));
      absl::CivilDay died =
          rng_->Day(Max(wed + 5 * 365, absl::CivilDay(2000, 1, 1)), kAsOf - 60);
      Person* man = male ? person : late;
      Person* woman = male ? late : person;
      h->registrations.push_back({false, man, woman, wed});
      h->residents.push_back({late, "10", "20", wed, died});
    }
  }
  h->head = person;
  h->residents.insert(h->residents.begin(),
                      Resident{person, "02", marital, h->established, {}});
  Family family;
  family.members = {person};
  h->families.push_back(std::move(family));
  static constexpr int kHomeWeights[] = {55, 40, 5};
  int homes = static_cast<int>(rng_->Weighted(kHomeWeights));
  if (spec.own_home && homes == 0) homes = 1;
  if (spec.no_home) homes = 0;
  if (spec.legacy_owner) homes = 1;
  GiveHomes(h, 0, homes, false, {});
  if (spec.legacy_owner) {
    // Bought while the old systems were in use.
    h->titles.back().registered = OfficeTime(
        *rng_, rng_->Day(absl::CivilDay(2003, 1, 1),
                         absl::CivilDay(kLastLegacyRecordYear, 12, 31)));
  }
}

void HouseholdBuilder::BuildCollective(Household* h) {
  const char* code = Districts()[h->district].code;
  h->collective = true;
  h->established =
      rng_->Day(absl::CivilDay(1995, 1, 1), absl::CivilDay(2015, 12, 31));
  int members = static_cast<int>(rng_->Range(2, 4));
  for (int i = 0; i < members; ++i) {
    Person* p =
        Add(h, people_->MakeResident(rng_->PerMille(500),
                                     rng_->Day(absl::CivilDay(1985, 1, 1),
                                               absl::CivilDay(2002, 6, 1)),
                                     code));
    absl::CivilDay moved_in =
        rng_->Day(Max(h->established, AddYears(p->birth, 18)), kAsOf - 10);
    h->residents.push_back({p, "99", "10", moved_in, {}});
    Family family;
    family.members = {p};
    h->families.push_back(std::move(family));
  }
}

void HouseholdBuilder::GiveHomes(Household* h, size_t family_index, int count,
                                 bool demo,
                                 absl::optional<absl::CivilDay> married_on) {
  for (int k = 0; k < count; ++k) {
    Family& f = h->families[family_index];
    int district = rng_->PerMille(700) ? h->district : city_->PickDistrict();
    Title t;
    t.unit = city_->NewUnit(district, UnitUse::kResidential);
    t.keep_clear = demo;
    absl::CivilDay hi = kAsOf - 60;
    Person* sole = nullptr;
    if (married_on.has_value()) {
      Person* a = f.members[0];
      Person* b = f.members[1];
      int mode = demo ? 0 : static_cast<int>(rng_->Uniform(100));
      if (mode >= 90 && *married_on > kFirstRegistration + 365) {
        // Bought alone before the marriage.
        sole = rng_->PerMille(500) ? a : b;
        absl::CivilDay lo = Max(AddYears(sole->birth, 22), kFirstRegistration);
        t.registered = OfficeTime(
            *rng_, rng_->Day(Min(lo, *married_on - 1), *married_on - 1));
      } else {
        absl::CivilDay after = Max(*married_on, kFirstRegistration);
        t.registered = OfficeTime(*rng_, rng_->Day(Min(after, hi), hi));
        if (mode < 45) {
          static constexpr int kSplits[][2] = {
              {50, 50}, {60, 40}, {70, 30}, {40, 60}};
          static constexpr int kSplitWeights[] = {65, 15, 10, 10};
          const int* split = kSplits[demo ? 0 : rng_->Weighted(kSplitWeights)];
          t.co_ownership = CoOwnership::kInShares;
          t.owners = {AsParty(*a), AsParty(*b)};
          t.share_percent = {split[0], split[1]};
        } else if (mode < 80) {
          t.co_ownership = CoOwnership::kJoint;
          t.owners = {AsParty(*a), AsParty(*b)};
        } else {
          // Registered to one spouse alone although bought after marriage.
          sole = rng_->PerMille(500) ? a : b;
        }
      }
    } else {
      sole = f.members[0];
      absl::CivilDay lo = Max(AddYears(sole->birth, 22), kFirstRegistration);
      t.registered = OfficeTime(*rng_, rng_->Day(Min(lo, hi), hi));
    }
    if (sole != nullptr) {
      t.co_ownership = CoOwnership::kSole;
      t.owners = {AsParty(*sole)};
      t.share_percent = {100};
    }
    h->titles.push_back(std::move(t));
    h->families[family_index].titles.push_back(h->titles.size() - 1);
  }
}

void HouseholdBuilder::GiveShop(Household* h, size_t family_index) {
  Family& f = h->families[family_index];
  Title t;
  t.unit = city_->NewUnit(city_->PickDistrict(), UnitUse::kCommercial);
  Person* owner = f.members[0];
  absl::CivilDay lo = Max(AddYears(owner->birth, 25), kFirstRegistration);
  t.registered = OfficeTime(*rng_, rng_->Day(Min(lo, kAsOf - 60), kAsOf - 60));
  t.owners = {AsParty(*owner)};
  t.share_percent = {100};
  h->titles.push_back(std::move(t));
  f.titles.push_back(h->titles.size() - 1);
}

absl::StatusOr<std::unique_ptr<Household>> HouseholdBuilder::Build(
    const HouseholdSpec& spec) {
  auto h = std::make_unique<Household>();
  h->household_no = registry_->NextHouseholdNo();
  h->district = city_->PickDistrict();
  bool constrained = spec.married || spec.own_home || spec.no_home ||
                     spec.demo_owner || spec.legacy_owner ||
                     spec.adult_child_leaves || spec.shop_owner ||
                     spec.second_home;
  if (spec.collective || (!constrained && rng_->PerMille(30))) {
    BuildCollective(h.get());
  } else if (!spec.legacy_owner &&
             (spec.married || spec.demo_owner || spec.adult_child_leaves ||
              rng_->PerMille(700))) {
    BuildCouple(h.get(), spec);
  } else {
    BuildSingle(h.get(), spec);
  }

  // Where the household is registered: the main family's first flat, else
  // a rented flat or, for a collective household, the employer's address.
  const Family& main = h->families[0];
  for (size_t index : main.titles) {
    if (h->titles[index].unit.use == UnitUse::kResidential) {
      h->address = h->titles[index].unit.location;
      break;
    }
  }
  if (h->address.empty()) {
    h->address = h->collective
                     ? absl::StrCat("北京市", Districts()[h->district].name,
                                    RoadName(*rng_), rng_->Range(1, 199), "号")
                     : city_->RentedAddress(h->district);
  }
  h->police_station = city_->PoliceStation(h->district);
  RETURN_IF_ERROR(WriteRegister(h.get()));
  return h;
}

absl::StatusOr<std::unique_ptr<Household>> HouseholdBuilder::BuildRelocated(
    Person* person, absl::CivilDay moved_in) {
  auto h = std::make_unique<Household>();
  h->household_no = registry_->NextHouseholdNo();
  h->district = city_->PickDistrict();
  h->established = moved_in;
  h->head = person;
  h->residents.push_back({person, "02", "10", moved_in, {}});
  Family family;
  family.members = {person};
  h->families.push_back(std::move(family));
  h->address = city_->RentedAddress(h->district);
  h->police_station = city_->PoliceStation(h->district);
  // A new registration: the old row keeps the old RYID.
  registry_->AssignNewRyid(person);
  RETURN_IF_ERROR(WriteRegister(h.get()));
  return h;
}

absl::Status HouseholdBuilder::WriteRegister(Household* h) {
  for (Resident& r : h->residents) registry_->AssignRyid(r.person);
  RETURN_IF_ERROR(registry_->WriteHousehold(
      h->household_no, h->collective, h->address, h->district,
      h->police_station, h->head == nullptr ? "" : h->head->ryid,
      h->established));
  for (Resident& r : h->residents) {
    RETURN_IF_ERROR(registry_->WritePerson(r.person, h->household_no,
                                           r.relation, r.marital, r.moved_in,
                                           r.died, r.moved_out));
  }
  std::string office = city_->MarriageOffice(h->district);
  for (const Registration& reg : h->registrations) {
    RETURN_IF_ERROR(registry_->WriteRegistration(reg.divorce, *reg.man,
                                                 *reg.woman, reg.day, office));
  }
  return absl::OkStatus();
}

absl::Status HouseholdBuilder::WriteEncumbrances(const Title& t) {
  const Unit& u = t.unit;
  std::string district = Districts()[u.district].name;
  absl::CivilDay registered(t.registered.year(), t.registered.month(),
                            t.registered.day());
  auto amount = [&] {
    return city_->PriceFen(u) * rng_->Range(30, 70) / 100 / 1000000 * 1000000;
  };
  if (t.historical) {
    absl::CivilDay ended(t.ended.year(), t.ended.month(), t.ended.day());
    absl::CivilDay released = ended - rng_->Range(1, 5);
    if (released > registered + 30 && rng_->PerMille(400)) {
      RETURN_IF_ERROR(land_->WriteMortgage(u, MortgageHolder(*rng_, district),
                                           amount(), t.registered,
                                           OfficeTime(*rng_, released)));
    }
    return absl::OkStatus();
  }
  if (t.keep_clear) return absl::OkStatus();
  bool person_owned = !t.owners.empty() && !t.owners[0].organisation;
  int in_force = t.transfer ? 600 : 300;
  if (rng_->PerMille(in_force)) {
    absl::CivilDay on = Min(registered + rng_->Range(0, 30), kAsOf - 1);
    RETURN_IF_ERROR(land_->WriteMortgage(u, MortgageHolder(*rng_, district),
                                         amount(), OfficeTime(*rng_, on), {}));
    if (person_owned && first_mortgaged_owner_.empty()) {
      first_mortgaged_owner_ = t.owners[0].id_number;
    }
  } else if (registered + 400 < kAsOf && rng_->PerMille(150)) {
    absl::CivilDay on = registered + rng_->Range(0, 30);
    absl::CivilDay off = rng_->Day(on + 365, kAsOf - 1);
    RETURN_IF_ERROR(land_->WriteMortgage(u, MortgageHolder(*rng_, district),
                                         amount(), OfficeTime(*rng_, on),
                                         OfficeTime(*rng_, off)));
  }
  if (!t.no_seizure && registered + 60 < kAsOf) {
    if (rng_->PerMille(10)) {
      absl::CivilDay on = rng_->Day(registered + 30, kAsOf - 1);
      RETURN_IF_ERROR(land_->WriteSeizure(u, city_->Court(u.district),
                                          OfficeTime(*rng_, on), {}));
      if (person_owned && first_seized_owner_.empty()) {
        first_seized_owner_ = t.owners[0].id_number;
      }
    } else if (rng_->PerMille(5) && registered + 800 < kAsOf) {
      absl::CivilDay on = rng_->Day(registered + 30, kAsOf - 400);
      RETURN_IF_ERROR(land_->WriteSeizure(u, city_->Court(u.district),
                                          OfficeTime(*rng_, on),
                                          OfficeTime(*rng_, on + 365)));
    }
  }
  return absl::OkStatus();
}

absl::Status HouseholdBuilder::Finish(Household* h) {
  for (const Parcel& p : city_->TakeNewParcels()) {
    RETURN_IF_ERROR(land_->WriteParcel(p));
  }
  for (Title& t : h->titles) {
    RETURN_IF_ERROR(land_->WriteTitle(&t));
    RETURN_IF_ERROR(WriteEncumbrances(t));
  }
  for (const Family& f : h->families) {
    std::vector<const Person*> members(f.members.begin(), f.members.end());
    RETURN_IF_ERROR(housing_->WriteDwellingCount(members, f.has_spouse,
                                                 DwellingCount(*h, f),
                                                 kAsOf - rng_->Range(0, 20)));
  }
  return absl::OkStatus();
}

}  // namespace datagen
}  // namespace datarun
