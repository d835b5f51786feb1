// Writes taxpayers, deed tax filings and payment certificates as rows of the
// tax bureau's legacy schema (adapters/tax/schema.sql): DJ_NSRXX, QS_SBXX,
// WSZM. Assigns taxpayer numbers (NSRSBH) to persons, filing numbers and
// certificate numbers.
//
// Thread-compatible; `db` must outlive the writer.
#ifndef DATARUN_ADAPTERS_DATAGEN_TAX_WRITER_H_
#define DATARUN_ADAPTERS_DATAGEN_TAX_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "adapters/datagen/model.h"
#include "adapters/legacy_store/sqlite_db.h"

namespace datarun {
namespace datagen {

struct Assessment {
  std::string assessment_no;  // assigned by WriteAssessment
  std::string nsrsbh;
  std::string contract_no;
  std::string unit_no;
  int64_t price_fen = 0;
  int64_t area = 0;  // 0.01 m²
  int rate = 0;      // 1/10000
  int64_t tax_fen = 0;
  bool first_home = false;
  absl::CivilDay filed_on;
  absl::CivilDay assessed_on;
};

// The deed tax rate (in 1/10000) for a dwelling of `area` (0.01 m²) bought
// by a family owning `owned_before` dwellings: first home 1% up to 140 m²
// and 1.5% above; second home 1% / 2%; third and later 3%.
int DeedTaxRate(int owned_before, int64_t area);

// The deed tax rate (in 1/10000) for an organisation buying a dwelling: 3%.
constexpr int kOrganisationDeedTaxRate = 300;

// round(price * rate / 10000) in fen.
int64_t DeedTax(int64_t price_fen, int rate);

class TaxWriter {
 public:
  static absl::StatusOr<std::unique_ptr<TaxWriter>> Create(
      legacy::SqliteDb* db);

  // Registers `person` as a natural-person taxpayer of `district` on `day`
  // unless it already has a number; sets person->nsrsbh. Registrations up
  // to kLastLegacyRecordYear record the person's legacy_id_number if any.
  absl::Status RegisterPerson(Person* person, int district, absl::CivilDay day);
  // Registers a company; its taxpayer number is its credit code.
  absl::Status RegisterCompany(const Party& company, int district,
                               absl::CivilDay day);

  // Writes a deed tax filing; assigns assessment->assessment_no.
  absl::Status WriteAssessment(Assessment* assessment, int district);

  // Writes the certificate of the deed tax payment settling `assessment`;
  // returns its number.
  absl::StatusOr<std::string> WritePayment(const Assessment& assessment,
                                           int district,
                                           absl::CivilDay paid_on);

  // Writes the certificate of a deed tax payment migrated from the old
  // system without its filing (WSZM.SBXH NULL): `amount_fen` paid by
  // `nsrsbh` on `paid_on`; returns its number.
  absl::StatusOr<std::string> WriteOldPayment(const std::string& nsrsbh,
                                              int district,
                                              absl::CivilDay paid_on,
                                              int64_t amount_fen);

 private:
  TaxWriter() = default;
  std::string NextPaymentNo(int district, absl::CivilDay paid_on);

  std::unique_ptr<legacy::SqliteStatement> taxpayer_, filing_, payment_;
  int64_t person_serial_ = 0;
  int64_t filing_serial_ = 0;
  int64_t payment_serial_ = 0;
};

}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_TAX_WRITER_H_
