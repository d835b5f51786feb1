// The generator's in-memory picture of the synthetic city: people, parcels,
// units and titles. Each department writer turns these into its own legacy
// rows; nothing here knows a legacy column name.
#ifndef DATARUN_ADAPTERS_DATAGEN_MODEL_H_
#define DATARUN_ADAPTERS_DATAGEN_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/types/optional.h"

namespace datarun {
namespace datagen {

// The day the synthetic data describes ("today" for the data set). Fixed so
// that a seed always gives the same data.
constexpr absl::CivilDay kAsOf(2024, 6, 30);

// Old systems recorded some people by their legacy 15-digit identity number
// (Person::legacy_id_number): land titles registered and tax registrations
// made up to this year.
constexpr int kLastLegacyRecordYear = 2007;

struct Person {
  std::string name;
  std::string id_number;  // GB 11643
  // The legacy 15-digit form under which old systems recorded the person
  // (see kLastLegacyRecordYear); empty for most people.
  std::string legacy_id_number;
  bool male = false;
  absl::CivilDay birth;
  int ethnicity = 1;   // GB/T 3304 code (1 = 汉族)
  std::string ryid;    // registry's local id; empty when not registered
  std::string nsrsbh;  // tax bureau's id; empty until registered
};

// A right holder or contract party: a person or an organisation.
struct Party {
  std::string name;
  std::string id_number;         // identity number or credit code
  std::string legacy_id_number;  // Person::legacy_id_number
  bool organisation = false;
};

struct Parcel {
  std::string parcel_no;  // 宗地代码, 19 characters
  std::string location;
  int district = 0;        // index into the district table (city.h)
  std::string land_use;    // GB/T 21010 code, e.g. "0701"
  int64_t area = 0;        // 0.01 m²
  bool allocated = false;  // 划拨 (no term) instead of 出让
  absl::CivilDay right_start;
  absl::CivilDay right_end;  // unused when allocated
};

enum class UnitUse { kResidential, kCommercial, kOffice };

struct Unit {
  std::string unit_no;  // 不动产单元号, 28 characters
  std::string parcel_no;
  std::string location;
  std::string building;  // 幢号
  int floor = 1;
  int district = 0;
  int64_t area = 0;  // 0.01 m²
  UnitUse use = UnitUse::kResidential;
};

enum class CoOwnership { kSole, kJoint, kInShares };

// One title certificate.
struct Title {
  Unit unit;
  std::vector<Party> owners;
  // Whole percentages parallel to `owners`; empty under kJoint.
  std::vector<int> share_percent;
  CoOwnership co_ownership = CoOwnership::kSole;
  absl::CivilSecond registered;
  bool transfer = false;       // 转移登记 (else 首次登记)
  bool historical = false;     // superseded by a later transfer
  absl::CivilSecond ended;     // when historical: the transfer
  bool keep_clear = false;     // never mortgaged or seized (demo)
  bool no_seizure = false;     // never seized (units under a sale contract)
  bool write_unit = true;      // false when an earlier title wrote the unit
  std::string certificate_no;  // assigned when written
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_MODEL_H_
