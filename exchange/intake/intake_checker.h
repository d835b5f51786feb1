// The zero-material check at the service window
// (proto/datarun/v1/intake.proto): for one party of one case type, pull every
// material the departments already hold and say what the applicant must still
// bring.
//
// Every pull is an ordinary query made as the calling department under the
// case type's purpose: policy-checked and audited like any other, so an
// intake check can release nothing the caller could not query itself.
// Pulls of one check run in parallel.
#ifndef DATARUN_EXCHANGE_INTAKE_INTAKE_CHECKER_H_
#define DATARUN_EXCHANGE_INTAKE_INTAKE_CHECKER_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "datarun/v1/exchange.pb.h"
#include "datarun/v1/intake.pb.h"
#include "exchange/cases/case_type_set.h"
#include "exchange/catalog/catalog.h"

namespace datarun::intake {

class IntakeChecker {
 public:
  using QueryDone = std::function<void(absl::StatusOr<v1::QueryResponse>)>;
  // Runs one query for a consumer department (QueryProcessor::Query).
  using QueryFn = std::function<void(const std::string& consumer,
                                     const v1::QueryRequest& request,
                                     absl::Time deadline, QueryDone done)>;
  using Done = std::function<void(absl::StatusOr<v1::IntakeCheckResponse>)>;

  struct Options {
    // Not owned; must outlive the checker.
    const cases::CaseTypeSet* case_types = nullptr;
    const catalog::Catalog* catalog = nullptr;
    QueryFn query;
  };

  explicit IntakeChecker(Options options) : options_(std::move(options)) {}
  IntakeChecker(const IntakeChecker&) = delete;
  IntakeChecker& operator=(const IntakeChecker&) = delete;

  // Checks `request` for `consumer` (the department proven by its
  // certificate) and calls `done` exactly once, possibly on another thread.
  // `deadline` bounds every pull. A 15-digit legacy identity number is
  // upgraded before anything is pulled.
  // Errors (nothing is pulled then):
  //  NOT_FOUND         unknown case type (with the known ones);
  //  INVALID_ARGUMENT  bad subject (the parser's reason, never the number),
  //                    or a party the case type does not have.
  // A pull that fails is not an error of the check: its material is
  // reported missing (or issued in the case) with the reason in `detail`.
  // Thread-safe.
  void Check(const std::string& consumer, const v1::IntakeCheckRequest& request,
             absl::Time deadline, Done done) const;

 private:
  struct Call;

  Options options_;
};

// Classifies one pull's outcome for `material`: PULLED when it returned at
// least one record, otherwise ISSUED_IN_CASE / MISSING_DEFERRABLE /
// MISSING_REQUIRED by the material's declaration, with the reason in
// `check->detail()`. Exposed for tests.
void ClassifyPull(const v1::Material& material, const v1::CaseType& case_type,
                  const absl::StatusOr<v1::QueryResponse>& result,
                  v1::MaterialCheck* check);

// Fills the totals of `response` from its materials.
void Summarize(v1::IntakeCheckResponse* response);

}  // namespace datarun::intake

#endif  // DATARUN_EXCHANGE_INTAKE_INTAKE_CHECKER_H_
