// datarunctl case ...: the Case service (proto/datarun/v1/case.proto).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/grpc_status.h"
#include "datarun/v1/case.grpc.pb.h"
#include "exchange/identity/subject_id.h"
#include "tools/datarunctl/case_list.h"
#include "tools/datarunctl/case_render.h"
#include "tools/datarunctl/commands.h"
#include "tools/datarunctl/render.h"

namespace datarun::ctl {
namespace {

constexpr char kUsage[] =
    "usage: datarunctl [--as=servicehall] case <command>\n"
    "  submit <case-type> --parties=role=subject,... "
    "[--uploads=material=ref,...]\n"
    "         [--deferred=material,...] [--request_id=ID] [--official=ID]\n"
    "         [--wait]                       take one application\n"
    "  status <case-id>                      the case and its timeline\n"
    "  watch <case-id>                       follow its events to the end\n"
    "  supplement <case-id> <material>=<ref> supply a deferred material\n"
    "  cancel <case-id> [--basis=REASON]\n"
    "  list [--case_type=T] [--party=ID] [--case_state=S] [--limit=N]\n"
    "                                        cases (newest first, at most\n"
    "                                        --limit, default 1000) and\n"
    "                                        per-type aggregates (--party:\n"
    "                                        only that person's or\n"
    "                                        organisation's cases)\n";

bool Finished(v1::CaseState state) {
  return state == v1::CASE_STATE_COMPLETED ||
         state == v1::CASE_STATE_REJECTED || state == v1::CASE_STATE_FAILED ||
         state == v1::CASE_STATE_CANCELLED;
}

// Follows the case's events until it finishes; prints them (material
// events grouped) unless `quiet`, and collects the material events into
// `groups`.
int Follow(v1::Case::Stub& stub, const std::string& case_id,
           CommandContext& context, bool quiet, MaterialEventGroups* groups,
           std::ostream& out, std::ostream& err) {
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(context.connection.timeout_ms) *
                        30);
  v1::WatchCaseRequest request;
  request.set_case_id(case_id);
  std::unique_ptr<grpc::ClientReader<v1::CaseEvent>> reader =
      stub.Watch(&call, request);
  CaseEventPrinter printer;
  v1::CaseEvent event;
  while (reader->Read(&event)) {
    groups->Add(event);
    if (!quiet) out << (context.json ? ToJson(event) : printer.Add(event));
    if (event.kind() == v1::CASE_EVENT_KIND_FINISHED) break;
  }
  if (!quiet && !context.json) out << printer.Flush();
  call.TryCancel();
  grpc::Status status = reader->Finish();
  if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
    return Fail(status, err);
  }
  return 0;
}

// The case's material events up to `last_event`, grouped; best effort: a
// failed Watch leaves `groups` with what arrived (the timeline is then
// printed without them).
void CollectMaterialEvents(v1::Case::Stub& stub, const std::string& case_id,
                           uint64_t last_event, CommandContext& context,
                           MaterialEventGroups* groups) {
  if (last_event == 0) return;
  grpc::ClientContext call;
  SetDeadline(call, context);
  v1::WatchCaseRequest request;
  request.set_case_id(case_id);
  std::unique_ptr<grpc::ClientReader<v1::CaseEvent>> reader =
      stub.Watch(&call, request);
  v1::CaseEvent event;
  while (reader->Read(&event)) {
    groups->Add(event);
    if (event.sequence() >= last_event ||
        event.kind() == v1::CASE_EVENT_KIND_FINISHED) {
      break;
    }
  }
  call.TryCancel();
  reader->Finish().ok();
}

// Prints the case's timeline; `groups` (may be null) holds its material
// events already followed, else they are read here.
int PrintCase(v1::Case::Stub& stub, const std::string& case_id,
              const MaterialEventGroups* groups, CommandContext& context,
              std::ostream& out, std::ostream& err) {
  v1::GetCaseRequest request;
  request.set_case_id(case_id);
  v1::CaseRecord record;
  grpc::ClientContext call;
  SetDeadline(call, context);
  grpc::Status status = stub.Get(&call, request, &record);
  if (!status.ok()) return Fail(status, err);
  MaterialEventGroups fetched;
  if (!context.json && groups == nullptr) {
    CollectMaterialEvents(stub, case_id, record.last_event(), context,
                          &fetched);
    groups = &fetched;
  }
  out << (context.json ? ToJson(record) : RenderCaseTimeline(record, groups));
  return Finished(record.state()) && record.state() != v1::CASE_STATE_COMPLETED
             ? 3
             : 0;
}

bool SplitPair(const std::string& text, std::string* a, std::string* b) {
  std::vector<std::string> kv = absl::StrSplit(text, absl::MaxSplits('=', 1));
  if (kv.size() != 2 || kv[0].empty() || kv[1].empty()) return false;
  *a = kv[0];
  *b = kv[1];
  return true;
}

}  // namespace

int RunCaseCommand(const std::vector<std::string>& args,
                   CommandContext& context, std::ostream& out,
                   std::ostream& err) {
  const std::string command = args.empty() ? "" : args[0];
  const size_t n = args.size();
  const bool ok_shape =
      (command == "submit" && n == 2) || (command == "status" && n == 2) ||
      (command == "watch" && n == 2) || (command == "supplement" && n == 3) ||
      (command == "cancel" && n == 2) || (command == "list" && n == 1);
  if (!ok_shape) {
    err << kUsage;
    return 2;
  }
  auto channel = ConnectChannel(context.connection);
  if (!channel.ok()) return FailSetup(channel.status(), err);
  auto stub = v1::Case::NewStub(*channel);

  if (command == "submit") {
    v1::SubmitCaseRequest request;
    request.set_case_type(args[1]);
    for (const std::string& party : context.case_parties) {
      v1::CasePartyInput* p = request.add_parties();
      if (!SplitPair(party, p->mutable_role(), p->mutable_subject())) {
        err << "datarunctl case submit: --parties wants role=subject, got '"
            << party << "'\n";
        return 2;
      }
    }
    for (const std::string& upload : context.case_uploads) {
      v1::UploadedMaterial* u = request.add_uploaded();
      if (!SplitPair(upload, u->mutable_material(), u->mutable_reference())) {
        err << "datarunctl case submit: --uploads wants material=reference, "
               "got '"
            << upload << "'\n";
        return 2;
      }
    }
    for (const std::string& deferred : context.case_deferred) {
      request.add_deferred(deferred);
    }
    request.set_request_id(context.request_id);
    request.set_on_behalf_of(context.official);
    v1::SubmitCaseResponse response;
    grpc::ClientContext call;
    SetDeadline(call, context);
    grpc::Status status = stub->Submit(&call, request, &response);
    if (!status.ok()) return Fail(status, err);
    const std::string case_id = response.case_().case_id();
    if (!context.case_wait) {
      out << (context.json
                  ? ToJson(response)
                  : absl::StrCat(response.created() ? "submitted "
                                                    : "already submitted ",
                                 case_id, "\n"));
      return 0;
    }
    if (!context.json) out << "submitted " << case_id << "; following it\n";
    MaterialEventGroups groups;
    if (int rc =
            Follow(*stub, case_id, context, context.json, &groups, out, err)) {
      return rc;
    }
    return PrintCase(*stub, case_id, &groups, context, out, err);
  }
  if (command == "status") {
    return PrintCase(*stub, args[1], nullptr, context, out, err);
  }
  if (command == "watch") {
    MaterialEventGroups groups;
    if (int rc = Follow(*stub, args[1], context, false, &groups, out, err)) {
      return rc;
    }
    return PrintCase(*stub, args[1], &groups, context, out, err);
  }
  if (command == "supplement") {
    v1::SupplementRequest request;
    request.set_case_id(args[1]);
    if (!SplitPair(args[2], request.mutable_material()->mutable_material(),
                   request.mutable_material()->mutable_reference())) {
      err << "datarunctl case supplement: expected <material>=<reference>\n";
      return 2;
    }
    v1::CaseRecord record;
    grpc::ClientContext call;
    SetDeadline(call, context);
    grpc::Status status = stub->Supplement(&call, request, &record);
    if (!status.ok()) return Fail(status, err);
    out << (context.json ? ToJson(record)
                         : RenderCaseTimeline(record, nullptr));
    return 0;
  }
  if (command == "cancel") {
    v1::CancelCaseRequest request;
    request.set_case_id(args[1]);
    request.set_reason(context.basis);
    v1::CaseRecord record;
    grpc::ClientContext call;
    SetDeadline(call, context);
    grpc::Status status = stub->Cancel(&call, request, &record);
    if (!status.ok()) return Fail(status, err);
    out << (context.json ? ToJson(record)
                         : RenderCaseTimeline(record, nullptr));
    return 0;
  }
  // list
  v1::ListCasesRequest request;
  request.set_case_type(context.case_type);
  request.set_party_subject(context.party);
  if (!context.case_state.empty()) {
    v1::CaseState state;
    if (!v1::CaseState_Parse(context.case_state, &state) &&
        !v1::CaseState_Parse(absl::StrCat("CASE_STATE_", context.case_state),
                             &state)) {
      err << "datarunctl case list: --case_state: no case state '"
          << context.case_state
          << "' (RUNNING, WAITING, COMPLETED, REJECTED, FAILED, CANCELLED)\n";
      return 2;
    }
    request.set_state(state);
  }
  absl::StatusOr<CaseListing> listing = ListCasePages(
      request, context.limit,
      [&](const v1::ListCasesRequest& page_request,
          v1::ListCasesResponse* page) {
        grpc::ClientContext call;
        SetDeadline(call, context);
        return FromGrpcStatus(stub->List(&call, page_request, page));
      });
  if (!listing.ok()) return Fail(ToGrpcStatus(listing.status()), err);
  if (context.json) {
    v1::ListCasesResponse response;
    for (v1::CaseRecord& c : listing->cases) *response.add_cases() = c;
    for (v1::CaseTypeAggregate& a : listing->aggregates) {
      *response.add_aggregates() = a;
    }
    out << ToJson(response);
    return 0;
  }
  out << RenderCaseListing(*listing, context.limit);
  return 0;
}

}  // namespace datarun::ctl
