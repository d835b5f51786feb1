#include "adapters/datagen/housing_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/datagen/dates.h"
#include "adapters/datagen/random.h"
#include "adapters/legacy_store/legacy_format.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {

absl::StatusOr<std::unique_ptr<HousingWriter>> HousingWriter::Create(
    legacy::SqliteDb* db) {
  std::unique_ptr<HousingWriter> w(new HousingWriter());
  ASSIGN_OR_RETURN(w->contract_,
                   db->Prepare("INSERT INTO HT_BA (BAID, HTBH, BDCDYH, FWZL, "
                               "JZMJ, CJJG, QYRQ, BARQ, BAZT, CXRQ) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(w->party_,
                   db->Prepare("INSERT INTO HT_JYF (BAID, JYFLB, SXH, XM, "
                               "ZJHM) VALUES (?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(w->family_,
                   db->Prepare("INSERT INTO FW_TJ (JTBH, SQRXM, SQRZJHM, TS, "
                               "HCRQ) VALUES (?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(w->member_,
                   db->Prepare("INSERT INTO FW_TJ_CY (JTBH, XM, ZJHM, GX) "
                               "VALUES (?, ?, ?, ?)"));
  return w;
}

absl::Status HousingWriter::WriteContract(Contract* c) {
  std::string key = absl::StrCat("htbh", c->signed_on.year());
  int64_t& in_year = contract_in_year_[key];
  c->contract_no = absl::StrFormat("Y%04d%07d", c->signed_on.year(),
                                   SeriesNumber(key, ++in_year));
  ++contract_serial_;
  absl::optional<std::string> cancelled;
  if (c->cancelled) cancelled = FormatIsoDate(c->cancelled_on);
  int64_t baid = contract_serial_;
  RETURN_IF_ERROR(contract_->Run(
      {baid, c->contract_no, c->unit.unit_no, c->unit.location,
       legacy::FormatHundredths(c->unit.area), c->price_fen,
       FormatIsoDate(c->signed_on), FormatIsoDate(c->filed_on),
       c->cancelled ? "9" : "1", legacy::SqlValue::OptionalText(cancelled)}));
  for (size_t i = 0; i < c->sellers.size(); ++i) {
    RETURN_IF_ERROR(party_->Run({baid, "1", static_cast<int>(i + 1),
                                 c->sellers[i].name, c->sellers[i].id_number}));
  }
  for (size_t i = 0; i < c->buyers.size(); ++i) {
    RETURN_IF_ERROR(party_->Run({baid, "2", static_cast<int>(i + 1),
                                 c->buyers[i].name, c->buyers[i].id_number}));
  }
  return absl::OkStatus();
}

absl::Status HousingWriter::WriteDwellingCount(
    const std::vector<const Person*>& members, bool has_spouse, int count,
    absl::CivilDay counted_on) {
  std::string family_no =
      absl::StrFormat("JT%010d", SeriesNumber("jt", ++family_serial_));
  const Person& applicant = *members[0];
  RETURN_IF_ERROR(family_->Run({family_no, applicant.name, applicant.id_number,
                                count, FormatIsoDate(counted_on)}));
  for (size_t i = 0; i < members.size(); ++i) {
    const char* relation = i == 0 ? "0" : (has_spouse && i == 1) ? "1" : "2";
    RETURN_IF_ERROR(member_->Run(
        {family_no, members[i]->name, members[i]->id_number, relation}));
  }
  return absl::OkStatus();
}

}  // namespace datagen
}  // namespace datarun
