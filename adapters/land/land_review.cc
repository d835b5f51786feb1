#include "adapters/land/land_review.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/types/optional.h"
#include "adapters/land/land_service.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_format.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace land {
namespace {

using adapter::RecordBuilder;
using legacy::FieldText;
using legacy::SqliteDb;
using legacy::SqliteRow;

// A certificate in force on which the subject is a right holder.
struct Held {
  int64_t qzid = 0;
  std::string qzh, unit, gyfs, usage;
};

absl::StatusOr<std::vector<Held>> TitlesHeld(SqliteDb& db,
                                             absl::string_view subject) {
  const legacy::SubjectForms forms = legacy::StoreForms(subject);
  std::vector<Held> held;
  RETURN_IF_ERROR(db.Query(
      "SELECT z.QZID, z.QZH, z.BDCDYH, z.GYFS, f.GHYT FROM BDC_QLR q "
      "JOIN BDC_QZ z ON z.QZID = q.QZID LEFT JOIN BDC_FW f ON f.BDCDYH = "
      "z.BDCDYH WHERE q.ZJHM IN (?1, ?2) AND z.QSZT = 1 ORDER BY z.DJSJ, "
      "z.QZID",
      {forms.current, forms.legacy}, [&](const SqliteRow& row) {
        held.push_back({row.Int(0), std::string(row.Text(1)),
                        std::string(row.Text(2)), std::string(row.Text(3)),
                        std::string(row.Text(4))});
        return absl::OkStatus();
      }));
  return held;
}

// The unit sold: named by a contract or title material when one is given,
// else the seller's only title in force. Empty when undetermined.
std::string UnitOfSale(const v1::ReviewRequest& request,
                       const std::vector<Held>& held) {
  for (const char* id :
       {"sale_contract", "buyer_sale_contract", "title_certificate"}) {
    const v1::StepMaterial* m = legacy::FindMaterial(request, id);
    if (m == nullptr || m->records_size() != 1) continue;
    std::string unit = FieldText(m->records(0), "property_unit_no");
    if (!unit.empty()) return unit;
    const std::string no = FieldText(m->records(0), "certificate_no");
    for (const Held& h : held) {
      if (!no.empty() && h.qzh == no) return h.unit;
    }
  }
  return held.size() == 1 ? held[0].unit : "";
}

absl::StatusOr<v1::ReviewResponse> TitleReview(
    SqliteDb& db, const v1::ReviewRequest& request) {
  ASSIGN_OR_RETURN(const v1::CaseParty* seller,
                   legacy::RequireParty(request, "seller"));
  ASSIGN_OR_RETURN(std::vector<Held> held, TitlesHeld(db, seller->subject()));
  if (held.empty()) {
    return legacy::Reject(
        "the seller holds no title certificate in force at the land registry",
        v1::Record());
  }
  const std::string unit = UnitOfSale(request, held);
  const Held* title = nullptr;
  for (const Held& h : held) {
    if (h.unit == unit) title = &h;
  }
  if (title == nullptr) {
    return legacy::Reject(
        unit.empty() ? "the seller holds several titles and the case does not "
                       "say which unit is sold"
                     : "the seller does not hold the title of the unit sold",
        v1::Record());
  }
  // Shares: 共同共有 (GYFS 1) holds no shares; otherwise they add up to 1.
  int64_t owners = 0, basis_points = 0;
  bool unshared = true;
  std::string bad_share;
  RETURN_IF_ERROR(db.Query(
      "SELECT FE FROM BDC_QLR WHERE QZID = ?", {title->qzid},
      [&](const SqliteRow& row) {
        ++owners;
        if (row.IsNull(0)) return absl::OkStatus();
        unshared = false;
        // Precision: percentages with two decimals ("33.33%").
        auto pct = legacy::ParseHundredths(
            absl::string_view(row.Text(0)).substr(0, row.Text(0).size() - 1),
            "BDC_QLR.FE");
        if (!pct.ok()) {
          bad_share = std::string(row.Text(0));
        } else {
          basis_points += *pct;
        }
        return absl::OkStatus();
      }));
  const bool shares_ok =
      bad_share.empty() &&
      (unshared ? title->gyfs == "1" || owners == 1
                : basis_points >= 9998 && basis_points <= 10000);
  int64_t mortgages = 0, seizures = 0;
  RETURN_IF_ERROR(db.Query(
      "SELECT (SELECT count(*) FROM BDC_DYA WHERE BDCDYH = ?1 AND ZXSJ IS "
      "NULL), (SELECT count(*) FROM BDC_CF WHERE BDCDYH = ?1 AND JFSJ IS NULL)",
      {title->unit}, [&](const SqliteRow& row) {
        mortgages = row.Int(0);
        seizures = row.Int(1);
        return absl::OkStatus();
      }));
  v1::Record findings = RecordBuilder()
                            .Str("certificate_no", title->qzh)
                            .Str("property_unit_no", title->unit)
                            .Int("owners", owners)
                            .Bool("shares_add_up", shares_ok)
                            .Bool("mortgaged", mortgages > 0)
                            .Bool("seized", seizures > 0)
                            .Build();
  if (seizures > 0) {
    return legacy::Reject("the unit is seized (查封) by a court or authority",
                          findings);
  }
  if (mortgages > 0) {
    return legacy::Reject(
        "the unit is mortgaged (抵押); the mortgage must be discharged first",
        findings);
  }
  if (!shares_ok) {
    return legacy::Reject(
        "the right holders' shares on the title do not add up to 1", findings);
  }
  return legacy::Approve(findings);
}

absl::StatusOr<v1::ReviewResponse> Transfer(legacy::SqliteWriter& writer,
                                            const v1::ReviewRequest& request,
                                            absl::CivilDay today) {
  ASSIGN_OR_RETURN(const v1::CaseParty* seller,
                   legacy::RequireParty(request, "seller"));
  ASSIGN_OR_RETURN(const v1::CaseParty* buyer,
                   legacy::RequireParty(request, "buyer"));
  const v1::StepMaterial* tax =
      legacy::FindMaterial(request, "deed_tax_certificate");
  if (tax == nullptr || tax->records_size() == 0) {
    return legacy::MissingField(request, "deed_tax_certificate", "");
  }
  const v1::Record& certificate = tax->records(0);
  const std::string tax_no = FieldText(certificate, "certificate_no");
  if (tax_no.empty()) {
    return legacy::MissingField(request, "deed_tax_certificate",
                                "certificate_no");
  }
  if (FieldText(certificate, "status") == "已作废") {
    return legacy::Reject("the deed tax payment certificate is voided",
                          v1::Record());
  }
  const std::string buyer_name = FieldText(certificate, "taxpayer_name");
  if (buyer_name.empty()) {
    return legacy::MissingField(request, "deed_tax_certificate",
                                "taxpayer_name");
  }

  std::string new_no;
  std::vector<v1::Record> title;
  RETURN_IF_ERROR(writer.Write([&](SqliteDb& w) -> absl::Status {
    ASSIGN_OR_RETURN(absl::optional<std::string> done,
                     legacy::FindCaseStep(w, request.case_id(), "transfer"));
    if (done.has_value()) {
      new_no = *done;
    } else {
      ASSIGN_OR_RETURN(std::vector<Held> held,
                       TitlesHeld(w, seller->subject()));
      const std::string unit = UnitOfSale(request, held);
      const Held* old = nullptr;
      for (const Held& h : held) {
        if (h.unit == unit) old = &h;
      }
      if (old == nullptr) {
        return absl::FailedPreconditionError(
            "the seller no longer holds the title of the unit sold");
      }
      std::string district;
      RETURN_IF_ERROR(
          w.Query("SELECT x.MC FROM BDC_FW f JOIN DM_XZQH x ON x.DM = f.QXDM "
                  "WHERE f.BDCDYH = ?",
                  {old->unit}, [&](const SqliteRow& row) {
                    district = std::string(row.Text(0));
                    return absl::OkStatus();
                  }));
      int64_t serial = 0;
      RETURN_IF_ERROR(
          w.Query("SELECT count(*) FROM BDC_QZ", {}, [&](const SqliteRow& row) {
            serial = row.Int(0);
            return absl::OkStatus();
          }));
      // A number not yet used (QZH is UNIQUE).
      for (bool taken = true; taken;) {
        ++serial;
        new_no = absl::StrFormat("京（%d）%s不动产权第%07d号", today.year(),
                                 district, serial);
        taken = false;
        RETURN_IF_ERROR(w.Query("SELECT 1 FROM BDC_QZ WHERE QZH = ?", {new_no},
                                [&](const SqliteRow&) {
                                  taken = true;
                                  return absl::OkStatus();
                                }));
      }
      const std::string now = absl::StrFormat(
          "%04d-%02d-%02d 00:00:00", today.year(), today.month(), today.day());
      RETURN_IF_ERROR(
          w.Execute("INSERT INTO BDC_QZ (QZH, BDCDYH, DJLX, GYFS, DJSJ, QSZT) "
                    "VALUES (?, ?, '转移登记', '0', ?, 1)",
                    {new_no, old->unit, now}));
      const int64_t qzid = w.last_insert_rowid();
      const std::string key = legacy::StoreKey(buyer->subject());
      // 1 居民身份证 for a person, 7 统一社会信用代码 for an organisation.
      const bool person =
          key.size() == 18 &&
          key.substr(0, 17).find_first_not_of("0123456789") ==
              std::string::npos &&
          (key[17] == 'X' || (key[17] >= '0' && key[17] <= '9'));
      RETURN_IF_ERROR(
          w.Execute("INSERT INTO BDC_QLR (QZID, SXH, QLRMC, ZJZL, ZJHM, FE) "
                    "VALUES (?, 1, ?, ?, ?, '100%')",
                    {qzid, buyer_name, person ? "1" : "7", key}));
      RETURN_IF_ERROR(
          w.Execute("UPDATE BDC_QZ SET QSZT = 2 WHERE QZID = ?", {old->qzid}));
      RETURN_IF_ERROR(
          legacy::RecordCaseStep(w, request.case_id(), "transfer", new_no));
    }
    // The new title as land.property_title, read back from the store.
    ASSIGN_OR_RETURN(std::vector<v1::Record> titles,
                     PropertyTitlesOf(w, buyer->subject()));
    for (v1::Record& r : titles) {
      if (FieldText(r, "certificate_no") == new_no)
        title.push_back(std::move(r));
    }
    return absl::OkStatus();
  }));
  v1::ReviewResponse response =
      legacy::Approve(RecordBuilder()
                          .Str("new_certificate_no", new_no)
                          .Str("deed_tax_certificate_no", tax_no)
                          .Date("registered_on", absl::FormatCivilTime(today))
                          .Build());
  v1::StepMaterial* issued = response.add_issued();
  issued->set_material("new_title");
  issued->set_dataset(kPropertyTitle);
  for (v1::Record& r : title) *issued->add_records() = std::move(r);
  return response;
}

// The party holds a title in force; for premises, not a dwelling.
absl::StatusOr<v1::ReviewResponse> Holds(SqliteDb& db,
                                         const v1::ReviewRequest& request,
                                         absl::string_view role,
                                         bool business) {
  ASSIGN_OR_RETURN(const v1::CaseParty* party,
                   legacy::RequireParty(request, role));
  ASSIGN_OR_RETURN(std::vector<Held> held, TitlesHeld(db, party->subject()));
  int64_t suitable = 0;
  for (const Held& h : held) {
    // GHYT 10 = 住宅; premises of a business need another use.
    if (!business || h.usage != "10") ++suitable;
  }
  v1::Record findings =
      RecordBuilder()
          .Int("titles_in_force", static_cast<int64_t>(held.size()))
          .Int("suitable_titles", suitable)
          .Build();
  if (held.empty()) {
    return legacy::Reject(
        absl::StrCat("the ", role,
                     " holds no title certificate in force at the land "
                     "registry"),
        findings);
  }
  if (suitable == 0) {
    return legacy::Reject(
        "the premises are registered for residential use only (住宅)",
        findings);
  }
  return legacy::Approve(findings);
}

}  // namespace

absl::StatusOr<v1::ReviewResponse> ReviewLandStep(
    legacy::SqliteDb& db, legacy::SqliteWriter& writer,
    const v1::ReviewRequest& request, absl::CivilDay today) {
  const std::string& step = request.step();
  if (step == "title_review") return TitleReview(db, request);
  if (step == "transfer") return Transfer(writer, request, today);
  if (step == "premises_review") return Holds(db, request, "founder", true);
  if (step == "dwelling_review") return Holds(db, request, "applicant", false);
  return legacy::UnknownStep(
      "land", request,
      "title_review, transfer, premises_review, dwelling_review");
}

}  // namespace land
}  // namespace datarun
