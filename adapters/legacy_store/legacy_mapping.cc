#include "adapters/legacy_store/legacy_mapping.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/legacy_store/legacy_format.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "common/status_macros.h"
#include "exchange/identity/resident_id.h"

namespace datarun {
namespace legacy {
namespace {

absl::Status BadValue(const Source& src, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat(src.dataset, ": field '", src.field,
                                          "': legacy column ", src.column,
                                          " holds ", problem));
}

}  // namespace

absl::StatusOr<std::unique_ptr<SqlitePool>> OpenDepartmentStore(
    absl::string_view store_path, absl::Span<const char* const> tables,
    absl::string_view what, int connections) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<SqlitePool> pool,
      SqlitePool::Open(store_path, SqliteDb::Mode::kReadOnly, connections));
  SqlitePool::Lease db = pool->Acquire();
  for (const char* table : tables) {
    ASSIGN_OR_RETURN(bool present, db->HasTable(table));
    if (!present) {
      return absl::FailedPreconditionError(
          absl::StrCat("legacy store ", store_path, " has no table ", table,
                       ": it is not ", what));
    }
  }
  return pool;
}

std::string StoreKey(absl::string_view subject) {
  return absl::AsciiStrToUpper(subject);
}

SubjectForms StoreForms(absl::string_view subject) {
  SubjectForms forms;
  forms.current = StoreKey(subject);
  forms.legacy = LegacyResidentIdForm(forms.current);
  if (forms.legacy.empty()) forms.legacy = forms.current;
  return forms;
}

std::string UpgradeIfLegacy(absl::string_view stored) {
  if (stored.size() == 15) {
    absl::StatusOr<std::string> upgraded =
        identity::UpgradeLegacyResidentId(stored);
    if (upgraded.ok()) return *std::move(upgraded);
  }
  return std::string(stored);
}

void SetIdNumber(adapter::RecordBuilder& b, const Source& src,
                 const SqliteRow& row, int col) {
  if (row.IsNull(col)) {
    b.Null(src.field);
  } else {
    b.Str(src.field, UpgradeIfLegacy(row.Text(col)));
  }
}

void SetText(adapter::RecordBuilder& b, const Source& src, const SqliteRow& row,
             int col) {
  if (row.IsNull(col)) {
    b.Null(src.field);
  } else {
    b.Str(src.field, row.Text(col));
  }
}

absl::Status SetDate(adapter::RecordBuilder& b, const Source& src,
                     const SqliteRow& row, int col) {
  if (row.IsNull(col)) {
    b.Null(src.field);
    return absl::OkStatus();
  }
  auto date = NormalizeDate(row.Text(col));
  if (!date.ok()) return BadValue(src, date.status().message());
  b.Date(src.field, *date);
  return absl::OkStatus();
}

void SetHundredths(adapter::RecordBuilder& b, const Source& src,
                   const SqliteRow& row, int col) {
  if (row.IsNull(col)) {
    b.Null(src.field);
  } else {
    b.Decimal(src.field, FormatHundredths(row.Int(col)));
  }
}

absl::Status SetDecimalText(adapter::RecordBuilder& b, const Source& src,
                            const SqliteRow& row, int col) {
  if (row.IsNull(col)) {
    b.Null(src.field);
    return absl::OkStatus();
  }
  absl::string_view text = absl::StripAsciiWhitespace(row.Text(col));
  if (!IsDecimalText(text)) {
    return BadValue(src, absl::StrCat("'", text, "', which is not a decimal"));
  }
  b.Decimal(src.field, text);
  return absl::OkStatus();
}

std::string RegistrationBasis(absl::string_view what, const SqliteRow& row,
                              int col) {
  if (row.IsNull(col) || row.Text(col).empty()) return std::string(what);
  absl::StatusOr<std::string> date = NormalizeDate(row.Text(col));
  return absl::StrCat(what, " ", date.ok() ? *date : row.Text(col));
}

absl::Status CheckRequestedFields(absl::string_view dataset,
                                  const v1::FetchRequest& request,
                                  absl::Span<const char* const> known) {
  for (const std::string& field : request.fields()) {
    bool found = false;
    for (const char* k : known) found = found || field == k;
    if (!found) {
      return absl::InvalidArgumentError(
          absl::StrCat(dataset, " has no field '", field,
                       "' (fields: ", absl::StrJoin(known, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

void KeepRequestedFields(const v1::FetchRequest& request,
                         std::vector<v1::Record>* records) {
  if (request.fields().empty()) return;
  absl::flat_hash_set<std::string> wanted(request.fields().begin(),
                                          request.fields().end());
  for (v1::Record& record : *records) {
    auto* fields = record.mutable_fields();
    for (auto it = fields->begin(); it != fields->end();) {
      if (wanted.contains(it->first)) {
        ++it;
      } else {
        it = fields->erase(it);
      }
    }
  }
}

}  // namespace legacy
}  // namespace datarun
