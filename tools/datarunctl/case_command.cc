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
#include "datarun/v1/case.grpc.pb.h"
#include "exchange/identity/subject_id.h"
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
    "  list [--case_type=T] [--party=ID]     cases and per-type aggregates\n"
    "                                        (--party: only that person's or\n"
    "                                        organisation's cases)\n";

const char* CaseStateName(v1::CaseState state) {
  switch (state) {
    case v1::CASE_STATE_RUNNING:
      return "RUNNING";
    case v1::CASE_STATE_WAITING:
      return "WAITING";
    case v1::CASE_STATE_COMPLETED:
      return "COMPLETED";
    case v1::CASE_STATE_REJECTED:
      return "REJECTED";
    case v1::CASE_STATE_FAILED:
      return "FAILED";
    case v1::CASE_STATE_CANCELLED:
      return "CANCELLED";
    default:
      return "?";
  }
}

const char* StepStateName(v1::StepState state) {
  switch (state) {
    case v1::STEP_STATE_PENDING:
      return "pending";
    case v1::STEP_STATE_WAITING:
      return "waiting";
    case v1::STEP_STATE_RUNNING:
      return "running";
    case v1::STEP_STATE_APPROVED:
      return "approved";
    case v1::STEP_STATE_REJECTED:
      return "REJECTED";
    case v1::STEP_STATE_FAILED:
      return "FAILED";
    case v1::STEP_STATE_SKIPPED:
      return "skipped";
    default:
      return "?";
  }
}

bool Finished(v1::CaseState state) {
  return state == v1::CASE_STATE_COMPLETED ||
         state == v1::CASE_STATE_REJECTED || state == v1::CASE_STATE_FAILED ||
         state == v1::CASE_STATE_CANCELLED;
}

std::string Pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " "
                              : text + std::string(width - text.size(), ' ');
}

// A document's display number: its certificate_no field when it has one.
std::string DocumentNumber(const v1::StepMaterial& document) {
  for (const v1::Record& record : document.records()) {
    auto it = record.fields().find("certificate_no");
    if (it != record.fields().end()) return it->second.string_value();
  }
  return document.reference();
}

// "name=value" of a review's scalar findings, in name order.
std::string RenderFindings(const v1::Record& findings) {
  std::map<std::string, std::string> sorted;
  for (const auto& [name, value] : findings.fields()) {
    switch (value.kind_case()) {
      case v1::Value::kStringValue:
        sorted[name] = value.string_value();
        break;
      case v1::Value::kIntValue:
        sorted[name] = absl::StrCat(value.int_value());
        break;
      case v1::Value::kDecimalValue:
        sorted[name] = value.decimal_value();
        break;
      case v1::Value::kBoolValue:
        sorted[name] = value.bool_value() ? "yes" : "no";
        break;
      case v1::Value::kDateValue:
        sorted[name] = value.date_value();
        break;
      default:
        break;
    }
  }
  std::vector<std::string> parts;
  for (const auto& [name, text] : sorted) {
    parts.push_back(absl::StrCat(name, "=", text));
  }
  return absl::StrJoin(parts, " ");
}

std::string RenderCaseTimeline(const v1::CaseRecord& c) {
  std::string out = absl::StrCat(
      "case ", c.case_id(), "  ", c.case_type(), "  ", CaseStateName(c.state()),
      c.reason().empty() ? "" : absl::StrCat(" (", c.reason(), ")"), "\n");
  for (const v1::CasePartyInput& party : c.parties()) {
    absl::StrAppend(&out, "  ", party.role(), ": ",
                    identity::MaskSubject(party.subject()), "\n");
  }
  const int64_t start = c.submitted_at_micros();
  int64_t end = c.finished_at_micros();
  for (const v1::StepRecord& step : c.steps()) {
    end = std::max(end, step.finished_at_micros());
  }
  const double span = std::max<int64_t>(end - start, 1);
  constexpr int kBar = 40;
  absl::StrAppend(&out, "  ", Pad("step", 17), Pad("department", 11),
                  Pad("start", 9), Pad("end", 9), "timeline\n");
  for (const v1::StepRecord& step : c.steps()) {
    std::string bar(kBar, ' ');
    std::string from = "", to = "";
    if (step.started_at_micros() > 0) {
      const int64_t s = step.started_at_micros() - start;
      const int64_t e =
          (step.finished_at_micros() > 0 ? step.finished_at_micros() : end) -
          start;
      from = absl::StrCat("+", s / 1000, "ms");
      to = step.finished_at_micros() > 0 ? absl::StrCat("+", e / 1000, "ms")
                                         : "";
      const int a = static_cast<int>(s / span * kBar);
      const int b = std::max(a + 1, static_cast<int>(e / span * kBar));
      for (int i = a; i < std::min(b, kBar); ++i) bar[i] = '#';
    }
    absl::StrAppend(
        &out, "  ", Pad(step.step(), 17), Pad(step.department(), 11),
        Pad(from, 9), Pad(to, 9), "|", bar, "| ", StepStateName(step.state()),
        step.reason().empty() ? "" : absl::StrCat(": ", step.reason()), "\n");
    if (!step.findings().fields().empty()) {
      absl::StrAppend(&out, "      findings: ", RenderFindings(step.findings()),
                      "\n");
    }
    for (const v1::StepMaterial& document : step.issued()) {
      absl::StrAppend(&out, "      issued ", document.material(), " ",
                      DocumentNumber(document), "\n");
    }
  }
  const v1::CaseMetrics& m = c.metrics();
  absl::StrAppend(&out, "elapsed ", m.elapsed_ms(), " ms; serial sum of steps ",
                  m.serial_sum_ms(), " ms; critical path ",
                  m.critical_path_ms(), " ms; trips ", m.trips(),
                  "; materials ", m.materials_pulled(), " pulled, ",
                  m.materials_uploaded(), " uploaded\n");
  return out;
}

std::string RenderEvent(const v1::CaseEvent& event) {
  return absl::StrCat(
      "  #", event.sequence(), " ",
      v1::CaseEventKind_Name(event.kind()).substr(strlen("CASE_EVENT_KIND_")),
      event.step().empty() ? "" : absl::StrCat(" ", event.step()),
      event.material().empty() ? "" : absl::StrCat(" ", event.material()),
      event.detail().empty() ? "" : absl::StrCat(": ", event.detail()), "\n");
}

// Follows the case's events until it finishes; prints them unless `quiet`.
int Follow(v1::Case::Stub& stub, const std::string& case_id,
           CommandContext& context, bool quiet, std::ostream& out,
           std::ostream& err) {
  grpc::ClientContext call;
  call.set_deadline(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(context.connection.timeout_ms) *
                        30);
  v1::WatchCaseRequest request;
  request.set_case_id(case_id);
  std::unique_ptr<grpc::ClientReader<v1::CaseEvent>> reader =
      stub.Watch(&call, request);
  v1::CaseEvent event;
  while (reader->Read(&event)) {
    if (!quiet) out << (context.json ? ToJson(event) : RenderEvent(event));
    if (event.kind() == v1::CASE_EVENT_KIND_FINISHED) break;
  }
  call.TryCancel();
  grpc::Status status = reader->Finish();
  if (!status.ok() && status.error_code() != grpc::StatusCode::CANCELLED) {
    return Fail(status, err);
  }
  return 0;
}

int PrintCase(v1::Case::Stub& stub, const std::string& case_id,
              CommandContext& context, std::ostream& out, std::ostream& err) {
  v1::GetCaseRequest request;
  request.set_case_id(case_id);
  v1::CaseRecord record;
  grpc::ClientContext call;
  SetDeadline(call, context);
  grpc::Status status = stub.Get(&call, request, &record);
  if (!status.ok()) return Fail(status, err);
  out << (context.json ? ToJson(record) : RenderCaseTimeline(record));
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
    if (int rc = Follow(*stub, case_id, context, context.json, out, err)) {
      return rc;
    }
    return PrintCase(*stub, case_id, context, out, err);
  }
  if (command == "status") return PrintCase(*stub, args[1], context, out, err);
  if (command == "watch") {
    if (int rc = Follow(*stub, args[1], context, false, out, err)) return rc;
    return PrintCase(*stub, args[1], context, out, err);
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
    out << (context.json ? ToJson(record) : RenderCaseTimeline(record));
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
    out << (context.json ? ToJson(record) : RenderCaseTimeline(record));
    return 0;
  }
  // list
  v1::ListCasesRequest request;
  request.set_case_type(context.case_type);
  request.set_party_subject(context.party);
  request.set_page_size(std::min(context.limit, 200));
  v1::ListCasesResponse response;
  grpc::ClientContext call;
  SetDeadline(call, context);
  grpc::Status status = stub->List(&call, request, &response);
  if (!status.ok()) return Fail(status, err);
  if (context.json) {
    out << ToJson(response);
    return 0;
  }
  for (const v1::CaseRecord& c : response.cases()) {
    out << "  " << Pad(c.case_id(), 28) << Pad(c.case_type(), 32)
        << Pad(CaseStateName(c.state()), 10) << c.metrics().elapsed_ms()
        << " ms\n";
  }
  for (const v1::CaseTypeAggregate& a : response.aggregates()) {
    out << a.case_type() << ": " << a.cases() << " cases, " << a.completed()
        << " completed; mean elapsed "
        << static_cast<int64_t>(a.mean_elapsed_ms()) << " ms vs serial "
        << static_cast<int64_t>(a.mean_serial_sum_ms()) << " ms (critical path "
        << static_cast<int64_t>(a.mean_critical_path_ms()) << " ms); trips "
        << a.mean_trips() << "; materials pulled " << a.mean_materials_pulled()
        << ", uploaded " << a.mean_materials_uploaded() << "\n";
  }
  return 0;
}

}  // namespace datarun::ctl
