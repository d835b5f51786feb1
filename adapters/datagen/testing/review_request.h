// Builds the review requests the case engine sends to a department's
// adapter, for the reference departments' review tests.
#ifndef DATARUN_ADAPTERS_DATAGEN_TESTING_REVIEW_REQUEST_H_
#define DATARUN_ADAPTERS_DATAGEN_TESTING_REVIEW_REQUEST_H_

#include <string>
#include <utility>
#include <vector>

#include "datarun/v1/adapter.pb.h"

namespace datarun {
namespace datagen {
namespace testing {

// A (role, subject) party of a case.
using CasePartyOf = std::pair<std::string, std::string>;

// Returns the review of step `step` in case `case_id` of type `case_type`,
// with the engine's idempotency key of its first round ("<case_id>/<step>")
// and `parties` in order; no materials (the test adds them).
v1::ReviewRequest CaseReviewRequest(const std::string& case_id,
                                    const std::string& case_type,
                                    const std::string& step,
                                    const std::vector<CasePartyOf>& parties);

}  // namespace testing
}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_TESTING_REVIEW_REQUEST_H_
