#include "adapters/tax/tax_review.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/types/optional.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_format.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/sdk/record_builder.h"
#include "adapters/tax/deed_tax_rates.h"
#include "common/status_macros.h"
#include "exchange/identity/subject_id.h"

namespace datarun {
namespace tax {
namespace {

using adapter::RecordBuilder;
using legacy::FieldText;
using legacy::SqliteDb;
using legacy::SqliteRow;

constexpr char kDeedTaxCode[] = "10119";

std::string Compact(absl::CivilDay day) {
  return absl::StrFormat("%04d%02d%02d", day.year(), day.month(), day.day());
}

bool LooksLikeResidentId(absl::string_view s) {
  if (s.size() != 18) return false;
  for (size_t i = 0; i < 17; ++i) {
    if (!absl::ascii_isdigit(s[i])) return false;
  }
  return absl::ascii_isdigit(s[17]) || s[17] == 'X' || s[17] == 'x';
}

struct Taxpayer {
  std::string nsrsbh;  // empty: not registered
  bool organisation = false;
};

absl::StatusOr<Taxpayer> FindTaxpayer(SqliteDb& db, absl::string_view subject,
                                      const std::string& local_id) {
  const legacy::SubjectForms forms = legacy::StoreForms(subject);
  Taxpayer t;
  RETURN_IF_ERROR(db.Query(
      "SELECT NSRSBH, NSRLX FROM DJ_NSRXX WHERE ZJHM IN (?1, ?2) "
      "ORDER BY NSRSBH = ?3 DESC, DJRQ, NSRSBH LIMIT 1",
      {forms.current, forms.legacy, local_id}, [&](const SqliteRow& row) {
        t.nsrsbh = std::string(row.Text(0));
        t.organisation = row.Text(1) == "2";
        return absl::OkStatus();
      }));
  if (t.nsrsbh.empty()) t.organisation = !LooksLikeResidentId(subject);
  return t;
}

// The certificate `wszmhm` as a tax.payment_certificate record.
absl::StatusOr<v1::Record> CertificateRecord(SqliteDb& db,
                                             const std::string& wszmhm) {
  absl::optional<v1::Record> record;
  RETURN_IF_ERROR(db.Query(
      "SELECT w.WSZMHM, w.SBXH, z.MC, w.SJJE, w.RKRQ, n.NSRMC, n.ZJHM, w.ZFBZ "
      "FROM WSZM w JOIN DJ_NSRXX n ON n.NSRSBH = w.NSRSBH "
      "LEFT JOIN DM_ZSXM z ON z.DM = w.ZSXM WHERE w.WSZMHM = ?",
      {wszmhm}, [&](const SqliteRow& row) -> absl::Status {
        RecordBuilder b;
        auto src = [](absl::string_view f, absl::string_view c) {
          return legacy::Source{"tax.payment_certificate", f, c};
        };
        legacy::SetText(b, src("certificate_no", "WSZM.WSZMHM"), row, 0);
        legacy::SetText(b, src("assessment_no", "WSZM.SBXH"), row, 1);
        legacy::SetText(b, src("tax_type", "WSZM.ZSXM"), row, 2);
        legacy::SetHundredths(b, src("amount_paid", "WSZM.SJJE"), row, 3);
        RETURN_IF_ERROR(
            legacy::SetDate(b, src("paid_on", "WSZM.RKRQ"), row, 4));
        legacy::SetText(b, src("taxpayer_name", "DJ_NSRXX.NSRMC"), row, 5);
        legacy::SetIdNumber(b, src("taxpayer_id_number", "DJ_NSRXX.ZJHM"), row,
                            6);
        b.Str("status", row.Text(7) == "Y" ? "已作废" : "已入库");
        record = std::move(b).Build();
        return absl::OkStatus();
      }));
  if (!record.has_value()) {
    return absl::DataLossError(absl::StrCat("tax store: certificate ", wszmhm,
                                            " recorded for a case is missing"));
  }
  return *record;
}

// Next number after the largest one starting with `prefix` in `column` of
// `table` (both constants of this file), `digits` wide.
absl::StatusOr<std::string> NextNumber(SqliteDb& db, absl::string_view table,
                                       absl::string_view column,
                                       const std::string& prefix, int digits) {
  int64_t last = 0;
  RETURN_IF_ERROR(db.Query(
      absl::StrCat("SELECT MAX(", column, ") FROM ", table, " WHERE ", column,
                   " LIKE ?1 || '%' AND length(", column, ") = ?2"),
      {prefix, static_cast<int64_t>(prefix.size() + digits)},
      [&](const SqliteRow& row) {
        if (!row.IsNull(0)) {
          (void)absl::SimpleAtoi(row.Text(0).substr(prefix.size()), &last);
        }
        return absl::OkStatus();
      }));
  return absl::StrCat(prefix, absl::StrFormat("%0*d", digits, last + 1));
}

// The filed contract record of the deed tax material.
const v1::Record* ContractRecord(const v1::ReviewRequest& request,
                                 std::string* material) {
  for (const char* id : {"buyer_sale_contract", "sale_contract"}) {
    const v1::StepMaterial* m = legacy::FindMaterial(request, id);
    if (m == nullptr || m->records_size() == 0) continue;
    *material = id;
    for (const v1::Record& r : m->records()) {
      if (FieldText(r, "status") == "已备案") return &r;
    }
    return &m->records(0);
  }
  return nullptr;
}

absl::StatusOr<v1::ReviewResponse> DeedTax(SqliteDb& db,
                                           legacy::SqliteWriter& writer,
                                           const v1::ReviewRequest& request,
                                           absl::CivilDay today) {
  ASSIGN_OR_RETURN(const v1::CaseParty* buyer,
                   legacy::RequireParty(request, "buyer"));
  std::string material;
  const v1::Record* contract = ContractRecord(request, &material);
  if (contract == nullptr) {
    return legacy::MissingField(request, "buyer_sale_contract", "");
  }
  if (FieldText(*contract, "status") == "已撤销") {
    return legacy::Reject(
        "the sale contract's filing was cancelled: no deed tax is due on it",
        v1::Record());
  }
  for (const char* field : {"contract_no", "price", "area"}) {
    if (FieldText(*contract, field).empty()) {
      return legacy::MissingField(request, material, field);
    }
  }
  ASSIGN_OR_RETURN(int64_t price_fen,
                   legacy::ParseHundredths(FieldText(*contract, "price"),
                                           "sale_contract.price"));
  ASSIGN_OR_RETURN(int64_t area,
                   legacy::ParseHundredths(FieldText(*contract, "area"),
                                           "sale_contract.area"));
  // The liability arises when the contract is signed.
  absl::CivilDay liable_on = today;
  for (const char* field : {"signed_on", "filed_on"}) {
    absl::CivilDay day;
    if (absl::ParseCivilTime(FieldText(*contract, field), &day)) {
      liable_on = day;
      break;
    }
  }
  ASSIGN_OR_RETURN(Taxpayer taxpayer,
                   FindTaxpayer(db, buyer->subject(), buyer->local_id()));
  int owned_before = 0;
  if (!taxpayer.organisation) {
    const v1::StepMaterial* count =
        legacy::FindMaterial(request, "dwelling_count");
    if (count == nullptr || count->records_size() == 0) {
      return legacy::NeedsSupplement(
          "dwelling_count",
          "the buyer family's dwelling count is needed for the first-home "
          "relief");
    }
    const v1::Record& c = count->records(0);
    if (!absl::SimpleAtoi(FieldText(c, "dwelling_count"), &owned_before)) {
      absl::optional<bool> first = legacy::FieldBool(c, "first_home");
      if (!first.has_value()) {
        return legacy::MissingField(request, "dwelling_count",
                                    "dwelling_count");
      }
      owned_before = *first ? 0 : 1;
    }
  }
  const DeedTaxRate rate = DeedTaxRateFor(
      liable_on,
      taxpayer.organisation ? BuyerKind::kOrganisation : BuyerKind::kIndividual,
      owned_before, area);
  const int64_t tax_fen = DeedTaxFen(price_fen, rate.rate);

  RecordBuilder findings;
  findings
      .Str("buyer_kind", taxpayer.organisation ? "organisation" : "individual")
      .Decimal("taxable_price", legacy::FormatHundredths(price_fen))
      .Decimal("area", legacy::FormatHundredths(area))
      .Date("liable_on", absl::FormatCivilTime(liable_on))
      .Decimal("rate", legacy::FormatDecimal(rate.rate, 4, 2))
      .Decimal("tax_due", legacy::FormatHundredths(tax_fen))
      .Str("rule", rate.rule);
  if (!taxpayer.organisation) {
    findings.Int("buyer_dwellings_before", owned_before)
        .Bool("first_home", owned_before == 0);
  }

  // The seller's income tax: exempt when the home was held five years or
  // more and is the family's only home (满五唯一).
  const v1::CaseParty* seller = legacy::FindParty(request, "seller");
  std::string held_since;
  if (const v1::StepMaterial* title =
          legacy::FindMaterial(request, "title_certificate")) {
    const std::string unit = FieldText(*contract, "property_unit_no");
    for (const v1::Record& r : title->records()) {
      if (unit.empty() || FieldText(r, "property_unit_no") == unit) {
        held_since = FieldText(r, "registered_on");
        break;
      }
    }
  }
  if (held_since.empty() && seller != nullptr) {
    // The bureau's own record of the seller's purchase: their deed tax
    // assessment on the same unit.
    ASSIGN_OR_RETURN(Taxpayer s, FindTaxpayer(db, seller->subject(), ""));
    const std::string unit = FieldText(*contract, "property_unit_no");
    if (!s.nsrsbh.empty() && !unit.empty()) {
      RETURN_IF_ERROR(db.Query(
          "SELECT MIN(HDRQ) FROM QS_SBXX WHERE NSRSBH = ? AND BDCDYH = ?",
          {s.nsrsbh, unit}, [&](const SqliteRow& row) {
            if (!row.IsNull(0)) {
              auto d = legacy::NormalizeDate(row.Text(0));
              if (d.ok()) held_since = *d;
            }
            return absl::OkStatus();
          }));
    }
  }
  absl::optional<bool> only_home;
  if (const v1::StepMaterial* m =
          legacy::FindMaterial(request, "seller_dwelling_count")) {
    int n = 0;
    if (m->records_size() > 0 &&
        absl::SimpleAtoi(FieldText(m->records(0), "dwelling_count"), &n)) {
      only_home = n == 1;
    }
  }
  absl::CivilDay since;
  if (absl::ParseCivilTime(held_since, &since)) {
    const bool five_years =
        absl::CivilDay(since.year() + 5, since.month(), since.day()) <= today;
    findings.Date("seller_held_since", held_since)
        .Bool("seller_held_five_years", five_years);
    if (only_home.has_value()) {
      findings.Bool("seller_only_home", *only_home)
          .Bool("seller_income_tax_exempt", five_years && *only_home);
    } else {
      findings.Str("seller_income_tax_exemption",
                   five_years ? "held five years; exempt if the family's only "
                                "home (dwelling count not provided)"
                              : "not exempt: held less than five years");
      if (!five_years) findings.Bool("seller_income_tax_exempt", false);
    }
  } else {
    findings.Str("seller_income_tax_exemption",
                 "undetermined: no acquisition date of the seller's title");
  }

  // Issue the assessment and the payment certificate, once per case.
  std::string certificate_no, name = FieldText(*contract, "buyer_name");
  if (name.empty()) {
    if (const v1::StepMaterial* id =
            legacy::FindMaterial(request, "buyer_identity")) {
      if (id->records_size() > 0) name = FieldText(id->records(0), "name");
    }
  }
  v1::Record certificate;
  RETURN_IF_ERROR(writer.Write([&](SqliteDb& w) -> absl::Status {
    ASSIGN_OR_RETURN(absl::optional<std::string> done,
                     legacy::FindCaseStep(w, request.case_id(), "deed_tax"));
    if (done.has_value()) {
      certificate_no = *done;
    } else {
      std::string nsrsbh = taxpayer.nsrsbh;
      const std::string key = legacy::StoreKey(buyer->subject());
      if (nsrsbh.empty()) {
        if (name.empty()) {
          return legacy::MissingField(request, "buyer_identity", "name");
        }
        if (taxpayer.organisation) {
          nsrsbh = key;
        } else {
          ASSIGN_OR_RETURN(nsrsbh,
                           NextNumber(w, "DJ_NSRXX", "NSRSBH",
                                      absl::StrCat(key.substr(0, 6), "R"), 11));
        }
        RETURN_IF_ERROR(w.Execute(
            "INSERT INTO DJ_NSRXX (NSRSBH, NSRMC, NSRLX, ZJLX, ZJHM, DJRQ, "
            "ZGSWJG) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {nsrsbh, name, taxpayer.organisation ? "2" : "1",
             taxpayer.organisation ? "800" : "201", key, Compact(today),
             "契税征收窗口"}));
      }
      ASSIGN_OR_RETURN(
          std::string sbxh,
          NextNumber(w, "QS_SBXX", "SBXH",
                     absl::StrCat("20", absl::StrFormat("%04d", today.year())),
                     10));
      RETURN_IF_ERROR(w.Execute(
          "INSERT INTO QS_SBXX (SBXH, NSRSBH, HTBH, BDCDYH, JSJG, JZMJ, SL, "
          "YNSE, SFSTFW, SBRQ, HDRQ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {sbxh, nsrsbh, FieldText(*contract, "contract_no"),
           FieldText(*contract, "property_unit_no"), price_fen, area, rate.rate,
           tax_fen, !taxpayer.organisation && owned_before == 0 ? "Y" : "N",
           Compact(today), Compact(today)}));
      ASSIGN_OR_RETURN(
          certificate_no,
          NextNumber(w, "WSZM", "WSZMHM",
                     absl::StrFormat("312%02d", today.year() % 100), 10));
      RETURN_IF_ERROR(w.Execute(
          "INSERT INTO WSZM (WSZMHM, SBXH, NSRSBH, ZSXM, SJJE, RKRQ, ZFBZ) "
          "VALUES (?, ?, ?, ?, ?, ?, 'N')",
          {certificate_no, sbxh, nsrsbh, kDeedTaxCode, tax_fen,
           Compact(today)}));
      RETURN_IF_ERROR(legacy::RecordCaseStep(w, request.case_id(), "deed_tax",
                                             certificate_no));
    }
    ASSIGN_OR_RETURN(certificate, CertificateRecord(w, certificate_no));
    return absl::OkStatus();
  }));
  findings.Str("certificate_no", certificate_no);
  v1::ReviewResponse response = legacy::Approve(std::move(findings).Build());
  v1::StepMaterial* issued = response.add_issued();
  issued->set_material("deed_tax_certificate");
  issued->set_dataset("tax.payment_certificate");
  *issued->add_records() = std::move(certificate);
  return response;
}

// No deed tax assessment of the proprietor is left without a valid
// payment certificate settling it; then the clearance certificate (清税证明)
// is issued: its number recorded in DR_CASE_STEP, once per case.
absl::StatusOr<v1::ReviewResponse> TaxClearance(
    legacy::SqliteWriter& writer, const v1::ReviewRequest& request,
    absl::CivilDay today) {
  ASSIGN_OR_RETURN(const v1::CaseParty* who,
                   legacy::RequireParty(request, "proprietor"));
  const legacy::SubjectForms forms = legacy::StoreForms(who->subject());
  int64_t unpaid = 0, registrations = 0;
  std::string number, issued_on;
  RETURN_IF_ERROR(writer.Write([&](SqliteDb& w) -> absl::Status {
    RETURN_IF_ERROR(w.Query(
        "SELECT (SELECT count(*) FROM DJ_NSRXX WHERE ZJHM IN (?1, ?2)), "
        "(SELECT count(*) FROM QS_SBXX s JOIN DJ_NSRXX n ON n.NSRSBH = "
        "s.NSRSBH WHERE n.ZJHM IN (?1, ?2) AND NOT EXISTS (SELECT 1 FROM WSZM "
        "w WHERE w.SBXH = s.SBXH AND w.ZFBZ = 'N'))",
        {forms.current, forms.legacy}, [&](const SqliteRow& row) {
          registrations = row.Int(0);
          unpaid = row.Int(1);
          return absl::OkStatus();
        }));
    ASSIGN_OR_RETURN(
        absl::optional<std::string> done,
        legacy::FindCaseStep(w, request.case_id(), "tax_clearance"));
    if (done.has_value()) {
      number = *done;
    } else if (unpaid > 0) {
      return absl::OkStatus();  // refused below; nothing written
    } else {
      int64_t issued = 0;
      RETURN_IF_ERROR(w.Query(
          "SELECT count(*) FROM DR_CASE_STEP WHERE STEP = 'tax_clearance'", {},
          [&](const SqliteRow& row) {
            issued = row.Int(0);
            return absl::OkStatus();
          }));
      for (bool taken = true; taken;) {
        number = absl::StrFormat("京税清〔%d〕%06d号", today.year(), ++issued);
        taken = false;
        RETURN_IF_ERROR(w.Query(
            "SELECT 1 FROM DR_CASE_STEP WHERE STEP = 'tax_clearance' AND "
            "DOC_NO = ?",
            {number}, [&](const SqliteRow&) {
              taken = true;
              return absl::OkStatus();
            }));
      }
      RETURN_IF_ERROR(legacy::RecordCaseStep(w, request.case_id(),
                                             "tax_clearance", number));
    }
    return w.Query(
        "SELECT substr(WRITTEN_AT, 1, 10) FROM DR_CASE_STEP WHERE CASE_ID = ? "
        "AND STEP = 'tax_clearance'",
        {request.case_id()}, [&](const SqliteRow& row) {
          issued_on = std::string(row.Text(0));
          return absl::OkStatus();
        });
  }));
  v1::Record findings = RecordBuilder()
                            .Int("taxpayer_registrations", registrations)
                            .Int("unpaid_assessments", unpaid)
                            .Build();
  if (number.empty()) {
    return legacy::Reject(absl::StrCat("tax outstanding: ", unpaid,
                                       " assessment(s) without a valid "
                                       "payment certificate"),
                          findings);
  }
  (*findings.mutable_fields())["clearance_no"].set_string_value(number);
  v1::ReviewResponse response = legacy::Approve(std::move(findings));
  v1::StepMaterial* issued = response.add_issued();
  issued->set_material("tax_clearance");
  *issued->add_records() = RecordBuilder()
                               .Str("certificate_no", number)
                               .Str("tax_type", "清税")
                               .Date("issued_on", issued_on)
                               .Str("status", "已清税")
                               .Build();
  return response;
}

// The tax office of the region that registered the company: the market
// regulator "北京市朝阳区市场监督管理局" -> "国家税务总局北京市朝阳区税务局".
std::string TaxOfficeOf(absl::string_view registration_authority) {
  constexpr absl::string_view kRegulator = "市场监督管理局";
  if (absl::ConsumeSuffix(&registration_authority, kRegulator) &&
      !registration_authority.empty()) {
    return absl::StrCat("国家税务总局", registration_authority, "税务局");
  }
  return "国家税务总局北京市税务局";
}

// Registers the company of the business licence issued in the case as a
// taxpayer (DJ_NSRXX: taxpayer number = its credit code, 单位, ID type 800,
// under the tax office of the registering region), once per case
// (DR_CASE_STEP). A company the bureau already registered (a repeated
// establishment of the same credit code) keeps its registration.
absl::StatusOr<v1::ReviewResponse> TaxRegistration(
    SqliteDb& db, legacy::SqliteWriter& writer,
    const v1::ReviewRequest& request, absl::CivilDay today) {
  ASSIGN_OR_RETURN(const v1::CaseParty* founder,
                   legacy::RequireParty(request, "founder"));
  const v1::StepMaterial* licence =
      legacy::FindMaterial(request, "business_licence");
  if (licence == nullptr || licence->records_size() == 0) {
    return legacy::MissingField(request, "business_licence", "credit_code");
  }
  const v1::Record& company = licence->records(0);
  const std::string credit_code = FieldText(company, "credit_code");
  const std::string name = FieldText(company, "name");
  if (credit_code.empty()) {
    return legacy::MissingField(request, "business_licence", "credit_code");
  }
  if (name.empty()) {
    return legacy::MissingField(request, "business_licence", "name");
  }
  RETURN_IF_ERROR(identity::NameSubjectField(
      identity::ValidateSubjectAs(credit_code,
                                  identity::SubjectKind::kOrganisation),
      "step 'tax_registration': material 'business_licence' field "
      "'credit_code'"));
  ASSIGN_OR_RETURN(Taxpayer founder_taxpayer,
                   FindTaxpayer(db, founder->subject(), founder->local_id()));
  std::string registered_on, office;
  RETURN_IF_ERROR(writer.Write([&](SqliteDb& w) -> absl::Status {
    ASSIGN_OR_RETURN(
        absl::optional<std::string> done,
        legacy::FindCaseStep(w, request.case_id(), "tax_registration"));
    if (!done.has_value()) {
      bool known = false;
      RETURN_IF_ERROR(w.Query("SELECT 1 FROM DJ_NSRXX WHERE NSRSBH = ?",
                              {credit_code}, [&](const SqliteRow&) {
                                known = true;
                                return absl::OkStatus();
                              }));
      if (!known) {
        RETURN_IF_ERROR(w.Execute(
            "INSERT INTO DJ_NSRXX (NSRSBH, NSRMC, NSRLX, ZJLX, ZJHM, DJRQ, "
            "ZGSWJG) VALUES (?, ?, '2', '800', ?, ?, ?)",
            {credit_code, name, credit_code, Compact(today),
             TaxOfficeOf(FieldText(company, "registration_authority"))}));
      }
      RETURN_IF_ERROR(legacy::RecordCaseStep(w, request.case_id(),
                                             "tax_registration", credit_code));
    }
    return w.Query("SELECT DJRQ, ZGSWJG FROM DJ_NSRXX WHERE NSRSBH = ?",
                   {credit_code}, [&](const SqliteRow& row) {
                     registered_on = std::string(row.Text(0));
                     office = std::string(row.Text(1));
                     return absl::OkStatus();
                   });
  }));
  return legacy::Approve(
      RecordBuilder()
          .Str("taxpayer_number", credit_code)
          .Str("registered_on", registered_on)
          .Str("tax_office", office)
          .Bool("founder_registered", !founder_taxpayer.nsrsbh.empty())
          .Str("invoice_quota", "standard")
          .Build());
}

}  // namespace

absl::StatusOr<v1::ReviewResponse> ReviewTaxStep(
    legacy::SqliteDb& db, legacy::SqliteWriter& writer,
    const v1::ReviewRequest& request, absl::CivilDay today) {
  const std::string& step = request.step();
  if (step == "deed_tax") return DeedTax(db, writer, request, today);
  if (step == "tax_clearance") return TaxClearance(writer, request, today);
  if (step == "tax_registration") {
    return TaxRegistration(db, writer, request, today);
  }
  return legacy::UnknownStep("tax", request,
                             "deed_tax, tax_clearance, tax_registration");
}

}  // namespace tax
}  // namespace datarun
