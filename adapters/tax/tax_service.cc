#include "adapters/tax/tax_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_format.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/legacy_store/local_id_pager.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/sdk/record_builder.h"
#include "adapters/tax/tax_review.h"
#include "common/status_macros.h"

namespace datarun {
namespace tax {
namespace {

using adapter::RecordBuilder;
using legacy::SetDate;
using legacy::SetHundredths;
using legacy::SetText;
using legacy::Source;
using legacy::SqliteDb;
using legacy::SqliteRow;

constexpr const char* kAssessmentFields[] = {
    "assessment_no", "contract_no", "taxable_price", "area",
    "rate",          "tax_due",     "first_home",    "assessed_on"};
constexpr const char* kCertificateFields[] = {
    "certificate_no", "assessment_no", "tax_type",           "amount_paid",
    "paid_on",        "taxpayer_name", "taxpayer_id_number", "status"};
constexpr const char* kTables[] = {"DJ_NSRXX", "QS_SBXX", "WSZM", "DM_ZSXM"};

// The subject's taxpayer numbers: `local_id` when the register confirms it
// belongs to `subject`, otherwise every number registered for it (under
// either form of its identity number).
absl::StatusOr<std::vector<std::string>> TaxpayerNumbers(
    SqliteDb& db, const legacy::SubjectForms& subject,
    const std::string& local_id) {
  std::vector<std::string> numbers;
  auto collect = [&](const SqliteRow& row) {
    numbers.emplace_back(row.Text(0));
    return absl::OkStatus();
  };
  if (!local_id.empty()) {
    RETURN_IF_ERROR(db.Query(
        "SELECT NSRSBH FROM DJ_NSRXX WHERE NSRSBH = ?1 AND ZJHM IN (?2, ?3)",
        {local_id, subject.current, subject.legacy}, collect));
    if (!numbers.empty()) return numbers;
  }
  RETURN_IF_ERROR(
      db.Query("SELECT NSRSBH FROM DJ_NSRXX WHERE ZJHM IN (?1, ?2) "
               "ORDER BY DJRQ, NSRSBH",
               {subject.current, subject.legacy}, collect));
  return numbers;
}

absl::Status Assessments(SqliteDb& db, const std::string& nsrsbh,
                         std::vector<v1::Record>* records) {
  auto src = [](absl::string_view field, absl::string_view column) {
    return Source{kDeedTaxAssessment, field, column};
  };
  return db.Query(
      "SELECT SBXH, HTBH, JSJG, JZMJ, SL, YNSE, SFSTFW, HDRQ FROM QS_SBXX "
      "WHERE NSRSBH = ? ORDER BY HDRQ, SBXH",
      {nsrsbh}, [&](const SqliteRow& row) -> absl::Status {
        RecordBuilder b;
        SetText(b, src("assessment_no", "QS_SBXX.SBXH"), row, 0);
        SetText(b, src("contract_no", "QS_SBXX.HTBH"), row, 1);
        SetHundredths(b, src("taxable_price", "QS_SBXX.JSJG"), row, 2);
        SetHundredths(b, src("area", "QS_SBXX.JZMJ"), row, 3);
        if (row.IsNull(4)) {
          b.Null("rate");
        } else {
          // SL is kept in 1/10000: 150 -> "0.015".
          b.Decimal("rate", legacy::FormatDecimal(row.Int(4), 4, 2));
        }
        SetHundredths(b, src("tax_due", "QS_SBXX.YNSE"), row, 5);
        absl::string_view first = row.Text(6);
        if (first == "Y") {
          b.Bool("first_home", true);
        } else if (first == "N") {
          b.Bool("first_home", false);
        } else {
          b.Null("first_home");
        }
        RETURN_IF_ERROR(SetDate(b, src("assessed_on", "QS_SBXX.HDRQ"), row, 7));
        records->push_back(std::move(b).Build());
        return absl::OkStatus();
      });
}

absl::Status Certificates(SqliteDb& db, const std::string& nsrsbh,
                          std::vector<v1::Record>* records) {
  auto src = [](absl::string_view field, absl::string_view column) {
    return Source{kPaymentCertificate, field, column};
  };
  return db.Query(
      "SELECT w.WSZMHM, w.SBXH, z.MC, w.SJJE, w.RKRQ, n.NSRMC, n.ZJHM, w.ZFBZ "
      "FROM WSZM w JOIN DJ_NSRXX n ON n.NSRSBH = w.NSRSBH "
      "LEFT JOIN DM_ZSXM z ON z.DM = w.ZSXM "
      "WHERE w.NSRSBH = ? ORDER BY w.RKRQ, w.WSZMHM",
      {nsrsbh}, [&](const SqliteRow& row) -> absl::Status {
        RecordBuilder b;
        SetText(b, src("certificate_no", "WSZM.WSZMHM"), row, 0);
        SetText(b, src("assessment_no", "WSZM.SBXH"), row, 1);
        SetText(b, src("tax_type", "WSZM.ZSXM"), row, 2);
        SetHundredths(b, src("amount_paid", "WSZM.SJJE"), row, 3);
        RETURN_IF_ERROR(SetDate(b, src("paid_on", "WSZM.RKRQ"), row, 4));
        SetText(b, src("taxpayer_name", "DJ_NSRXX.NSRMC"), row, 5);
        legacy::SetIdNumber(b, src("taxpayer_id_number", "DJ_NSRXX.ZJHM"), row,
                            6);
        absl::string_view voided = row.Text(7);
        if (voided == "N") {
          b.Str("status", "已入库");
        } else if (voided == "Y") {
          b.Str("status", "已作废");
        } else {
          b.Null("status");
        }
        records->push_back(std::move(b).Build());
        return absl::OkStatus();
      });
}

// One assertion per registration of a person (证件类型 201) or an
// organisation (800), in NSRSBH order; primary for the subject's first
// registration (the order TaxpayerNumbers uses).
constexpr char kLocalIdsSql[] =
    "SELECT n.NSRSBH, n.ZJHM, n.DJRQ, "
    "(SELECT m.NSRSBH FROM DJ_NSRXX m WHERE m.ZJHM = n.ZJHM "
    "ORDER BY m.DJRQ, m.NSRSBH LIMIT 1) = n.NSRSBH "
    "FROM DJ_NSRXX n WHERE n.ZJLX IN ('201', '800') AND n.NSRSBH >= ?1 "
    "ORDER BY n.NSRSBH LIMIT ?2";

absl::Status TaxpayerAssertion(const SqliteRow& row,
                               std::vector<v1::LocalIdAssertion>* out) {
  v1::LocalIdAssertion a;
  a.set_subject(std::string(row.Text(1)));
  a.set_kind("taxpayer_number");
  a.set_value(std::string(row.Text(0)));
  a.set_primary(row.Int(3) == 1);
  a.set_basis(legacy::RegistrationBasis("DJ_NSRXX registration", row, 2));
  out->push_back(std::move(a));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<TaxService>> TaxService::Open(
    absl::string_view store_path, int connections) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<legacy::SqlitePool> pool,
      legacy::OpenDepartmentStore(
          store_path, kTables,
          "a tax bureau store (see adapters/tax/schema.sql)", connections));
  ASSIGN_OR_RETURN(std::unique_ptr<legacy::SqliteWriter> writer,
                   legacy::OpenCaseStepWriter(store_path));
  return std::unique_ptr<TaxService>(
      new TaxService(std::move(pool), std::move(writer)));
}

std::vector<std::string> TaxService::datasets() const {
  return {kDeedTaxAssessment, kPaymentCertificate};
}

absl::StatusOr<std::vector<v1::Record>> TaxService::Fetch(
    const v1::FetchRequest& request) {
  const std::string& dataset = request.dataset();
  bool assessment = dataset == kDeedTaxAssessment;
  if (!assessment && dataset != kPaymentCertificate) {
    return absl::InvalidArgumentError(
        absl::StrCat("the tax adapter does not serve dataset '", dataset, "'"));
  }
  if (assessment) {
    RETURN_IF_ERROR(
        legacy::CheckRequestedFields(dataset, request, kAssessmentFields));
  } else {
    RETURN_IF_ERROR(
        legacy::CheckRequestedFields(dataset, request, kCertificateFields));
  }
  legacy::SqlitePool::Lease db = pool_->Acquire();
  ASSIGN_OR_RETURN(std::vector<std::string> numbers,
                   TaxpayerNumbers(*db, legacy::StoreForms(request.subject()),
                                   request.local_id()));
  std::vector<v1::Record> records;
  for (const std::string& nsrsbh : numbers) {
    if (assessment) {
      RETURN_IF_ERROR(Assessments(*db, nsrsbh, &records));
    } else {
      RETURN_IF_ERROR(Certificates(*db, nsrsbh, &records));
    }
  }
  legacy::KeepRequestedFields(request, &records);
  return records;
}

absl::StatusOr<v1::ListLocalIdsResponse> TaxService::ListLocalIds(
    const v1::ListLocalIdsRequest& request) {
  static const legacy::LocalIdPager* const pager = new legacy::LocalIdPager(
      "tax.DJ_NSRXX", legacy::LocalIdPager::KeyType::kText);
  legacy::SqlitePool::Lease db = pool_->Acquire();
  return pager->Page(*db, request, kLocalIdsSql, TaxpayerAssertion);
}

absl::StatusOr<v1::ReviewResponse> TaxService::Review(
    const v1::ReviewRequest& request) {
  legacy::SqlitePool::Lease db = pool_->Acquire();
  return ReviewTaxStep(*db, *writer_, request,
                       absl::ToCivilDay(absl::Now(), absl::LocalTimeZone()));
}

}  // namespace tax
}  // namespace datarun
