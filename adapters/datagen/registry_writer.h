// Writes households, persons and marriage registrations as rows of the
// household registry's legacy schema (adapters/registry/schema.sql): HJ_HU,
// HJ_RY, HY_DJ. Assigns the registry's local ids (RYID, 户号).
//
// Thread-compatible; `db` must outlive the writer.
#ifndef DATARUN_ADAPTERS_DATAGEN_REGISTRY_WRITER_H_
#define DATARUN_ADAPTERS_DATAGEN_REGISTRY_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "adapters/datagen/model.h"
#include "adapters/legacy_store/sqlite_db.h"

namespace datarun {
namespace datagen {

class RegistryWriter {
 public:
  static absl::StatusOr<std::unique_ptr<RegistryWriter>> Create(
      legacy::SqliteDb* db);

  // A new 9-digit household number (户号).
  std::string NextHouseholdNo();
  // Gives `person` a registry id (RYID) when it has none.
  void AssignRyid(Person* person);
  // Gives `person` a new registry id (a new registration after moving).
  void AssignNewRyid(Person* person);

  // One HJ_HU row. `head_ryid` empty for a collective household.
  absl::Status WriteHousehold(const std::string& household_no, bool collective,
                              const std::string& address, int district,
                              const std::string& police_station,
                              const std::string& head_ryid,
                              absl::CivilDay established);

  // One HJ_RY row (assigns the RYID if needed). `relation` and `marital`
  // are the GB/T 4761 / GB/T 2261.2 codes of schema.sql; `died` set for a
  // deceased person (status '1'), `moved_out` for one who moved out (status
  // '2'); either is the row's ZXRQ.
  absl::Status WritePerson(Person* person, const std::string& household_no,
                           const char* relation, const char* marital,
                           absl::CivilDay moved_in,
                           absl::optional<absl::CivilDay> died,
                           absl::optional<absl::CivilDay> moved_out = {});

  // Records where the person of (ended) registration `ryid` moved to
  // (HJ_RY.QWDZ).
  absl::Status WriteDestination(const std::string& ryid,
                                const std::string& address);

  // One HY_DJ row: a marriage (or, with divorce, a divorce) registration.
  absl::Status WriteRegistration(bool divorce, const Person& man,
                                 const Person& woman, absl::CivilDay day,
                                 const std::string& office);

 private:
  RegistryWriter() = default;

  std::unique_ptr<legacy::SqliteStatement> household_, person_, marriage_,
      destination_;
  int64_t next_household_ = 0;
  int64_t next_person_ = 0;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_REGISTRY_WRITER_H_
