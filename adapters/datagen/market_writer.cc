#include "adapters/datagen/market_writer.h"

#include "absl/strings/str_cat.h"
#include "adapters/datagen/city.h"
#include "adapters/market/market_codes.h"
#include "common/status_macros.h"

namespace datarun {
namespace datagen {
namespace {

using legacy::SqlValue;

SqlValue TextOrNull(const std::string& text) {
  return text.empty() ? SqlValue(nullptr) : SqlValue(text);
}

}  // namespace

absl::StatusOr<std::unique_ptr<MarketWriter>> MarketWriter::Create(
    legacy::SqliteDb* db) {
  std::unique_ptr<MarketWriter> w(new MarketWriter());
  ASSIGN_OR_RETURN(
      w->entity_,
      db->Prepare("INSERT INTO SC_ZTDJ (ZTSFDM, TYSHXYDM, ZZJGDM, ZTMC, ZTLX, "
                  "FDDBR, FDDBRZJHM, ZS, CSZMBH, ZCZB, JYFW, QXDM, DJJG, CLRQ, "
                  "DJZT, ZXRQ) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(w->licence_,
                   db->Prepare("INSERT INTO SC_YYZZ (ZTSFDM, ZZBH, FZRQ, ZZZT) "
                               "VALUES (?, ?, ?, ?)"));
  ASSIGN_OR_RETURN(
      w->history_,
      db->Prepare("INSERT INTO SC_DJJL (ZTSFDM, YWLX, BGSX, BGQNR, BGHNR, "
                  "HZRQ, SLBH) VALUES (?, ?, ?, ?, ?, ?, NULL)"));
  return w;
}

absl::StatusOr<std::string> MarketWriter::WriteLicence(const MarketEntity& e,
                                                       absl::CivilDay day,
                                                       const char* state) {
  std::string no =
      market::LicenceNo(Districts()[e.district].code, day, ++licences_);
  RETURN_IF_ERROR(
      licence_->Run({e.entity_id, no, market::StoreDate(day), state}));
  return no;
}

absl::Status MarketWriter::WriteHistory(const MarketEntity& e, const char* kind,
                                        absl::CivilDay day, const char* item,
                                        const std::string& before,
                                        const std::string& after) {
  return history_->Run(
      {e.entity_id, kind, item == nullptr ? SqlValue(nullptr) : SqlValue(item),
       TextOrNull(before), TextOrNull(after), market::StoreDate(day)});
}

absl::Status MarketWriter::Write(MarketEntity* e) {
  const District& district = Districts()[e->district];
  e->entity_id = market::EntityId(district.code, ++entities_);
  std::string org_code;
  if (e->credit_code.empty()) {
    const std::string body =
        market::AssignedOrganisationCodeBody(++assigned_codes_);
    org_code = market::OrganisationCode(body);
    e->credit_code =
        market::MarketCreditCode(e->credit_type, district.code, body);
  } else {
    org_code = e->credit_code.substr(8, 9);
  }
  if (e->credit_code.empty() || org_code.size() != 9) {
    return absl::InternalError(
        absl::StrCat("datagen: cannot number market entity ", e->entity_id));
  }
  const bool moved = e->moved.has_value();
  const bool ended = e->deregistered.has_value();
  RETURN_IF_ERROR(
      entity_->Run({e->entity_id, e->credit_code, org_code, e->name,
                    e->entity_type, e->representative_name,
                    e->representative_id, moved ? e->new_address : e->address,
                    moved ? SqlValue(nullptr) : TextOrNull(e->premises_no),
                    TextOrNull(e->capital), e->scope, district.code,
                    absl::StrCat("北京市", district.name, "市场监督管理局"),
                    market::StoreDate(e->established), ended ? "2" : "1",
                    ended ? SqlValue(market::StoreDate(*e->deregistered))
                          : SqlValue(nullptr)}));
  RETURN_IF_ERROR(WriteHistory(*e, "1", e->established, nullptr, "", ""));
  ASSIGN_OR_RETURN(
      e->licence_no,
      WriteLicence(*e, e->established, moved ? "2" : (ended ? "3" : "1")));
  if (moved) {
    RETURN_IF_ERROR(
        WriteHistory(*e, "2", *e->moved, "住所", e->address, e->new_address));
    ASSIGN_OR_RETURN(e->licence_no,
                     WriteLicence(*e, *e->moved, ended ? "3" : "1"));
  }
  if (ended) {
    RETURN_IF_ERROR(WriteHistory(*e, "3", *e->deregistered, nullptr, "", ""));
  }
  return absl::OkStatus();
}

}  // namespace datagen
}  // namespace datarun
