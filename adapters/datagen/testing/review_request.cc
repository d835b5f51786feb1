#include "adapters/datagen/testing/review_request.h"

namespace datarun {
namespace datagen {
namespace testing {

v1::ReviewRequest CaseReviewRequest(const std::string& case_id,
                                    const std::string& case_type,
                                    const std::string& step,
                                    const std::vector<CasePartyOf>& parties) {
  v1::ReviewRequest r;
  r.set_case_id(case_id);
  r.set_case_type(case_type);
  r.set_step(step);
  r.set_idempotency_key(case_id + "/" + step);
  for (const auto& [role, subject] : parties) {
    v1::CaseParty* party = r.add_parties();
    party->set_role(role);
    party->set_subject(subject);
  }
  return r;
}

}  // namespace testing
}  // namespace datagen
}  // namespace datarun
