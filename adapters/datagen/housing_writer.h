// Writes sale contracts and dwelling counts as rows of the housing bureau's
// legacy schema (adapters/housing/schema.sql): HT_BA, HT_JYF, FW_TJ,
// FW_TJ_CY. Assigns contract filing numbers and family numbers.
//
// Thread-compatible; `db` must outlive the writer.
#ifndef DATARUN_ADAPTERS_DATAGEN_HOUSING_WRITER_H_
#define DATARUN_ADAPTERS_DATAGEN_HOUSING_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "adapters/datagen/model.h"
#include "adapters/legacy_store/sqlite_db.h"

namespace datarun {
namespace datagen {

struct Contract {
  std::string contract_no;  // assigned by WriteContract
  Unit unit;
  std::vector<Party> sellers;
  std::vector<Party> buyers;
  int64_t price_fen = 0;
  absl::CivilDay signed_on;
  absl::CivilDay filed_on;
  bool cancelled = false;
  absl::CivilDay cancelled_on;
};

class HousingWriter {
 public:
  static absl::StatusOr<std::unique_ptr<HousingWriter>> Create(
      legacy::SqliteDb* db);

  // Writes the filing and its parties; assigns contract->contract_no.
  absl::Status WriteContract(Contract* contract);

  // Writes one family's count. members[0] is the applicant; when
  // `has_spouse`, members[1] is the spouse; the rest are children.
  absl::Status WriteDwellingCount(const std::vector<const Person*>& members,
                                  bool has_spouse, int count,
                                  absl::CivilDay counted_on);

 private:
  HousingWriter() = default;

  std::unique_ptr<legacy::SqliteStatement> contract_, party_, family_, member_;
  int64_t contract_serial_ = 0;  // also the filing's BAID
  absl::flat_hash_map<std::string, int64_t> contract_in_year_;
  int64_t family_serial_ = 0;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_HOUSING_WRITER_H_
