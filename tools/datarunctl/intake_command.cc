// datarunctl intake: the service-window zero-material check
// (proto/datarun/v1/intake.proto).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "datarun/v1/intake.grpc.pb.h"
#include "exchange/identity/subject_id.h"
#include "tools/datarunctl/commands.h"
#include "tools/datarunctl/render.h"

namespace datarun::ctl {
namespace {

// Status word and marker of one material line.
std::pair<const char*, const char*> StatusText(v1::MaterialStatus status) {
  switch (status) {
    case v1::MATERIAL_STATUS_PULLED:
      return {"ok", "pulled"};
    case v1::MATERIAL_STATUS_ISSUED_IN_CASE:
      return {"ok", "issued in the case"};
    case v1::MATERIAL_STATUS_MISSING_DEFERRABLE:
      return {"..", "missing, may follow later"};
    case v1::MATERIAL_STATUS_MISSING_REQUIRED:
      return {"!!", "MISSING, required"};
    case v1::MATERIAL_STATUS_TO_PROVIDE:
      return {"->", "applicant provides"};
    case v1::MATERIAL_STATUS_NOT_APPLICABLE:
      return {"  ", "not applicable"};
    default:
      return {"??", "unknown"};
  }
}

std::string RenderIntake(const std::string& subject,
                         const v1::IntakeCheckResponse& response) {
  std::string out = absl::StrCat(
      "intake ", response.case_type(), ", party ", response.party(), ": ",
      identity::MaskSubject(subject), " (", response.subject_kind(), ")\n");
  for (const v1::MaterialCheck& check : response.materials()) {
    auto [marker, word] = StatusText(check.status());
    absl::StrAppend(&out, "  [", marker, "] ", check.material(), "  ",
                    check.title(), "\n        ", word);
    if (check.status() == v1::MATERIAL_STATUS_PULLED) {
      absl::StrAppend(&out, " from ", check.department(), " (", check.dataset(),
                      ", ", check.records(),
                      check.records() == 1 ? " record" : " records",
                      ", audit entry #", check.audit_entry_index(), ")");
    } else if (!check.detail().empty()) {
      absl::StrAppend(&out, ": ", check.detail());
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(
      &out, response.from_shared_data(), " of ", response.required(),
      " required materials come from shared data; ", response.to_provide(),
      " provided by the applicant, ", response.missing_required(), " missing, ",
      response.deferrable(), " deferred; trips: ", response.trips(), "\n");
  return out;
}

}  // namespace

int RunIntakeCommand(const std::vector<std::string>& args,
                     CommandContext& context, std::ostream& out,
                     std::ostream& err) {
  if (args.size() != 2) {
    err << "usage: datarunctl [--as=servicehall] intake <case-type> <subject> "
           "[--party=ROLE] [--official=ID]\n";
    return 2;
  }
  auto channel = ConnectChannel(context.connection);
  if (!channel.ok()) return FailSetup(channel.status(), err);
  auto stub = v1::Intake::NewStub(*channel);
  v1::IntakeCheckRequest request;
  request.set_case_type(args[0]);
  request.set_subject(args[1]);
  request.set_party(context.party);
  request.mutable_context()->set_on_behalf_of(context.official);
  request.mutable_context()->set_request_id(context.request_id);
  request.mutable_context()->set_case_id(context.case_id);
  v1::IntakeCheckResponse response;
  grpc::ClientContext call;
  SetDeadline(call, context);
  grpc::Status status = stub->Check(&call, request, &response);
  if (!status.ok()) return Fail(status, err);
  out << (context.json ? ToJson(response) : RenderIntake(args[1], response));
  return 0;
}

}  // namespace datarun::ctl
