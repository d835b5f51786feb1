#include "exchange/cases/case_engine_testing.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "exchange/identity/resident_id.h"

namespace datarun::cases::testing {
std::string ResidentId(absl::string_view first17) {
  std::string id(first17);
  id += identity::ResidentIdCheckCharacter(first17);
  return id;
}

absl::StatusOr<CaseConfig> LoadCaseConfig(const std::string& dir) {
  CaseConfig config;
  ASSIGN_OR_RETURN(config.catalog,
                   catalog::Catalog::LoadFile(dir + "/catalog.textproto"));
  ASSIGN_OR_RETURN(config.policy,
                   policy::PolicyEngine::LoadFile(dir + "/policy.textproto",
                                                  *config.catalog));
  ASSIGN_OR_RETURN(config.types, CaseTypeSet::LoadFile(
                                     dir + "/case_types.textproto",
                                     *config.catalog, config.policy->proto()));
  return config;
}

const std::string& TestSeller() {
  static const std::string* seller =
      new std::string(ResidentId("11010519700101001"));
  return *seller;
}

const std::string& TestBuyer() {
  static const std::string* buyer =
      new std::string(ResidentId("11010519800202002"));
  return *buyer;
}

v1::SubmitCaseRequest PropertyTransferRequest(const std::string& request_id) {
  v1::SubmitCaseRequest request;
  request.set_case_type("property_transfer");
  request.set_request_id(request_id);
  auto* p = request.add_parties();
  p->set_role("seller");
  p->set_subject(TestSeller());
  p = request.add_parties();
  p->set_role("buyer");
  p->set_subject(TestBuyer());
  auto* u = request.add_uploaded();
  u->set_material("seller_application");
  u->set_reference("ESIGN-1");
  u = request.add_uploaded();
  u->set_material("buyer_application");
  u->set_reference("ESIGN-2");
  return request;
}

v1::ReviewResponse Approve(absl::string_view issued) {
  v1::ReviewResponse response;
  response.set_decision(v1::REVIEW_DECISION_APPROVE);
  if (!issued.empty()) {
    v1::StepMaterial* m = response.add_issued();
    m->set_material(std::string(issued));
    m->set_reference(absl::StrCat(issued, "-001"));
  }
  return response;
}

void InstantQuery(const std::string&, const v1::QueryRequest& request,
                  absl::Time, CaseEngine::QueryDone done) {
  v1::QueryResponse response;
  (*response.add_records()->mutable_fields())["dataset"].set_string_value(
      request.dataset());
  done(response);
}

}  // namespace datarun::cases::testing
