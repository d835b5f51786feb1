// Fixtures shared by the case engine's tests and benchmark
// (exchange/cases/case_engine_test.cc, bench/cases/case_bench.cc): the
// deploy/local configuration, a property_transfer application, and fake
// reviews and pulls that answer at once. Pure and thread-safe.
#ifndef DATARUN_EXCHANGE_CASES_CASE_ENGINE_TESTING_H_
#define DATARUN_EXCHANGE_CASES_CASE_ENGINE_TESTING_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "datarun/v1/adapter.pb.h"
#include "datarun/v1/case.pb.h"
#include "datarun/v1/exchange.pb.h"
#include "exchange/cases/case_engine.h"
#include "exchange/cases/case_type_set.h"
#include "exchange/catalog/catalog.h"
#include "exchange/policy/policy_engine.h"

namespace datarun::cases::testing {

// The catalog, policy and case types a case engine runs on.
struct CaseConfig {
  std::unique_ptr<catalog::Catalog> catalog;
  std::unique_ptr<policy::PolicyEngine> policy;
  std::unique_ptr<CaseTypeSet> types;
};

// Loads catalog.textproto, policy.textproto and case_types.textproto from
// `dir` (e.g. "deploy/local"). Errors: those of Catalog::LoadFile,
// PolicyEngine::LoadFile and CaseTypeSet::LoadFile.
absl::StatusOr<CaseConfig> LoadCaseConfig(const std::string& dir);

// Returns `first17` (17 ASCII digits) with its check character appended:
// a resident identity number when the digits hold a valid region and date.
std::string ResidentId(absl::string_view first17);

// The seller and the buyer of PropertyTransferRequest: valid 18-digit
// resident identity numbers.
const std::string& TestSeller();
const std::string& TestBuyer();

// A property_transfer application with id `request_id` from TestSeller to
// TestBuyer, both signed applications uploaded (ESIGN-1, ESIGN-2), every
// other material left to be pulled.
v1::SubmitCaseRequest PropertyTransferRequest(const std::string& request_id);

// An approval; when `issued` is not empty it issues that material with
// reference "<issued>-001".
v1::ReviewResponse Approve(absl::string_view issued = "");

// A CaseEngine::QueryFn whose pulls answer at once, on the calling thread,
// with one record whose field "dataset" is the queried dataset's name.
void InstantQuery(const std::string& consumer, const v1::QueryRequest& request,
                  absl::Time deadline, CaseEngine::QueryDone done);

}  // namespace datarun::cases::testing

#endif  // DATARUN_EXCHANGE_CASES_CASE_ENGINE_TESTING_H_
