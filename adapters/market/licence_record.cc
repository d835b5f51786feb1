#include "adapters/market/licence_record.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "adapters/legacy_store/legacy_format.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace market {
namespace {

using adapter::RecordBuilder;
using legacy::SetDate;
using legacy::SetText;
using legacy::SqliteRow;

legacy::Source Src(absl::string_view field, absl::string_view column) {
  return legacy::Source{kBusinessLicence, field, column};
}

// The entity row with its latest licence (a valid one first).
constexpr char kSelect[] =
    "SELECT z.TYSHXYDM, z.ZTMC, t.MC, z.FDDBR, z.FDDBRZJHM, z.ZS, z.CSZMBH, "
    "z.ZCZB, z.JYFW, z.CLRQ, z.DJJG, s.MC, z.ZXRQ, y.ZZBH, y.FZRQ, y.ZZZT "
    "FROM SC_ZTDJ z LEFT JOIN DM_ZTLX t ON t.DM = z.ZTLX "
    "LEFT JOIN DM_DJZT s ON s.DM = z.DJZT "
    "LEFT JOIN SC_YYZZ y ON y.ZZID = (SELECT ZZID FROM SC_YYZZ "
    "WHERE ZTSFDM = z.ZTSFDM ORDER BY ZZZT = '1' DESC, FZRQ DESC, ZZID DESC "
    "LIMIT 1) ";

absl::Status AppendRecord(const SqliteRow& row, std::vector<v1::Record>* out) {
  RecordBuilder b;
  SetText(b, Src("credit_code", "SC_ZTDJ.TYSHXYDM"), row, 0);
  SetText(b, Src("name", "SC_ZTDJ.ZTMC"), row, 1);
  SetText(b, Src("entity_type", "SC_ZTDJ.ZTLX"), row, 2);
  SetText(b, Src("legal_representative", "SC_ZTDJ.FDDBR"), row, 3);
  legacy::SetIdNumber(
      b, Src("legal_representative_id_number", "SC_ZTDJ.FDDBRZJHM"), row, 4);
  SetText(b, Src("address", "SC_ZTDJ.ZS"), row, 5);
  SetText(b, Src("premises_certificate_no", "SC_ZTDJ.CSZMBH"), row, 6);
  if (row.IsNull(7)) {
    b.Null("registered_capital");
  } else {
    absl::StatusOr<std::string> yuan = WanYuanToYuan(row.Text(7));
    if (!yuan.ok()) {
      return absl::DataLossError(
          absl::StrCat(kBusinessLicence,
                       ": field 'registered_capital': legacy column "
                       "SC_ZTDJ.ZCZB holds ",
                       yuan.status().message()));
    }
    b.Decimal("registered_capital", *yuan);
  }
  SetText(b, Src("business_scope", "SC_ZTDJ.JYFW"), row, 8);
  RETURN_IF_ERROR(SetDate(b, Src("established_on", "SC_ZTDJ.CLRQ"), row, 9));
  SetText(b, Src("registration_authority", "SC_ZTDJ.DJJG"), row, 10);
  SetText(b, Src("status", "SC_ZTDJ.DJZT"), row, 11);
  RETURN_IF_ERROR(SetDate(b, Src("deregistered_on", "SC_ZTDJ.ZXRQ"), row, 12));
  SetText(b, Src("licence_no", "SC_YYZZ.ZZBH"), row, 13);
  RETURN_IF_ERROR(
      SetDate(b, Src("licence_issued_on", "SC_YYZZ.FZRQ"), row, 14));
  const absl::string_view state = row.IsNull(15) ? "" : row.Text(15);
  if (state == "1") {
    b.Str("licence_status", "有效");
  } else if (state == "2") {
    b.Str("licence_status", "已换发");
  } else if (state == "3") {
    b.Str("licence_status", "已缴销");
  } else {
    b.Null("licence_status");
  }
  out->push_back(std::move(b).Build());
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<v1::Record>> LicenceRecordsOf(
    legacy::SqliteDb& db, absl::string_view subject) {
  const legacy::SubjectForms forms = legacy::StoreForms(subject);
  std::vector<v1::Record> records;
  // A credit code names the entity; an identity number the person's sole
  // proprietorships (an organisation's forms never match FDDBRZJHM).
  RETURN_IF_ERROR(db.Query(
      absl::StrCat(kSelect,
                   "WHERE z.TYSHXYDM = ?1 OR (z.FDDBRZJHM IN (?1, ?2) "
                   "AND z.ZTLX = '9600') ORDER BY z.CLRQ, z.ZTSFDM"),
      {forms.current, forms.legacy},
      [&](const SqliteRow& row) { return AppendRecord(row, &records); }));
  return records;
}

absl::StatusOr<std::vector<v1::Record>> LicenceRecordOfEntity(
    legacy::SqliteDb& db, const std::string& entity_id) {
  std::vector<v1::Record> records;
  RETURN_IF_ERROR(db.Query(
      absl::StrCat(kSelect, "WHERE z.ZTSFDM = ?"), {entity_id},
      [&](const SqliteRow& row) { return AppendRecord(row, &records); }));
  return records;
}

absl::StatusOr<std::string> WanYuanToYuan(absl::string_view text) {
  absl::string_view whole = text, fraction;
  const size_t dot = text.find('.');
  if (dot != absl::string_view::npos) {
    whole = text.substr(0, dot);
    fraction = text.substr(dot + 1);
  }
  int64_t wan = 0;
  bool ok = !whole.empty() && whole.size() <= 9 && fraction.size() <= 6 &&
            (dot == absl::string_view::npos || !fraction.empty()) &&
            absl::SimpleAtoi(whole, &wan) && wan >= 0 &&
            absl::ascii_isdigit(whole[0]);
  int64_t millionths = 0;
  for (size_t i = 0; ok && i < 6; ++i) {
    int digit = 0;
    if (i < fraction.size()) {
      ok = absl::ascii_isdigit(fraction[i]);
      digit = fraction[i] - '0';
    }
    millionths = millionths * 10 + digit;
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "', which is not an amount in 万元 (up to six decimals)"));
  }
  // 1 万元 = 10 000 yuan = 1 000 000 fen: the millionths of 万元 are fen.
  return legacy::FormatHundredths(wan * 1000000 + millionths);
}

}  // namespace market
}  // namespace datarun
