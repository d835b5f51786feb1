#include "adapters/datagen/city.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/datagen/name_tables.h"

namespace datarun {
namespace datagen {

const std::vector<District>& Districts() {
  static const std::vector<District>* const districts =
      new std::vector<District>{
          {"110101", "东城区", "东", 100000, 7},
          {"110102", "西城区", "西", 110000, 11},
          {"110105", "朝阳区", "朝", 65000, 34},
          {"110106", "丰台区", "丰", 52000, 20},
          {"110107", "石景山区", "石", 48000, 6},
          {"110108", "海淀区", "海", 85000, 31},
          {"110112", "通州区", "通", 42000, 18},
          {"110114", "昌平区", "昌", 38000, 22},
          {"110115", "大兴区", "大", 36000, 19},
      };
  return *districts;
}

int City::PickDistrict() {
  static const std::vector<int>* const weights = [] {
    auto* w = new std::vector<int>;
    for (const District& d : Districts()) w->push_back(d.weight);
    return w;
  }();
  return static_cast<int>(rng_->Weighted(*weights));
}

void City::OpenCompound(int district, UnitUse use, Compound* c) {
  const District& d = Districts()[district];
  if (parcel_serial_.empty()) parcel_serial_.assign(Districts().size(), 0);
  int serial = ++parcel_serial_[district];
  Parcel& p = c->parcel;
  // 宗地代码: region (6) + 街道 (3) + 街坊 (3) + 宗地特征码 GB + 顺序号 (5).
  p.parcel_no = absl::StrFormat("%s%03d%03dGB%05d", d.code, rng_->Range(1, 24),
                                rng_->Range(1, 40), serial);
  p.district = district;
  bool residential = use == UnitUse::kResidential;
  std::string road = RoadName(*rng_);
  int number = static_cast<int>(rng_->Range(1, 199));
  p.location =
      absl::StrCat("北京市", d.name, road, number, residential ? "号院" : "号");
  p.land_use = residential ? "0701" : "0505";
  p.allocated = residential && rng_->PerMille(120);  // old work-unit compounds
  if (p.allocated) {
    p.right_start =
        rng_->Day(absl::CivilDay(1985, 1, 1), absl::CivilDay(1998, 12, 31));
  } else {
    p.right_start =
        rng_->Day(absl::CivilDay(1996, 1, 1), absl::CivilDay(2016, 12, 31));
  }
  p.right_end = absl::CivilDay(p.right_start.year() + (residential ? 70 : 40),
                               p.right_start.month(), p.right_start.day()) -
                1;
  if (residential) {
    c->buildings = static_cast<int>(rng_->Range(3, 14));
    c->entrances = static_cast<int>(rng_->Range(1, 4));
    c->floors = static_cast<int>(rng_->Range(6, 24));
    c->per_floor = static_cast<int>(rng_->Range(2, 4));
  } else {
    c->buildings = static_cast<int>(rng_->Range(1, 3));
    c->entrances = 1;
    c->floors = static_cast<int>(rng_->Range(8, 30));
    c->per_floor = static_cast<int>(rng_->Range(4, 12));
  }
  // Parcel area: roughly three times the total floor area over the floors.
  p.area = static_cast<int64_t>(c->buildings) * c->entrances * c->per_floor *
               rng_->Range(9000, 14000) * 3 +
           rng_->Range(0, 99);
  c->next = 0;
  c->open = true;
  new_parcels_.push_back(p);
}

Unit City::NewUnit(int district, UnitUse use) {
  if (residential_.empty()) {
    residential_.resize(Districts().size());
    commercial_.resize(Districts().size());
  }
  Compound& c = use == UnitUse::kResidential ? residential_[district]
                                             : commercial_[district];
  int per_building = c.entrances * c.floors * c.per_floor;
  if (!c.open || c.next >= c.buildings * per_building) {
    OpenCompound(district, use, &c);
    per_building = c.entrances * c.floors * c.per_floor;
  }
  int index = c.next++;
  int building = index / per_building + 1;
  int in_building = index % per_building;
  int entrance = in_building / (c.floors * c.per_floor) + 1;
  int floor = (in_building / c.per_floor) % c.floors + 1;
  int room = in_building % c.per_floor + 1;

  Unit u;
  u.parcel_no = c.parcel.parcel_no;
  u.unit_no =
      absl::StrFormat("%sF%04d%04d", u.parcel_no, building, in_building + 1);
  u.building = absl::StrCat(building);
  u.floor = floor;
  u.district = district;
  if (use == UnitUse::kResidential) {
    u.location = absl::StrFormat("%s%d号楼%d单元%d%02d", c.parcel.location,
                                 building, entrance, floor, room);
    // Flat sizes: mostly 50-100 m², some larger.
    static constexpr int kBands[][2] = {
        {4500, 7500}, {7500, 10000}, {10000, 14000}, {14000, 20000}};
    static constexpr int kWeights[] = {35, 35, 20, 10};
    size_t band = rng_->Weighted(kWeights);
    u.area = rng_->Range(kBands[band][0], kBands[band][1]);
    u.use = UnitUse::kResidential;
  } else {
    u.location = absl::StrFormat("%s%d号楼%d层%d%02d", c.parcel.location,
                                 building, floor, floor, room);
    u.area = rng_->Range(6000, 60000);
    u.use = floor == 1 ? UnitUse::kCommercial : UnitUse::kOffice;
  }
  return u;
}

std::vector<Parcel> City::TakeNewParcels() {
  std::vector<Parcel> out;
  out.swap(new_parcels_);
  return out;
}

std::string City::RentedAddress(int district) {
  const District& d = Districts()[district];
  return absl::StrFormat("北京市%s%s%d号院%d号楼%d单元%d%02d", d.name,
                         RoadName(*rng_), rng_->Range(1, 199),
                         rng_->Range(1, 12), rng_->Range(1, 4),
                         rng_->Range(1, 18), rng_->Range(1, 4));
}

std::string City::PoliceStation(int district) {
  const District& d = Districts()[district];
  std::string name = d.name;
  name.resize(name.size() - std::string("区").size());
  std::string road = RoadName(*rng_);
  // "安和路" -> "安和": the stem names the station.
  return absl::StrCat("北京市公安局", name, "分局", road.substr(0, 6),
                      "派出所");
}

std::string City::MarriageOffice(int district) const {
  return absl::StrCat("北京市", Districts()[district].name, "民政局婚姻登记处");
}

std::string City::Court(int district) {
  if (rng_->PerMille(200)) return "北京市第三中级人民法院";
  return absl::StrCat("北京市", Districts()[district].name, "人民法院");
}

int64_t City::PriceFen(const Unit& unit) {
  int64_t per_m2 = Districts()[unit.district].price_per_m2;
  // area is in 0.01 m²; a ±15% spread; round to 100 yuan.
  int64_t yuan = unit.area * per_m2 / 100 * rng_->Range(850, 1150) / 1000;
  yuan = (yuan + 50) / 100 * 100;
  return yuan * 100;
}

}  // namespace datagen
}  // namespace datarun
