#include "adapters/housing/housing_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/housing/housing_review.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/legacy_store/legacy_mapping.h"
#include "adapters/legacy_store/local_id_pager.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/sdk/record_builder.h"
#include "common/status_macros.h"

namespace datarun {
namespace housing {
namespace {

using adapter::RecordBuilder;
using legacy::SetDate;
using legacy::SetDecimalText;
using legacy::SetHundredths;
using legacy::SetText;
using legacy::Source;
using legacy::SqliteDb;
using legacy::SqliteRow;

constexpr const char* kContractFields[] = {"contract_no",
                                           "property_unit_no",
                                           "location",
                                           "seller_name",
                                           "seller_id_number",
                                           "buyer_name",
                                           "buyer_id_number",
                                           "price",
                                           "area",
                                           "signed_on",
                                           "filed_on",
                                           "status"};
constexpr const char* kCountFields[] = {"family_members", "dwelling_count",
                                        "counted_on", "first_home"};
constexpr const char* kTables[] = {"HT_BA",    "HT_JYF",  "FW_TJ",
                                   "FW_TJ_CY", "DM_BAZT", "DM_JTGX"};

Source Contract(absl::string_view field, absl::string_view column) {
  return Source{kSaleContract, field, column};
}

// Sets <side>_name and <side>_id_number from the first party of `side`
// ('1' sellers, '2' buyers) of filing `baid`; Null when there is none.
absl::Status SetParty(SqliteDb& db, int64_t baid, const char* side,
                      absl::string_view prefix, RecordBuilder& b) {
  std::string name_field = absl::StrCat(prefix, "_name");
  std::string id_field = absl::StrCat(prefix, "_id_number");
  bool found = false;
  RETURN_IF_ERROR(db.Query(
      "SELECT XM, ZJHM FROM HT_JYF WHERE BAID = ? AND JYFLB = ? "
      "ORDER BY SXH LIMIT 1",
      {baid, side}, [&](const SqliteRow& row) {
        found = true;
        SetText(b, Contract(name_field, "HT_JYF.XM"), row, 0);
        legacy::SetIdNumber(b, Contract(id_field, "HT_JYF.ZJHM"), row, 1);
        return absl::OkStatus();
      }));
  if (!found) {
    b.Null(name_field);
    b.Null(id_field);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Record>> SaleContracts(
    SqliteDb& db, const legacy::SubjectForms& subject) {
  std::vector<std::pair<int64_t, RecordBuilder>> filings;
  RETURN_IF_ERROR(db.Query(
      "SELECT DISTINCT b.BAID, b.HTBH, b.BDCDYH, b.FWZL, b.CJJG, b.JZMJ, "
      "b.QYRQ, b.BARQ, s.MC FROM HT_JYF j JOIN HT_BA b ON b.BAID = j.BAID "
      "LEFT JOIN DM_BAZT s ON s.DM = b.BAZT "
      "WHERE j.ZJHM IN (?1, ?2) ORDER BY b.QYRQ, b.BAID",
      {subject.current, subject.legacy},
      [&](const SqliteRow& row) -> absl::Status {
        RecordBuilder b;
        SetText(b, Contract("contract_no", "HT_BA.HTBH"), row, 1);
        SetText(b, Contract("property_unit_no", "HT_BA.BDCDYH"), row, 2);
        SetText(b, Contract("location", "HT_BA.FWZL"), row, 3);
        SetHundredths(b, Contract("price", "HT_BA.CJJG"), row, 4);
        RETURN_IF_ERROR(
            SetDecimalText(b, Contract("area", "HT_BA.JZMJ"), row, 5));
        RETURN_IF_ERROR(
            SetDate(b, Contract("signed_on", "HT_BA.QYRQ"), row, 6));
        RETURN_IF_ERROR(SetDate(b, Contract("filed_on", "HT_BA.BARQ"), row, 7));
        SetText(b, Contract("status", "HT_BA.BAZT"), row, 8);
        filings.emplace_back(row.Int(0), std::move(b));
        return absl::OkStatus();
      }));
  std::vector<v1::Record> records;
  for (auto& [baid, builder] : filings) {
    RETURN_IF_ERROR(SetParty(db, baid, "1", "seller", builder));
    RETURN_IF_ERROR(SetParty(db, baid, "2", "buyer", builder));
    records.push_back(std::move(builder).Build());
  }
  return records;
}

// The counts of the families the subject is a member of: only family
// `local_id` when the store confirms the subject is a member, otherwise
// every one, newest first.
absl::StatusOr<std::vector<v1::Record>> DwellingCounts(
    SqliteDb& db, const legacy::SubjectForms& subject,
    const std::string& local_id) {
  auto src = [](absl::string_view field, absl::string_view column) {
    return Source{kDwellingCount, field, column};
  };
  std::vector<v1::Record> records;
  auto count = [&](const SqliteRow& row) -> absl::Status {
    RecordBuilder b;
    std::string family(row.Text(0));
    if (row.IsNull(1)) {
      b.Null("dwelling_count");
      b.Null("first_home");
    } else {
      b.Int("dwelling_count", row.Int(1));
      b.Bool("first_home", row.Int(1) == 0);
    }
    RETURN_IF_ERROR(SetDate(b, src("counted_on", "FW_TJ.HCRQ"), row, 2));
    std::vector<v1::Record> members;
    RETURN_IF_ERROR(db.Query(
        "SELECT c.XM, c.ZJHM, g.MC FROM FW_TJ_CY c "
        "LEFT JOIN DM_JTGX g ON g.DM = c.GX WHERE c.JTBH = ? "
        "ORDER BY c.GX, c.CYID",
        {family}, [&](const SqliteRow& m) {
          RecordBuilder mb;
          SetText(mb, src("name", "FW_TJ_CY.XM"), m, 0);
          legacy::SetIdNumber(mb, src("id_number", "FW_TJ_CY.ZJHM"), m, 1);
          SetText(mb, src("relation", "FW_TJ_CY.GX"), m, 2);
          members.push_back(std::move(mb).Build());
          return absl::OkStatus();
        }));
    b.List("family_members", std::move(members));
    records.push_back(std::move(b).Build());
    return absl::OkStatus();
  };
  if (!local_id.empty()) {
    RETURN_IF_ERROR(
        db.Query("SELECT t.JTBH, t.TS, t.HCRQ FROM FW_TJ_CY c "
                 "JOIN FW_TJ t ON t.JTBH = c.JTBH "
                 "WHERE c.JTBH = ?1 AND c.ZJHM IN (?2, ?3) LIMIT 1",
                 {local_id, subject.current, subject.legacy}, count));
    if (!records.empty()) return records;
  }
  RETURN_IF_ERROR(
      db.Query("SELECT DISTINCT t.JTBH, t.TS, t.HCRQ FROM FW_TJ_CY c "
               "JOIN FW_TJ t ON t.JTBH = c.JTBH WHERE c.ZJHM IN (?1, ?2) "
               "ORDER BY t.HCRQ DESC, t.JTBH",
               {subject.current, subject.legacy}, count));
  return records;
}

// Every counted family member in FW_TJ_CY.CYID order; the family number is
// primary for the member's newest count (the order DwellingCounts uses).
constexpr char kLocalIdsSql[] =
    "SELECT c.CYID, c.ZJHM, c.JTBH, t.HCRQ, "
    "(SELECT c2.JTBH FROM FW_TJ_CY c2 JOIN FW_TJ t2 ON t2.JTBH = c2.JTBH "
    "WHERE c2.ZJHM = c.ZJHM ORDER BY t2.HCRQ DESC, t2.JTBH LIMIT 1) = c.JTBH "
    "FROM FW_TJ_CY c JOIN FW_TJ t ON t.JTBH = c.JTBH WHERE c.CYID >= ?1 "
    "ORDER BY c.CYID LIMIT ?2";

absl::Status FamilyAssertion(const SqliteRow& row,
                             std::vector<v1::LocalIdAssertion>* out) {
  v1::LocalIdAssertion a;
  a.set_subject(std::string(row.Text(1)));
  a.set_kind("family_number");
  a.set_value(std::string(row.Text(2)));
  a.set_primary(row.Int(4) == 1);
  a.set_basis(legacy::RegistrationBasis("FW_TJ dwelling count", row, 3));
  out->push_back(std::move(a));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<HousingService>> HousingService::Open(
    absl::string_view store_path, int connections) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<legacy::SqlitePool> pool,
      legacy::OpenDepartmentStore(
          store_path, kTables,
          "a housing bureau store (see adapters/housing/schema.sql)",
          connections));
  ASSIGN_OR_RETURN(std::unique_ptr<legacy::SqliteWriter> writer,
                   legacy::OpenCaseStepWriter(store_path));
  return std::unique_ptr<HousingService>(
      new HousingService(std::move(pool), std::move(writer)));
}

std::vector<std::string> HousingService::datasets() const {
  return {kSaleContract, kDwellingCount};
}

absl::StatusOr<std::vector<v1::Record>> HousingService::Fetch(
    const v1::FetchRequest& request) {
  const std::string& dataset = request.dataset();
  const legacy::SubjectForms subject = legacy::StoreForms(request.subject());
  std::vector<v1::Record> records;
  if (dataset == kSaleContract) {
    RETURN_IF_ERROR(
        legacy::CheckRequestedFields(dataset, request, kContractFields));
    legacy::SqlitePool::Lease db = pool_->Acquire();
    ASSIGN_OR_RETURN(records, SaleContracts(*db, subject));
  } else if (dataset == kDwellingCount) {
    RETURN_IF_ERROR(
        legacy::CheckRequestedFields(dataset, request, kCountFields));
    legacy::SqlitePool::Lease db = pool_->Acquire();
    ASSIGN_OR_RETURN(records, DwellingCounts(*db, subject, request.local_id()));
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "the housing adapter does not serve dataset '", dataset, "'"));
  }
  legacy::KeepRequestedFields(request, &records);
  return records;
}

absl::StatusOr<v1::ListLocalIdsResponse> HousingService::ListLocalIds(
    const v1::ListLocalIdsRequest& request) {
  static const legacy::LocalIdPager* const pager = new legacy::LocalIdPager(
      "housing.FW_TJ_CY", legacy::LocalIdPager::KeyType::kInteger);
  legacy::SqlitePool::Lease db = pool_->Acquire();
  return pager->Page(*db, request, kLocalIdsSql, FamilyAssertion);
}

absl::StatusOr<v1::ReviewResponse> HousingService::Review(
    const v1::ReviewRequest& request) {
  legacy::SqlitePool::Lease db = pool_->Acquire();
  return ReviewHousingStep(*db, *writer_, request);
}

}  // namespace housing
}  // namespace datarun
