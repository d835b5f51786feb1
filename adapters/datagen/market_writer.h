// Writes market entities (companies, sole proprietorships) as rows of the
// market regulator's legacy schema (adapters/market/schema.sql): SC_ZTDJ,
// SC_YYZZ, SC_DJJL. Assigns entity ids, organisation codes and credit
// codes (adapters/market/market_codes.h) and licence numbers.
//
// Thread-compatible; `db` must outlive the writer.
#ifndef DATARUN_ADAPTERS_DATAGEN_MARKET_WRITER_H_
#define DATARUN_ADAPTERS_DATAGEN_MARKET_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/types/optional.h"
#include "adapters/legacy_store/sqlite_db.h"

namespace datarun {
namespace datagen {

// One registered entity with its history: established, optionally moved
// (住所 changed, licence reissued) and optionally deregistered.
struct MarketEntity {
  // market::kEnterprise or market::kIndividualBusiness.
  char credit_type = '1';
  // DM_ZTLX code: "1130", "1151" or "9600".
  const char* entity_type = "1151";
  std::string name;
  std::string representative_name;
  // As the store records it (a legacy 15-digit number for some old
  // registrations).
  std::string representative_id;
  std::string address;      // at establishment
  std::string premises_no;  // title certificate of the premises; "" = lease
  std::string capital;      // 万元 text; "" for a sole proprietorship
  std::string scope;
  int district = 0;  // index into Districts()
  absl::CivilDay established;
  absl::optional<absl::CivilDay> moved;  // the day the address changed
  std::string new_address;               // the address after `moved`
  absl::optional<absl::CivilDay> deregistered;
  // Preset for companies the tax bureau knows already; assigned otherwise.
  std::string credit_code;
  // Assigned by Write.
  std::string entity_id;
  std::string licence_no;  // the latest licence
};

class MarketWriter {
 public:
  // Prepares the insert statements; INTERNAL when the schema is missing.
  static absl::StatusOr<std::unique_ptr<MarketWriter>> Create(
      legacy::SqliteDb* db);

  // Writes the entity, its licences and its registration history; assigns
  // entity->entity_id, ->licence_no and (when empty) ->credit_code.
  absl::Status Write(MarketEntity* entity);

  int64_t written() const { return entities_; }

 private:
  MarketWriter() = default;
  // Writes one licence issued on `day` in `state`; returns its number.
  absl::StatusOr<std::string> WriteLicence(const MarketEntity& e,
                                           absl::CivilDay day,
                                           const char* state);
  absl::Status WriteHistory(const MarketEntity& e, const char* kind,
                            absl::CivilDay day, const char* item,
                            const std::string& before,
                            const std::string& after);

  std::unique_ptr<legacy::SqliteStatement> entity_, licence_, history_;
  int64_t entities_ = 0;
  int64_t assigned_codes_ = 0;
  int64_t licences_ = 0;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_MARKET_WRITER_H_
