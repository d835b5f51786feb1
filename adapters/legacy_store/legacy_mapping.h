// Helpers the reference department adapters share to turn legacy SQLite rows
// into catalog records: NULL-aware setters on RecordBuilder, legacy value
// conversions with errors naming dataset, field and column, and the
// handling of FetchRequest.fields.
//
// Errors never contain the subject. Thread-safe: all functions are pure.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_LEGACY_MAPPING_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_LEGACY_MAPPING_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "adapters/legacy_store/sqlite_pool.h"
#include "adapters/legacy_store/sqlite_row.h"
#include "adapters/sdk/record_builder.h"
#include "datarun/v1/adapter.pb.h"
#include "datarun/v1/types.pb.h"

namespace datarun {
namespace legacy {

// Where a value comes from, for error messages:
// {"land.property_title", "registered_on", "BDC_QZ.DJSJ"}.
struct Source {
  absl::string_view dataset;
  absl::string_view field;
  absl::string_view column;
};

// Opens a department's legacy store read-only with `connections` pooled
// connections and checks that it has every table of `tables`.
// Errors: NOT_FOUND when the file does not exist; DATA_LOSS when it is not
// SQLite; FAILED_PRECONDITION "legacy store <path> has no table <T>: it is
// not <what>" for the first missing table (`what` e.g. "a land registry
// store (see adapters/land/schema.sql)").
absl::StatusOr<std::unique_ptr<SqlitePool>> OpenDepartmentStore(
    absl::string_view store_path, absl::Span<const char* const> tables,
    absl::string_view what, int connections);

// Subjects as legacy stores hold them: identity numbers with an upper-case
// check character 'X' (the exchange also accepts 'x').
std::string StoreKey(absl::string_view subject);

// The two forms under which a legacy store may hold a subject:
// `current` = StoreKey(subject), and `legacy` = its 15-digit form
// (LegacyResidentIdForm) for a person born 1900-1999, else `current` again,
// so that a lookup can always bind "ZJHM IN (?1, ?2)". Records of people an
// old system registered under their 15-digit number are found with the
// 18-digit number the exchange sends.
struct SubjectForms {
  std::string current;
  std::string legacy;
};
SubjectForms StoreForms(absl::string_view subject);

// Returns `stored` upgraded to 18 digits when it is a valid legacy 15-digit
// identity number (identity::UpgradeLegacyResidentId), else `stored` as is:
// the catalog's id_number fields carry 18-character numbers.
std::string UpgradeIfLegacy(absl::string_view stored);

// Sets `src.field` to the identity number or credit code in column `col`,
// upgraded by UpgradeIfLegacy, or Null when it is NULL.
void SetIdNumber(adapter::RecordBuilder& b, const Source& src,
                 const SqliteRow& row, int col);

// Sets `src.field` to the text of column `col`, or Null when it is NULL.
void SetText(adapter::RecordBuilder& b, const Source& src, const SqliteRow& row,
             int col);

// Sets `src.field` to the date in column `col` (any NormalizeDate format),
// or Null when it is NULL. DATA_LOSS naming dataset, field and column when
// the stored text is not a date.
absl::Status SetDate(adapter::RecordBuilder& b, const Source& src,
                     const SqliteRow& row, int col);

// Sets `src.field` to the integer column `col` read as hundredths (fen,
// 0.01 m²) and written as a two-decimal DECIMAL, or Null when NULL.
void SetHundredths(adapter::RecordBuilder& b, const Source& src,
                   const SqliteRow& row, int col);

// Sets `src.field` to the decimal text in column `col` (e.g. "89.50"), or
// Null when NULL. DATA_LOSS when the text is not a decimal.
absl::Status SetDecimalText(adapter::RecordBuilder& b, const Source& src,
                            const SqliteRow& row, int col);

// Returns "<what> <date>" for a LocalIdAssertion's basis, e.g.
// "DJ_NSRXX registration 2015-03-02", with the date in column `col`
// normalised (NormalizeDate), or as stored when it is not a date, or
// `what` alone when the column is NULL or empty.
std::string RegistrationBasis(absl::string_view what, const SqliteRow& row,
                              int col);

// INVALID_ARGUMENT "<dataset> has no field '<f>' (fields: a, b, ...)" when a
// requested field is not one of `known`; OK otherwise (also when none are
// requested).
absl::Status CheckRequestedFields(absl::string_view dataset,
                                  const v1::FetchRequest& request,
                                  absl::Span<const char* const> known);

// Removes from every record the top-level fields that were not requested,
// so that no more data leaves the department than the exchange asked for.
// No-op when request.fields() is empty (all fields).
void KeepRequestedFields(const v1::FetchRequest& request,
                         std::vector<v1::Record>* records);

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_LEGACY_MAPPING_H_
