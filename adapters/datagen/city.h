// The synthetic city: its districts (real GB/T 2260 codes of Beijing, with
// invented roads, compounds and offices) and the allocation of property
// units on land parcels.
//
// Thread-compatible.
#ifndef DATARUN_ADAPTERS_DATAGEN_CITY_H_
#define DATARUN_ADAPTERS_DATAGEN_CITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/datagen/model.h"
#include "adapters/datagen/random.h"

namespace datarun {
namespace datagen {

struct District {
  const char* code;        // GB/T 2260, e.g. "110105"
  const char* name;        // "朝阳区"
  const char* short_name;  // "朝", used in pre-2016 certificate numbers
  int64_t price_per_m2;    // typical second-hand price, yuan
  int weight;              // share of the population
};

// The districts, in a fixed order; indexes are stable.
const std::vector<District>& Districts();

class City {
 public:
  explicit City(Random* rng) : rng_(rng) {}

  // A district index chosen by population weight.
  int PickDistrict();

  // A new, never-used unit of `use` in district `district`. Opens a new
  // parcel when the current one is full (see TakeNewParcels).
  Unit NewUnit(int district, UnitUse use);

  // Parcels opened since the last call, in order.
  std::vector<Parcel> TakeNewParcels();

  // An address that is not a registered title (rented flat, dormitory).
  std::string RentedAddress(int district);
  // The police station keeping household registers for a new household.
  std::string PoliceStation(int district);
  // The marriage registration office of a district.
  std::string MarriageOffice(int district) const;
  // A court that may order seizures.
  std::string Court(int district);
  // A typical price for `unit`, in fen, rounded to 100 yuan.
  int64_t PriceFen(const Unit& unit);

 private:
  struct Compound {
    Parcel parcel;
    int buildings = 0, entrances = 0, floors = 0, per_floor = 0;
    int next = 0;  // next unused unit index
    bool open = false;
  };

  void OpenCompound(int district, UnitUse use, Compound* compound);

  Random* rng_;
  std::vector<Compound> residential_;  // per district
  std::vector<Compound> commercial_;   // per district
  std::vector<int> parcel_serial_;     // per district
  std::vector<Parcel> new_parcels_;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_CITY_H_
