#include "adapters/market/market_review.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/legacy_store/case_review.h"
#include "adapters/market/licence_record.h"
#include "common/status_macros.h"

namespace datarun {
namespace market {

absl::StatusOr<v1::ReviewResponse> ReviewMarketStep(
    legacy::SqliteWriter& writer, const v1::ReviewRequest& request,
    absl::CivilDay today) {
  if (request.step() == "licence") return LicenceStep(writer, request, today);
  if (request.step() == "deregistration") {
    return DeregistrationStep(writer, request, today);
  }
  return legacy::UnknownStep("market", request, "licence, deregistration");
}

absl::StatusOr<v1::ReviewResponse> EntityAnswer(legacy::SqliteDb& db,
                                                const std::string& entity_id,
                                                absl::string_view material,
                                                const v1::Record& extra) {
  ASSIGN_OR_RETURN(std::vector<v1::Record> records,
                   LicenceRecordOfEntity(db, entity_id));
  if (records.size() != 1) {
    return absl::DataLossError(absl::StrCat("market store: entity ", entity_id,
                                            " recorded for a case is missing"));
  }
  v1::Record findings = extra;
  auto& out = *findings.mutable_fields();
  for (const char* field : {"credit_code", "name", "entity_type", "status",
                            "licence_no", "licence_status", "established_on",
                            "deregistered_on", "registration_authority"}) {
    auto it = records[0].fields().find(field);
    if (it != records[0].fields().end()) out[field] = it->second;
  }
  v1::ReviewResponse response = legacy::Approve(std::move(findings));
  v1::StepMaterial* issued = response.add_issued();
  issued->set_material(std::string(material));
  issued->set_dataset(kBusinessLicence);
  // The document's number: the licence issued, or the entity cancelled.
  auto number = records[0].fields().find(
      material == "business_licence" ? "licence_no" : "credit_code");
  if (number != records[0].fields().end()) {
    issued->set_reference(number->second.string_value());
  }
  *issued->add_records() = std::move(records[0]);
  return response;
}

}  // namespace market
}  // namespace datarun
