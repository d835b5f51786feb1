// The licence step of business_establishment (see market_review.h).
#include <functional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/types/optional.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/market/market_codes.h"
#include "adapters/market/market_review.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace market {
namespace {

using legacy::FieldText;
using legacy::SqliteDb;
using legacy::SqliteRow;

// What the application says, checked before anything is read.
struct Application {
  std::string founder_key;  // as the store writes identity numbers
  std::string founder_name;
  std::string residence_status;  // registry.resident status
  absl::CivilDay birth;
  std::string address;  // the premises
  std::string premises_no;
  std::string name;  // declared
};

// The founder's birth date from an 18-digit identity number.
absl::optional<absl::CivilDay> BirthDate(absl::string_view id) {
  int y = 0, m = 0, d = 0;
  if (id.size() != 18 || !absl::SimpleAtoi(id.substr(6, 4), &y) ||
      !absl::SimpleAtoi(id.substr(10, 2), &m) ||
      !absl::SimpleAtoi(id.substr(12, 2), &d)) {
    return absl::nullopt;
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return absl::nullopt;
  }
  return day;
}

// The declared name: a "name" field of the name_declaration material when
// the application carried one, else its reference (the name as declared
// online, 企业名称自主申报).
std::string DeclaredName(const v1::StepMaterial& m) {
  if (m.records_size() > 0) {
    std::string name = FieldText(m.records(0), "name");
    if (!name.empty()) return name;
  }
  return std::string(absl::StripAsciiWhitespace(m.reference()));
}

// Reads the application from the request. INVALID_ARGUMENT naming a
// missing material or field.
absl::StatusOr<Application> ReadApplication(const v1::ReviewRequest& request,
                                            const v1::CaseParty& founder) {
  Application a;
  a.founder_key = legacy::StoreKey(founder.subject());
  const v1::StepMaterial* identity =
      legacy::FindMaterial(request, "founder_identity");
  if (identity == nullptr || identity->records_size() == 0) {
    return legacy::MissingField(request, "founder_identity", "");
  }
  a.founder_name = FieldText(identity->records(0), "name");
  a.residence_status = FieldText(identity->records(0), "status");
  if (a.founder_name.empty()) {
    return legacy::MissingField(request, "founder_identity", "name");
  }
  if (a.residence_status.empty()) {
    return legacy::MissingField(request, "founder_identity", "status");
  }
  const v1::StepMaterial* premises =
      legacy::FindMaterial(request, "premises_title");
  if (premises == nullptr) {
    return legacy::MissingField(request, "premises_title", "");
  }
  for (const v1::Record& title : premises->records()) {
    const std::string usage = FieldText(title, "usage");
    if (usage.empty()) {
      return legacy::MissingField(request, "premises_title", "usage");
    }
    // A domicile is a shop or an office (not a dwelling or a parking space).
    if ((usage != "商业" && usage != "办公") || !a.address.empty()) continue;
    a.address = FieldText(title, "location");
    a.premises_no = FieldText(title, "certificate_no");
    if (a.address.empty()) {
      return legacy::MissingField(request, "premises_title", "location");
    }
  }
  const v1::StepMaterial* declared =
      legacy::FindMaterial(request, "name_declaration");
  if (declared == nullptr) {
    return legacy::MissingField(request, "name_declaration", "");
  }
  a.name = DeclaredName(*declared);
  return a;
}

// The first `make(n)` for n = start, start + 1, ... that `exists` says is
// free.
absl::StatusOr<std::string> FirstFree(
    SqliteDb& db, absl::string_view exists_sql, int64_t start,
    const std::function<std::string(int64_t)>& make) {
  for (int64_t n = start;; ++n) {
    std::string candidate = make(n);
    if (candidate.empty()) {
      return absl::ResourceExhaustedError(
          absl::StrCat("market store: no free number after ", n));
    }
    bool taken = false;
    RETURN_IF_ERROR(db.Query(exists_sql, {candidate}, [&](const SqliteRow&) {
      taken = true;
      return absl::OkStatus();
    }));
    if (!taken) return candidate;
  }
}

int64_t CountOf(SqliteDb& db, absl::string_view sql,
                absl::Span<const legacy::SqlValue> params, absl::Status* s) {
  int64_t n = 0;
  *s = db.Query(sql, params, [&](const SqliteRow& row) {
    n = row.Int(0);
    return absl::OkStatus();
  });
  return n;
}

// Why the company cannot be registered; empty when it can.
absl::StatusOr<std::string> Refusal(SqliteDb& db, const Application& a,
                                    absl::CivilDay today, std::string* region,
                                    std::string* district) {
  if (a.residence_status != "正常") {
    return absl::StrCat(
        "the founder's household registration is not current (",
        a.residence_status,
        "): a legal representative must be a registered resident");
  }
  absl::CivilDay adult(a.birth.year() + 18, a.birth.month(), a.birth.day());
  if (today < adult) {
    return std::string(
        "the founder is under 18: a legal representative must be an adult");
  }
  if (a.address.empty()) {
    return std::string(
        "none of the founder's titles is of a business use (商业, 办公): the "
        "premises cannot be registered as the company's domicile");
  }
  RETURN_IF_ERROR(db.Query(
      "SELECT DM, MC FROM DM_XZQH WHERE instr(?, MC) > 0 ORDER BY DM LIMIT 1",
      {a.address}, [&](const SqliteRow& row) {
        *region = std::string(row.Text(0));
        *district = std::string(row.Text(1));
        return absl::OkStatus();
      }));
  if (region->empty()) {
    return std::string(
        "the premises lie outside the districts this bureau registers");
  }
  if (a.name.empty() || !(absl::EndsWith(a.name, "有限公司") ||
                          absl::EndsWith(a.name, "有限责任公司"))) {
    return absl::StrCat("the declared name '", a.name,
                        "' lacks the organisation form (有限公司 or "
                        "有限责任公司)");
  }
  // A cancelled entity's name stays protected for a year.
  const std::string year_ago = StoreDate(today - 365);
  absl::Status s;
  const int64_t holders =
      CountOf(db,
              "SELECT count(*) FROM SC_ZTDJ WHERE ZTMC = ?1 AND (DJZT = '1' OR "
              "ZXRQ IS NULL OR ZXRQ > ?2)",
              {a.name, year_ago}, &s);
  RETURN_IF_ERROR(s);
  if (holders > 0) {
    return absl::StrCat("the name '", a.name,
                        "' is already registered to another market entity");
  }
  return std::string();
}

// Registers the company; returns its entity id.
absl::StatusOr<std::string> Register(SqliteDb& w, const Application& a,
                                     const v1::ReviewRequest& request,
                                     absl::CivilDay today,
                                     const std::string& region,
                                     const std::string& district) {
  absl::Status s;
  const int64_t entities = CountOf(w, "SELECT count(*) FROM SC_ZTDJ", {}, &s);
  RETURN_IF_ERROR(s);
  ASSIGN_OR_RETURN(
      std::string org_code,
      FirstFree(w, "SELECT 1 FROM SC_ZTDJ WHERE ZZJGDM = ?", entities + 1,
                [](int64_t n) {
                  return OrganisationCode(AssignedOrganisationCodeBody(n));
                }));
  ASSIGN_OR_RETURN(
      std::string entity_id,
      FirstFree(w, "SELECT 1 FROM SC_ZTDJ WHERE ZTSFDM = ?", entities + 1,
                [&](int64_t n) { return EntityId(region, n); }));
  const std::string prefix = LicenceNo(region, today, 0).substr(0, 14);
  const int64_t issued_today =
      CountOf(w, "SELECT count(*) FROM SC_YYZZ WHERE substr(ZZBH, 1, 14) = ?",
              {prefix}, &s);
  RETURN_IF_ERROR(s);
  ASSIGN_OR_RETURN(
      std::string licence_no,
      FirstFree(w, "SELECT 1 FROM SC_YYZZ WHERE ZZBH = ?", issued_today + 1,
                [&](int64_t n) { return LicenceNo(region, today, n); }));
  const std::string credit =
      MarketCreditCode(kEnterprise, region, org_code.substr(0, 8));
  const std::string date = StoreDate(today);
  RETURN_IF_ERROR(w.Execute(
      "INSERT INTO SC_ZTDJ (ZTSFDM, TYSHXYDM, ZZJGDM, ZTMC, ZTLX, FDDBR, "
      "FDDBRZJHM, ZS, CSZMBH, ZCZB, JYFW, QXDM, DJJG, CLRQ, DJZT, ZXRQ) "
      "VALUES (?, ?, ?, ?, '1151', ?, ?, ?, ?, NULL, ?, ?, ?, ?, '1', NULL)",
      {entity_id, credit, org_code, a.name, a.founder_name, a.founder_key,
       a.address,
       a.premises_no.empty() ? legacy::SqlValue(nullptr)
                             : legacy::SqlValue(a.premises_no),
       "以公司章程载明的经营范围为准", region,
       absl::StrCat("北京市", district, "市场监督管理局"), date}));
  RETURN_IF_ERROR(w.Execute(
      "INSERT INTO SC_YYZZ (ZTSFDM, ZZBH, FZRQ, ZZZT) VALUES (?, ?, ?, '1')",
      {entity_id, licence_no, date}));
  RETURN_IF_ERROR(w.Execute(
      "INSERT INTO SC_DJJL (ZTSFDM, YWLX, HZRQ, SLBH) VALUES (?, '1', ?, ?)",
      {entity_id, date, request.case_id()}));
  RETURN_IF_ERROR(
      legacy::RecordCaseStep(w, request.case_id(), "licence", entity_id));
  return entity_id;
}

}  // namespace

absl::StatusOr<v1::ReviewResponse> LicenceStep(legacy::SqliteWriter& writer,
                                               const v1::ReviewRequest& request,
                                               absl::CivilDay today) {
  ASSIGN_OR_RETURN(const v1::CaseParty* founder,
                   legacy::RequireParty(request, "founder"));
  absl::optional<absl::CivilDay> birth =
      BirthDate(legacy::StoreKey(founder->subject()));
  if (!birth.has_value()) {
    return legacy::Reject(
        "the founder must be a natural person (a resident identity number)",
        v1::Record());
  }
  ASSIGN_OR_RETURN(Application application, ReadApplication(request, *founder));
  application.birth = *birth;
  absl::optional<v1::ReviewResponse> answer;
  RETURN_IF_ERROR(writer.Write([&](SqliteDb& w) -> absl::Status {
    ASSIGN_OR_RETURN(absl::optional<std::string> done,
                     legacy::FindCaseStep(w, request.case_id(), "licence"));
    std::string entity_id;
    if (done.has_value()) {
      entity_id = *done;
    } else {
      std::string region, district;
      ASSIGN_OR_RETURN(std::string refusal,
                       Refusal(w, application, today, &region, &district));
      if (!refusal.empty()) {
        answer =
            legacy::Reject(refusal, adapter::RecordBuilder()
                                        .Str("declared_name", application.name)
                                        .Build());
        return absl::OkStatus();  // nothing written
      }
      ASSIGN_OR_RETURN(entity_id, Register(w, application, request, today,
                                           region, district));
    }
    ASSIGN_OR_RETURN(
        answer, EntityAnswer(w, entity_id, "business_licence", v1::Record()));
    return absl::OkStatus();
  }));
  return *std::move(answer);
}

}  // namespace market
}  // namespace datarun
