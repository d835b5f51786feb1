#include "adapters/datagen/land_writer.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/datagen/city.h"
#include "adapters/datagen/dates.h"
#include "adapters/datagen/random.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {
namespace {

const char* UseCode(UnitUse use) {
  switch (use) {
    case UnitUse::kResidential:
      return "10";
    case UnitUse::kCommercial:
      return "30";
    case UnitUse::kOffice:
      return "60";
  }
  return "10";
}

const char* CoOwnershipCode(CoOwnership c) {
  switch (c) {
    case CoOwnership::kSole:
      return "0";
    case CoOwnership::kJoint:
      return "1";
    case CoOwnership::kInShares:
      return "2";
  }
  return "0";
}

}  // namespace

absl::StatusOr<std::unique_ptr<LandWriter>> LandWriter::Create(
    legacy::SqliteDb* db) {
  std::unique_ptr<LandWriter> w(new LandWriter());
  ASSIGN_OR_RETURN(w->parcel_,
                   db->Prepare("INSERT INTO BDC_ZD (ZDDM, ZL, QXDM, TDYT, "
                               "ZDMJ, QLXZ, SYQQSRQ, SYQJSRQ) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(w->unit_,
                   db->Prepare("INSERT INTO BDC_FW (BDCDYH, ZDDM, ZL, QXDM, "
                               "ZH, SZC, JZMJ, GHYT) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(
      w->title_, db->Prepare("INSERT INTO BDC_QZ (QZID, QZH, BDCDYH, DJLX, "
                             "GYFS, DJSJ, QSZT) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(w->holder_,
                   db->Prepare("INSERT INTO BDC_QLR (QZID, SXH, QLRMC, ZJZL, "
                               "ZJHM, FE) VALUES (?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(w->mortgage_,
                   db->Prepare("INSERT INTO BDC_DYA (BDCDYH, DYQR, DYJE, "
                               "DJSJ, ZXSJ) VALUES (?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(w->seizure_,
                   db->Prepare("INSERT INTO BDC_CF (BDCDYH, CFJG, CFWH, CFSJ, "
                               "JFSJ) VALUES (?, ?, ?, ?, ?)"));
  return w;
}

absl::Status LandWriter::WriteParcel(const Parcel& p) {
  absl::optional<std::string> end;
  if (!p.allocated) end = FormatIsoDate(p.right_end);
  return parcel_->Run({p.parcel_no, p.location, Districts()[p.district].code,
                       p.land_use, p.area, p.allocated ? "101" : "102",
                       FormatIsoDate(p.right_start),
                       legacy::SqlValue::OptionalText(end)});
}

absl::Status LandWriter::WriteTitle(Title* t) {
  const Unit& u = t->unit;
  const District& d = Districts()[u.district];
  if (t->write_unit) {
    RETURN_IF_ERROR(unit_->Run({u.unit_no, u.parcel_no, u.location, d.code,
                                u.building, u.floor, u.area, UseCode(u.use)}));
  }
  int year = t->registered.year();
  if (year >= 2016) {
    std::string key = absl::StrCat("qzh", year, d.code);
    int& serial = certificate_serial_[key];
    t->certificate_no = absl::StrFormat("京（%d）%s不动产权第%07d号", year,
                                        d.name, SeriesNumber(key, ++serial));
  } else {
    // Before unified registration: a building ownership certificate.
    std::string key = absl::StrCat("old", d.code);
    int& serial = certificate_serial_[key];
    t->certificate_no = absl::StrFormat("X京房权证%s字第%07d号", d.short_name,
                                        SeriesNumber(key, ++serial) * 7);
  }
  int64_t qzid = ++title_serial_;
  RETURN_IF_ERROR(title_->Run(
      {qzid, t->certificate_no, u.unit_no,
       t->transfer ? "转移登记" : "首次登记", CoOwnershipCode(t->co_ownership),
       FormatDateTime(t->registered), t->historical ? 2 : 1}));
  // The old system recorded some holders by their 15-digit number.
  const bool old_system = year <= kLastLegacyRecordYear;
  for (size_t i = 0; i < t->owners.size(); ++i) {
    const Party& o = t->owners[i];
    absl::optional<std::string> share;
    if (t->co_ownership != CoOwnership::kJoint) {
      share = absl::StrCat(t->share_percent[i], "%");
    }
    const std::string& id = old_system && !o.legacy_id_number.empty()
                                ? o.legacy_id_number
                                : o.id_number;
    RETURN_IF_ERROR(holder_->Run({qzid, static_cast<int>(i + 1), o.name,
                                  o.organisation ? "7" : "1", id,
                                  legacy::SqlValue::OptionalText(share)}));
  }
  return absl::OkStatus();
}

absl::Status LandWriter::WriteMortgage(
    const Unit& unit, const std::string& holder, int64_t amount_fen,
    absl::CivilSecond registered, absl::optional<absl::CivilSecond> released) {
  absl::optional<std::string> end;
  if (released.has_value()) end = FormatDateTime(*released);
  return mortgage_->Run({unit.unit_no, holder, amount_fen,
                         FormatDateTime(registered),
                         legacy::SqlValue::OptionalText(end)});
}

absl::Status LandWriter::WriteSeizure(
    const Unit& unit, const std::string& authority, absl::CivilSecond ordered,
    absl::optional<absl::CivilSecond> lifted) {
  absl::optional<std::string> end;
  if (lifted.has_value()) end = FormatDateTime(*lifted);
  std::string order_no =
      absl::StrFormat("（%d）京%s执保%d号", ordered.year(),
                      std::string(Districts()[unit.district].code).substr(2),
                      SeriesNumber("cf", ++seizure_serial_) % 9000 + 1);
  return seizure_->Run({unit.unit_no, authority, order_no,
                        FormatDateTime(ordered),
                        legacy::SqlValue::OptionalText(end)});
}

}  // namespace datagen
}  // namespace datarun
