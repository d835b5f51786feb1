// Helpers the reference departments share to perform case steps
// (DepartmentService::Review): reading the parties and materials of a
// ReviewRequest, building answers, and the case-step ledger that makes a
// step's writes to the legacy store idempotent by case id.
//
// The ledger is one table datarun adds to a legacy store, DR_CASE_STEP
// (CASE_ID, STEP, DOC_NO, WRITTEN_AT; primary key CASE_ID + STEP), created
// when missing. A step that writes inserts its row in the SAME transaction
// as its effect rows; a repeat of the step (a retry the SDK's answer store
// did not catch, e.g. after a crash between the write and the answer) finds
// the row and answers with the document written the first time.
//
// Thread-safe: all functions are pure or act on the connection passed.
#ifndef DATARUN_ADAPTERS_LEGACY_STORE_CASE_REVIEW_H_
#define DATARUN_ADAPTERS_LEGACY_STORE_CASE_REVIEW_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "adapters/legacy_store/sqlite_writer.h"
#include "datarun/v1/adapter.pb.h"
#include "datarun/v1/types.pb.h"

namespace datarun {
namespace legacy {

// The material `id` among request.materials(), then issued_before(); null
// when absent.
const v1::StepMaterial* FindMaterial(const v1::ReviewRequest& request,
                                     absl::string_view id);

// The party of `role`; null when absent.
const v1::CaseParty* FindParty(const v1::ReviewRequest& request,
                               absl::string_view role);

// The party of `role`, or INVALID_ARGUMENT "case '<id>' step '<s>' has no
// party '<role>'".
absl::StatusOr<const v1::CaseParty*> RequireParty(
    const v1::ReviewRequest& request, absl::string_view role);

// The text of a string, decimal or date field; "" when absent or null.
std::string FieldText(const v1::Record& record, absl::string_view field);
// The value of a bool field; absl::nullopt when absent or null.
absl::optional<bool> FieldBool(const v1::Record& record,
                               absl::string_view field);

// Parses a decimal with at most two fractional digits ("3913900.00",
// "89.5") into hundredths. INVALID_ARGUMENT naming `what` otherwise.
absl::StatusOr<int64_t> ParseHundredths(absl::string_view text,
                                        absl::string_view what);

// Answers.
v1::ReviewResponse Approve(v1::Record findings);
v1::ReviewResponse Reject(absl::string_view reason, v1::Record findings);
v1::ReviewResponse NeedsSupplement(absl::string_view material,
                                   absl::string_view reason);

// INVALID_ARGUMENT "department '<d>' performs no step '<step>' of case type
// '<type>' (it performs ...)".
absl::Status UnknownStep(absl::string_view department,
                         const v1::ReviewRequest& request,
                         absl::string_view steps_performed);

// INVALID_ARGUMENT "step '<s>': material '<m>' (<dataset>) lacks field
// '<f>'; the case type must request it".
absl::Status MissingField(const v1::ReviewRequest& request,
                          absl::string_view material, absl::string_view field);

// Creates DR_CASE_STEP when missing.
absl::Status EnsureCaseStepLedger(SqliteDb& db);
// Opens the one connection a department's case steps write through
// (SqliteWriter::Open on `store_path`) and creates DR_CASE_STEP, the
// record of what each case's steps wrote, when missing. Errors: those of
// SqliteWriter::Open and EnsureCaseStepLedger.
absl::StatusOr<std::unique_ptr<SqliteWriter>> OpenCaseStepWriter(
    absl::string_view store_path);
// The document number the step wrote for the case, if any.
absl::StatusOr<absl::optional<std::string>> FindCaseStep(
    SqliteDb& db, absl::string_view case_id, absl::string_view step);
// Records that the step wrote `doc_no` for the case (ALREADY_EXISTS when
// it already did: call FindCaseStep first, in the same transaction).
absl::Status RecordCaseStep(SqliteDb& db, absl::string_view case_id,
                            absl::string_view step, absl::string_view doc_no);

}  // namespace legacy
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_LEGACY_STORE_CASE_REVIEW_H_
