// datarunctl identity ...: the Identity service
// (proto/datarun/v1/identity.proto).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "datarun/v1/identity.grpc.pb.h"
#include "exchange/identity/subject_id.h"
#include "tools/datarunctl/commands.h"
#include "tools/datarunctl/render.h"

namespace datarun::ctl {
namespace {

constexpr char kUsage[] =
    "usage: datarunctl --as=DEPT identity <command>\n"
    "  resolve <subject> [--departments=a,b]   local identifiers of a subject\n"
    "  link <subject> <kind>=<value> --basis=TEXT [--primary]\n"
    "                                          assert one of DEPT's "
    "identifiers\n"
    "  retract <subject> <dept>:<kind>=<value> --basis=TEXT\n"
    "  merge <from-subject> <into-subject> --basis=TEXT   (stewards)\n"
    "  history <subject>                       every change, oldest first\n"
    "  conflicts [--limit=N]                   identifiers claimed twice\n"
    "  sync <department>...                    pull identifiers from "
    "adapters\n";

std::string LinkState(v1::LinkState state) {
  switch (state) {
    case v1::LINK_STATE_ACTIVE:
      return "active";
    case v1::LINK_STATE_CONFLICT:
      return "CONFLICT";
    case v1::LINK_STATE_RETRACTED:
      return "retracted";
    default:
      return "?";
  }
}

std::string EventKind(v1::IdentityEventKind kind) {
  switch (kind) {
    case v1::IDENTITY_EVENT_KIND_LINKED:
      return "linked";
    case v1::IDENTITY_EVENT_KIND_RETRACTED:
      return "retracted";
    case v1::IDENTITY_EVENT_KIND_CONFLICT_FLAGGED:
      return "conflict flagged";
    case v1::IDENTITY_EVENT_KIND_CONFLICT_CLEARED:
      return "conflict cleared";
    case v1::IDENTITY_EVENT_KIND_MERGED_INTO:
      return "merged into";
    case v1::IDENTITY_EVENT_KIND_MERGED_FROM:
      return "merged from";
    case v1::IDENTITY_EVENT_KIND_PRIMARY_CHANGED:
      return "primary changed";
    default:
      return "?";
  }
}

std::string Micros(int64_t micros) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMicros(micros),
                          absl::LocalTimeZone());
}

std::string RenderResolve(const std::string& subject,
                          const v1::ResolveIdentityResponse& response) {
  std::string out = absl::StrCat(
      "subject ", identity::MaskSubject(subject), " (", response.subject_kind(),
      ", fingerprint ", response.subject_fingerprint(), ")",
      response.upgraded_from_legacy() ? ", upgraded from a 15-digit number"
                                      : "",
      response.merged_into().empty()
          ? ""
          : absl::StrCat(", merged into ", response.merged_into()),
      "\n");
  for (const v1::IdentityLink& link : response.links()) {
    absl::StrAppend(
        &out, "  ", link.local_id().department(), "  ", link.local_id().kind(),
        " = ", link.local_id().value(), link.primary() ? "  [primary]" : "",
        "  ", LinkState(link.state()), "  asserted by ", link.asserted_by(),
        " ", Micros(link.asserted_at_micros()), " (", link.basis(), ")\n");
    for (const std::string& other : link.conflicting_subjects()) {
      absl::StrAppend(&out, "      also claimed by subject ", other, "\n");
    }
  }
  return out;
}

std::string RenderHistory(const v1::IdentityHistoryResponse& response) {
  std::string out = absl::StrCat("subject ", response.subject_fingerprint(),
                                 ": ", response.events_size(), " events\n");
  for (const v1::IdentityEvent& event : response.events()) {
    absl::StrAppend(&out, "  #", event.sequence(), "  ",
                    Micros(event.at_micros()), "  ", EventKind(event.kind()));
    if (!event.local_id().department().empty()) {
      absl::StrAppend(&out, "  ", event.local_id().department(), " ",
                      event.local_id().kind(), " = ", event.local_id().value());
    }
    if (!event.other_subject().empty()) {
      absl::StrAppend(&out, "  subject ", event.other_subject());
    }
    absl::StrAppend(&out, "  by ", event.actor(), " (", event.basis(), ")\n");
  }
  return out;
}

// Parses "<kind>=<value>" (with `department`) or "<dept>:<kind>=<value>".
bool ParseLocalId(const std::string& text, const std::string& department,
                  v1::LocalId* id) {
  std::string rest = text;
  if (department.empty()) {
    std::vector<std::string> parts =
        absl::StrSplit(text, absl::MaxSplits(':', 1));
    if (parts.size() != 2) return false;
    id->set_department(parts[0]);
    rest = parts[1];
  } else {
    id->set_department(department);
  }
  std::vector<std::string> kv = absl::StrSplit(rest, absl::MaxSplits('=', 1));
  if (kv.size() != 2 || kv[0].empty() || kv[1].empty()) return false;
  id->set_kind(kv[0]);
  id->set_value(kv[1]);
  return true;
}

}  // namespace

int RunIdentityCommand(const std::vector<std::string>& args,
                       CommandContext& context, std::ostream& out,
                       std::ostream& err) {
  const std::string command = args.empty() ? "" : args[0];
  const size_t n = args.size();
  const bool ok_shape =
      (command == "resolve" && n == 2) || (command == "link" && n == 3) ||
      (command == "retract" && n == 3) || (command == "merge" && n == 3) ||
      (command == "history" && n == 2) || (command == "conflicts" && n == 1) ||
      (command == "sync" && n >= 2);
  if (!ok_shape) {
    err << kUsage;
    return 2;
  }
  auto channel = ConnectChannel(context.connection);
  if (!channel.ok()) return FailSetup(channel.status(), err);
  auto stub = v1::Identity::NewStub(*channel);
  auto print = [&](const google::protobuf::Message& message,
                   const std::string& human) {
    out << (context.json ? ToJson(message) : human);
    return 0;
  };

  if (command == "resolve") {
    v1::ResolveIdentityRequest request;
    request.set_subject(args[1]);
    for (const std::string& d : context.departments) request.add_departments(d);
    v1::ResolveIdentityResponse response;
    grpc::ClientContext call;
    SetDeadline(call, context);
    grpc::Status status = stub->Resolve(&call, request, &response);
    if (!status.ok()) return Fail(status, err);
    return print(response, RenderResolve(args[1], response));
  }
  if (command == "link") {
    v1::LinkIdentityRequest request;
    request.set_subject(args[1]);
    if (!ParseLocalId(args[2], context.connection.as_department,
                      request.mutable_local_id())) {
      err << "datarunctl identity link: expected <kind>=<value>, got '"
          << args[2] << "' (the department is the one of --as)\n";
      return 2;
    }
    request.set_primary(context.primary);
    request.set_basis(context.basis);
    v1::LinkIdentityResponse response;
    grpc::ClientContext call;
    SetDeadline(call, context);
    grpc::Status status = stub->Link(&call, request, &response);
    if (!status.ok()) return Fail(status, err);
    return print(response,
                 absl::StrCat(response.changed() ? "linked" : "unchanged", ": ",
                              request.local_id().department(), " ",
                              request.local_id().kind(), " (",
                              LinkState(response.link().state()), ")\n"));
  }
  if (command == "retract") {
    v1::RetractIdentityRequest request;
    request.set_subject(args[1]);
    if (!ParseLocalId(args[2], "", request.mutable_local_id())) {
      err << "datarunctl identity retract: expected <dept>:<kind>=<value>, "
             "got '"
          << args[2] << "'\n";
      return 2;
    }
    request.set_basis(context.basis);
    v1::RetractIdentityResponse response;
    grpc::ClientContext call;
    SetDeadline(call, context);
    grpc::Status status = stub->Retract(&call, request, &response);
    if (!status.ok()) return Fail(status, err);
    return print(response, "retracted\n");
  }
  if (command == "merge") {
    v1::MergeIdentityRequest request;
    request.set_from_subject(args[1]);
    request.set_into_subject(args[2]);
    request.set_basis(context.basis);
    v1::MergeIdentityResponse response;
    grpc::ClientContext call;
    SetDeadline(call, context);
    grpc::Status status = stub->Merge(&call, request, &response);
    if (!status.ok()) return Fail(status, err);
    return print(response, absl::StrCat("merged: ", response.links_moved(),
                                        " links moved\n"));
  }
  if (command == "history") {
    v1::IdentityHistoryRequest request;
    request.set_subject(args[1]);
    v1::IdentityHistoryResponse response;
    grpc::ClientContext call;
    SetDeadline(call, context);
    grpc::Status status = stub->History(&call, request, &response);
    if (!status.ok()) return Fail(status, err);
    return print(response, RenderHistory(response));
  }
  if (command == "conflicts") {
    v1::ListIdentityConflictsRequest request;
    request.set_limit(context.limit);
    v1::ListIdentityConflictsResponse response;
    grpc::ClientContext call;
    SetDeadline(call, context);
    grpc::Status status = stub->ListConflicts(&call, request, &response);
    if (!status.ok()) return Fail(status, err);
    std::string human =
        absl::StrCat(response.conflicts_size(), " conflicting identifiers\n");
    for (const v1::IdentityConflict& conflict : response.conflicts()) {
      absl::StrAppend(&human, "  ", conflict.local_id().department(), " ",
                      conflict.local_id().kind(), " = ",
                      conflict.local_id().value(), "  claimed by ",
                      absl::StrJoin(conflict.subjects(), ", "), "\n");
    }
    return print(response, human);
  }
  // sync <department>...
  int rc = 0;
  for (size_t i = 1; i < n; ++i) {
    v1::SyncIdentityRequest request;
    request.set_department(args[i]);
    v1::SyncIdentityResponse response;
    grpc::ClientContext call;
    // A sync pages through a whole department: allow it far longer than a
    // query.
    call.set_deadline(std::chrono::system_clock::now() +
                      std::chrono::milliseconds(context.connection.timeout_ms) *
                          30);
    grpc::Status status = stub->Sync(&call, request, &response);
    if (!status.ok()) {
      rc = Fail(status, err);
      continue;
    }
    print(response,
          absl::StrCat(args[i], ": ", response.assertions_read(), " read, ",
                       response.links_added(), " linked, ",
                       response.links_unchanged(), " unchanged, ",
                       response.conflicts_flagged(), " conflicts, ",
                       response.assertions_rejected(), " rejected\n"));
    for (const std::string& sample : response.rejection_samples()) {
      out << "    rejected: " << sample << "\n";
    }
  }
  return rc;
}

}  // namespace datarun::ctl
