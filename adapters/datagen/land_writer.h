// Writes the generator's parcels, units and titles as rows of the land
// registry's legacy schema (adapters/land/schema.sql): BDC_ZD, BDC_FW,
// BDC_QZ, BDC_QLR, BDC_DYA, BDC_CF.
//
// Thread-compatible; `db` must outlive the writer.
#ifndef DATARUN_ADAPTERS_DATAGEN_LAND_WRITER_H_
#define DATARUN_ADAPTERS_DATAGEN_LAND_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "adapters/datagen/model.h"
#include "adapters/legacy_store/sqlite_db.h"

namespace datarun {
namespace datagen {

class LandWriter {
 public:
  // Prepares the insert statements; INTERNAL when the schema is missing.
  static absl::StatusOr<std::unique_ptr<LandWriter>> Create(
      legacy::SqliteDb* db);

  absl::Status WriteParcel(const Parcel& parcel);

  // Writes the certificate, its right holders and (when title->write_unit)
  // the unit; assigns title->certificate_no. Holders with a
  // legacy_id_number of titles registered up to kLastLegacyRecordYear are
  // written with it.
  absl::Status WriteTitle(Title* title);

  // A mortgage on `unit`; in force when `released` is empty.
  absl::Status WriteMortgage(const Unit& unit, const std::string& holder,
                             int64_t amount_fen, absl::CivilSecond registered,
                             absl::optional<absl::CivilSecond> released);

  // A seizure of `unit`; in force when `lifted` is empty.
  absl::Status WriteSeizure(const Unit& unit, const std::string& authority,
                            absl::CivilSecond ordered,
                            absl::optional<absl::CivilSecond> lifted);

 private:
  LandWriter() = default;

  std::unique_ptr<legacy::SqliteStatement> parcel_, unit_, title_, holder_,
      mortgage_, seizure_;
  absl::flat_hash_map<std::string, int> certificate_serial_;
  int seizure_serial_ = 0;
  int64_t title_serial_ = 0;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_LAND_WRITER_H_
