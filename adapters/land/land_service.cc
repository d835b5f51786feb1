#include "adapters/land/land_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/types/optional.h"
#include "adapters/land/land_review.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_format.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/legacy_store/local_id_pager.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace land {
namespace {

using adapter::RecordBuilder;
using legacy::SetDate;
using legacy::SetHundredths;
using legacy::SetText;
using legacy::Source;
using legacy::SqliteDb;
using legacy::SqliteRow;

constexpr const char* kTitleFields[] = {"certificate_no",
                                        "property_unit_no",
                                        "location",
                                        "district",
                                        "area",
                                        "usage",
                                        "owners",
                                        "co_ownership",
                                        "registered_on",
                                        "mortgaged",
                                        "mortgage_holder",
                                        "seized",
                                        "seizure_authority"};
constexpr const char* kParcelFields[] = {
    "parcel_no", "location",       "district",         "land_use",
    "area",      "use_right_type", "use_right_expires"};
constexpr const char* kTables[] = {"BDC_ZD",  "BDC_FW", "BDC_QZ",  "BDC_QLR",
                                   "BDC_DYA", "BDC_CF", "DM_XZQH", "DM_GYFS"};

Source Title(absl::string_view field, absl::string_view column) {
  return Source{kPropertyTitle, field, column};
}

// The right holders of certificate `qzid`, in certificate order.
absl::StatusOr<std::vector<v1::Record>> Owners(SqliteDb& db, int64_t qzid) {
  std::vector<v1::Record> owners;
  RETURN_IF_ERROR(db.Query(
      "SELECT q.QLRMC, c.MC, q.ZJHM, q.FE FROM BDC_QLR q "
      "LEFT JOIN DM_ZJZL c ON c.DM = q.ZJZL WHERE q.QZID = ? ORDER BY q.SXH",
      {qzid}, [&](const SqliteRow& row) -> absl::Status {
        RecordBuilder b;
        SetText(b, Source{kPropertyTitle, "name", "BDC_QLR.QLRMC"}, row, 0);
        SetText(b, Source{kPropertyTitle, "id_type", "BDC_QLR.ZJZL"}, row, 1);
        legacy::SetIdNumber(
            b, Source{kPropertyTitle, "id_number", "BDC_QLR.ZJHM"}, row, 2);
        if (row.IsNull(3)) {
          b.Null("share");
        } else {
          auto share = legacy::PercentToFraction(row.Text(3));
          if (!share.ok()) {
            return absl::DataLossError(
                absl::StrCat(kPropertyTitle,
                             ": field 'owners.share': legacy column "
                             "BDC_QLR.FE holds ",
                             share.status().message()));
          }
          b.Decimal("share", *share);
        }
        owners.push_back(std::move(b).Build());
        return absl::OkStatus();
      }));
  return owners;
}

// The holder of the newest encumbrance in force from `sql`, if any.
absl::StatusOr<absl::optional<std::string>> InForce(SqliteDb& db,
                                                    absl::string_view sql,
                                                    const std::string& unit) {
  absl::optional<std::string> holder;
  RETURN_IF_ERROR(db.Query(sql, {unit}, [&](const SqliteRow& row) {
    holder = std::string(row.Text(0));
    return absl::OkStatus();
  }));
  return holder;
}

}  // namespace

absl::StatusOr<std::vector<v1::Record>> PropertyTitlesOf(
    legacy::SqliteDb& db, absl::string_view subject_id) {
  const legacy::SubjectForms subject = legacy::StoreForms(subject_id);
  struct Certificate {
    int64_t qzid;
    RecordBuilder builder;
    std::string unit;
  };
  std::vector<Certificate> certificates;
  RETURN_IF_ERROR(db.Query(
      "SELECT z.QZID, z.QZH, z.BDCDYH, f.ZL, x.MC, f.JZMJ, y.MC, g.MC, z.DJSJ "
      "FROM BDC_QLR q JOIN BDC_QZ z ON z.QZID = q.QZID "
      "LEFT JOIN BDC_FW f ON f.BDCDYH = z.BDCDYH "
      "LEFT JOIN DM_XZQH x ON x.DM = f.QXDM "
      "LEFT JOIN DM_FWYT y ON y.DM = f.GHYT "
      "LEFT JOIN DM_GYFS g ON g.DM = z.GYFS "
      "WHERE q.ZJHM IN (?1, ?2) AND z.QSZT = 1 ORDER BY z.DJSJ, z.QZID",
      {subject.current, subject.legacy},
      [&](const SqliteRow& row) -> absl::Status {
        Certificate c;
        c.qzid = row.Int(0);
        c.unit = std::string(row.Text(2));
        RecordBuilder& b = c.builder;
        SetText(b, Title("certificate_no", "BDC_QZ.QZH"), row, 1);
        SetText(b, Title("property_unit_no", "BDC_QZ.BDCDYH"), row, 2);
        SetText(b, Title("location", "BDC_FW.ZL"), row, 3);
        SetText(b, Title("district", "BDC_FW.QXDM"), row, 4);
        SetHundredths(b, Title("area", "BDC_FW.JZMJ"), row, 5);
        SetText(b, Title("usage", "BDC_FW.GHYT"), row, 6);
        SetText(b, Title("co_ownership", "BDC_QZ.GYFS"), row, 7);
        RETURN_IF_ERROR(
            SetDate(b, Title("registered_on", "BDC_QZ.DJSJ"), row, 8));
        certificates.push_back(std::move(c));
        return absl::OkStatus();
      }));
  std::vector<v1::Record> records;
  for (Certificate& c : certificates) {
    ASSIGN_OR_RETURN(std::vector<v1::Record> owners, Owners(db, c.qzid));
    c.builder.List("owners", std::move(owners));
    ASSIGN_OR_RETURN(
        absl::optional<std::string> mortgagee,
        InForce(db,
                "SELECT DYQR FROM BDC_DYA WHERE BDCDYH = ? AND ZXSJ IS NULL "
                "ORDER BY DJSJ DESC, DYAID DESC LIMIT 1",
                c.unit));
    c.builder.Bool("mortgaged", mortgagee.has_value());
    if (mortgagee.has_value()) {
      c.builder.Str("mortgage_holder", *mortgagee);
    } else {
      c.builder.Null("mortgage_holder");
    }
    ASSIGN_OR_RETURN(
        absl::optional<std::string> authority,
        InForce(db,
                "SELECT CFJG FROM BDC_CF WHERE BDCDYH = ? AND JFSJ IS NULL "
                "ORDER BY CFSJ DESC, CFID DESC LIMIT 1",
                c.unit));
    c.builder.Bool("seized", authority.has_value());
    if (authority.has_value()) {
      c.builder.Str("seizure_authority", *authority);
    } else {
      c.builder.Null("seizure_authority");
    }
    records.push_back(std::move(c.builder).Build());
  }
  return records;
}

namespace {

absl::StatusOr<std::vector<v1::Record>> Parcels(
    SqliteDb& db, const legacy::SubjectForms& subject) {
  std::vector<v1::Record> records;
  RETURN_IF_ERROR(db.Query(
      "SELECT DISTINCT d.ZDDM, d.ZL, x.MC, t.MC, d.ZDMJ, r.MC, d.SYQJSRQ "
      "FROM BDC_QLR q JOIN BDC_QZ z ON z.QZID = q.QZID AND z.QSZT = 1 "
      "JOIN BDC_FW f ON f.BDCDYH = z.BDCDYH "
      "JOIN BDC_ZD d ON d.ZDDM = f.ZDDM "
      "LEFT JOIN DM_XZQH x ON x.DM = d.QXDM "
      "LEFT JOIN DM_TDYT t ON t.DM = d.TDYT "
      "LEFT JOIN DM_QLXZ r ON r.DM = d.QLXZ "
      "WHERE q.ZJHM IN (?1, ?2) ORDER BY d.ZDDM",
      {subject.current, subject.legacy},
      [&](const SqliteRow& row) -> absl::Status {
        auto src = [](absl::string_view field, absl::string_view column) {
          return Source{kParcel, field, column};
        };
        RecordBuilder b;
        SetText(b, src("parcel_no", "BDC_ZD.ZDDM"), row, 0);
        SetText(b, src("location", "BDC_ZD.ZL"), row, 1);
        SetText(b, src("district", "BDC_ZD.QXDM"), row, 2);
        SetText(b, src("land_use", "BDC_ZD.TDYT"), row, 3);
        SetHundredths(b, src("area", "BDC_ZD.ZDMJ"), row, 4);
        SetText(b, src("use_right_type", "BDC_ZD.QLXZ"), row, 5);
        RETURN_IF_ERROR(
            SetDate(b, src("use_right_expires", "BDC_ZD.SYQJSRQ"), row, 6));
        records.push_back(std::move(b).Build());
        return absl::OkStatus();
      }));
  return records;
}

// Right holders of certificates in force, in BDC_QLR.QLRID order.
constexpr char kLocalIdsSql[] =
    "SELECT q.QLRID, q.ZJHM, z.QZH, z.DJSJ FROM BDC_QLR q "
    "JOIN BDC_QZ z ON z.QZID = q.QZID "
    "WHERE z.QSZT = 1 AND q.QLRID >= ?1 ORDER BY q.QLRID LIMIT ?2";

absl::Status HolderAssertion(const SqliteRow& row,
                             std::vector<v1::LocalIdAssertion>* out) {
  v1::LocalIdAssertion a;
  a.set_subject(std::string(row.Text(1)));
  a.set_kind("title_certificate");
  a.set_value(std::string(row.Text(2)));
  a.set_basis(legacy::RegistrationBasis("BDC_QZ registered", row, 3));
  out->push_back(std::move(a));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<LandService>> LandService::Open(
    absl::string_view store_path, int connections) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<legacy::SqlitePool> pool,
      legacy::OpenDepartmentStore(
          store_path, kTables,
          "a land registry store (see adapters/land/schema.sql)", connections));
  ASSIGN_OR_RETURN(std::unique_ptr<legacy::SqliteWriter> writer,
                   legacy::OpenCaseStepWriter(store_path));
  return std::unique_ptr<LandService>(
      new LandService(std::move(pool), std::move(writer)));
}

std::vector<std::string> LandService::datasets() const {
  return {kPropertyTitle, kParcel};
}

absl::StatusOr<std::vector<v1::Record>> LandService::Fetch(
    const v1::FetchRequest& request) {
  const std::string& dataset = request.dataset();
  const legacy::SubjectForms subject = legacy::StoreForms(request.subject());
  std::vector<v1::Record> records;
  if (dataset == kPropertyTitle) {
    RETURN_IF_ERROR(
        legacy::CheckRequestedFields(dataset, request, kTitleFields));
    legacy::SqlitePool::Lease db = pool_->Acquire();
    ASSIGN_OR_RETURN(records, PropertyTitlesOf(*db, request.subject()));
  } else if (dataset == kParcel) {
    RETURN_IF_ERROR(
        legacy::CheckRequestedFields(dataset, request, kParcelFields));
    legacy::SqlitePool::Lease db = pool_->Acquire();
    ASSIGN_OR_RETURN(records, Parcels(*db, subject));
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "the land adapter does not serve dataset '", dataset, "'"));
  }
  legacy::KeepRequestedFields(request, &records);
  return records;
}

absl::StatusOr<v1::ListLocalIdsResponse> LandService::ListLocalIds(
    const v1::ListLocalIdsRequest& request) {
  static const legacy::LocalIdPager* const pager = new legacy::LocalIdPager(
      "land.BDC_QLR", legacy::LocalIdPager::KeyType::kInteger);
  legacy::SqlitePool::Lease db = pool_->Acquire();
  return pager->Page(*db, request, kLocalIdsSql, HolderAssertion);
}

absl::StatusOr<v1::ReviewResponse> LandService::Review(
    const v1::ReviewRequest& request) {
  legacy::SqlitePool::Lease db = pool_->Acquire();
  return ReviewLandStep(*db, *writer_, request,
                        absl::ToCivilDay(absl::Now(), absl::LocalTimeZone()));
}

}  // namespace land
}  // namespace datarun
