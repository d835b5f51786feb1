#include "adapters/datagen/tax_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/datagen/city.h"
#include "adapters/datagen/dates.h"
#include "adapters/datagen/random.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {
namespace {

std::string TaxOffice(int district) {
  return absl::StrCat("国家税务总局北京市", Districts()[district].name,
                      "税务局");
}

}  // namespace

int DeedTaxRate(int owned_before, int64_t area) {
  bool large = area > 14000;
  if (owned_before == 0) return large ? 150 : 100;
  if (owned_before == 1) return large ? 200 : 100;
  return 300;
}

int64_t DeedTax(int64_t price_fen, int rate) {
  return (price_fen * rate + 5000) / 10000;
}

absl::StatusOr<std::unique_ptr<TaxWriter>> TaxWriter::Create(
    legacy::SqliteDb* db) {
  std::unique_ptr<TaxWriter> w(new TaxWriter());
  ASSIGN_OR_RETURN(w->taxpayer_,
                   db->Prepare("INSERT INTO DJ_NSRXX (NSRSBH, NSRMC, NSRLX, "
                               "ZJLX, ZJHM, DJRQ, ZGSWJG) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(
      w->filing_,
      db->Prepare("INSERT INTO QS_SBXX (SBXH, NSRSBH, HTBH, "
                  "BDCDYH, JSJG, JZMJ, SL, YNSE, SFSTFW, SBRQ, "
                  "HDRQ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(
      w->payment_,
      db->Prepare("INSERT INTO WSZM (WSZMHM, SBXH, NSRSBH, ZSXM, "
                  "SJJE, RKRQ, ZFBZ) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  return w;
}

absl::Status TaxWriter::RegisterPerson(Person* p, int district,
                                       absl::CivilDay day) {
  if (!p->nsrsbh.empty()) return absl::OkStatus();
  // The bureau's own number for natural persons: region + 'Z' + serial.
  p->nsrsbh = absl::StrFormat("%sZ%011d", Districts()[district].code,
                              SeriesNumber("nsr", ++person_serial_) * 11);
  // The old system recorded some people by their 15-digit number.
  const std::string& id =
      day.year() <= kLastLegacyRecordYear && !p->legacy_id_number.empty()
          ? p->legacy_id_number
          : p->id_number;
  return taxpayer_->Run({p->nsrsbh, p->name, "1", "201", id,
                         FormatCompactDate(day), TaxOffice(district)});
}

absl::Status TaxWriter::RegisterCompany(const Party& company, int district,
                                        absl::CivilDay day) {
  return taxpayer_->Run({company.id_number, company.name, "2", "800",
                         company.id_number, FormatCompactDate(day),
                         TaxOffice(district)});
}

absl::Status TaxWriter::WriteAssessment(Assessment* a, int district) {
  a->assessment_no = absl::StrFormat(
      "10%s%04d%08d", Districts()[district].code, a->filed_on.year(),
      SeriesNumber("sbxh", ++filing_serial_) * 3);
  return filing_->Run(
      {a->assessment_no, a->nsrsbh, a->contract_no, a->unit_no, a->price_fen,
       a->area, a->rate, a->tax_fen, a->first_home ? "Y" : "N",
       FormatCompactDate(a->filed_on), FormatCompactDate(a->assessed_on)});
}

std::string TaxWriter::NextPaymentNo(int district, absl::CivilDay paid_on) {
  return absl::StrFormat(
      "311%s%02d%08d", std::string(Districts()[district].code).substr(2),
      paid_on.year() % 100, SeriesNumber("wszm", ++payment_serial_) * 3);
}

absl::StatusOr<std::string> TaxWriter::WritePayment(const Assessment& a,
                                                    int district,
                                                    absl::CivilDay paid_on) {
  std::string number = NextPaymentNo(district, paid_on);
  RETURN_IF_ERROR(payment_->Run({number, a.assessment_no, a.nsrsbh, "10119",
                                 a.tax_fen, FormatCompactDate(paid_on), "N"}));
  return number;
}

absl::StatusOr<std::string> TaxWriter::WriteOldPayment(
    const std::string& nsrsbh, int district, absl::CivilDay paid_on,
    int64_t amount_fen) {
  std::string number = NextPaymentNo(district, paid_on);
  RETURN_IF_ERROR(payment_->Run({number, nullptr, nsrsbh, "10119", amount_fen,
                                 FormatCompactDate(paid_on), "N"}));
  return number;
}

}  // namespace datagen
}  // namespace datarun
