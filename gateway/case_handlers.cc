// The window desk and the case tracker: case types, the intake check,
// submitting, listing, reading, supplementing and cancelling cases. The
// event stream is in case_events.cc.
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "exchange/identity/subject_id.h"
#include "gateway/case_access.h"
#include "gateway/handlers.h"
#include "gateway/json_codec.h"
#include "gateway/query_params.h"

namespace datarun::gateway {

// In case_events.cc.
void StreamCaseEvents(const ApiContext& context, const ApiCallPtr& call);

namespace {

// Parses the body into `message`; answers 400 and returns false on error.
bool ParseBody(const ApiCallPtr& call, google::protobuf::Message* message) {
  absl::Status parsed = ParseJsonBody(call->request.body, message);
  if (!parsed.ok()) call->Fail(parsed);
  return parsed.ok();
}

bool IsCitizen(const ApiCallPtr& call) {
  return call->session->user.role == Role::kCitizen;
}

void ListCaseTypes(const ApiContext& context, const ApiCallPtr& call) {
  CallUnary<v1::ListCaseTypesRequest, v1::ListCaseTypesResponse>(
      context.clients,
      [stub = context.clients->servicehall().cases.get()](auto* c, auto* q,
                                                          auto* r, auto done) {
        stub->async()->ListCaseTypes(c, q, r, std::move(done));
      },
      v1::ListCaseTypesRequest(),
      [call](absl::Status status, v1::ListCaseTypesResponse response) {
        if (!status.ok()) return call->Fail(status);
        call->Reply(response);
      });
}

void IntakeCheck(const ApiContext& context, const ApiCallPtr& call) {
  v1::IntakeCheckRequest request;
  if (!ParseBody(call, &request)) return;
  request.mutable_context()->set_on_behalf_of(OnBehalfOf(*call->session));
  CallUnary<v1::IntakeCheckRequest, v1::IntakeCheckResponse>(
      context.clients,
      [stub = context.clients->servicehall().intake.get()](auto* c, auto* q,
                                                           auto* r, auto done) {
        stub->async()->Check(c, q, r, std::move(done));
      },
      std::move(request),
      [call](absl::Status status, v1::IntakeCheckResponse response) {
        if (!status.ok()) return call->Fail(status);
        call->Reply(response);
      });
}

void SubmitCase(const ApiContext& context, const ApiCallPtr& call) {
  v1::SubmitCaseRequest request;
  if (!ParseBody(call, &request)) return;
  // The official is the signed-in one, whatever the body says.
  request.set_on_behalf_of(OnBehalfOf(*call->session));
  CallUnary<v1::SubmitCaseRequest, v1::SubmitCaseResponse>(
      context.clients,
      [stub = context.clients->servicehall().cases.get()](auto* c, auto* q,
                                                          auto* r, auto done) {
        stub->async()->Submit(c, q, r, std::move(done));
      },
      std::move(request),
      [call](absl::Status status, v1::SubmitCaseResponse response) {
        if (!status.ok()) return call->Fail(status);
        call->Reply(response);
      });
}

absl::StatusOr<v1::CaseState> CaseStateParam(const HttpRequest& request) {
  std::string text = absl::AsciiStrToUpper(request.Query("state"));
  if (text.empty()) return v1::CASE_STATE_UNSPECIFIED;
  if (text.rfind("CASE_STATE_", 0) != 0) text = "CASE_STATE_" + text;
  v1::CaseState state;
  if (!v1::CaseState_Parse(text, &state)) {
    return absl::InvalidArgumentError(
        "query parameter state: expected one of running, waiting, completed, "
        "rejected, failed, cancelled");
  }
  return state;
}

// The `party` parameter normalized (a legacy 15-digit number upgraded), ""
// when absent; INVALID_ARGUMENT naming the parameter, never echoing it.
absl::StatusOr<std::string> PartyParam(const HttpRequest& request) {
  const std::string party = request.Query("party");
  if (party.empty()) return party;
  identity::SubjectKind kind;
  absl::StatusOr<std::string> normalized =
      identity::NormalizeSubject(party, &kind);
  if (!normalized.ok()) {
    return identity::NameSubjectField(normalized.status(),
                                      "query parameter party");
  }
  return normalized;
}

void ListCases(const ApiContext& context, const ApiCallPtr& call) {
  v1::ListCasesRequest request;
  request.set_case_type(call->request.Query("case_type"));
  absl::StatusOr<v1::CaseState> state = CaseStateParam(call->request);
  if (!state.ok()) return call->Fail(state.status());
  request.set_state(*state);
  absl::StatusOr<int64_t> page_size =
      IntParam(call->request, "page_size", 0, 0, 1000);
  if (!page_size.ok()) return call->Fail(page_size.status());
  request.set_page_size(static_cast<int32_t>(*page_size));
  request.set_page_token(call->request.Query("page_token"));
  absl::StatusOr<std::string> party = PartyParam(call->request);
  if (!party.ok()) return call->Fail(party.status());
  const bool citizen = IsCitizen(call);
  if (citizen) {
    // A citizen's cases come from the exchange's party index: every one of
    // them, a page at a time, and nobody else's.
    const std::string& self = call->session->user.subject;
    if (self.empty()) {
      return call->Fail(absl::PermissionDeniedError(
          "this citizen session names no identity number"));
    }
    if (!party->empty() && *party != self) {
      return call->Fail(absl::PermissionDeniedError(
          "query parameter party: a citizen may list only their own cases"));
    }
    request.set_party_subject(self);
  } else {
    request.set_party_subject(*party);
  }
  CallUnary<v1::ListCasesRequest, v1::ListCasesResponse>(
      context.clients,
      [stub = context.clients->servicehall().cases.get()](auto* c, auto* q,
                                                          auto* r, auto done) {
        stub->async()->List(c, q, r, std::move(done));
      },
      std::move(request),
      [call, citizen](absl::Status status, v1::ListCasesResponse response) {
        if (!status.ok()) return call->Fail(status);
        if (citizen) {
          const std::string& subject = call->session->user.subject;
          v1::ListCasesResponse mine;
          for (v1::CaseRecord& record : *response.mutable_cases()) {
            if (!IsParty(record, subject)) continue;
            MaskOtherParties(subject, &record);
            *mine.add_cases() = std::move(record);
          }
          mine.set_next_page_token(response.next_page_token());
          return call->Reply(mine);
        }
        call->Reply(response);
      });
}

void GetCase(const ApiContext& context, const ApiCallPtr& call) {
  v1::GetCaseRequest request;
  request.set_case_id(call->Param("id"));
  CallUnary<v1::GetCaseRequest, v1::CaseRecord>(
      context.clients,
      [stub = context.clients->servicehall().cases.get()](auto* c, auto* q,
                                                          auto* r, auto done) {
        stub->async()->Get(c, q, r, std::move(done));
      },
      std::move(request),
      [call](absl::Status status, v1::CaseRecord record) {
        if (!status.ok()) return call->Fail(status);
        if (IsCitizen(call)) {
          const std::string& subject = call->session->user.subject;
          if (!IsParty(record, subject)) {
            return call->Fail(absl::PermissionDeniedError(
                "a citizen may read only the cases in which they are a "
                "party"));
          }
          MaskOtherParties(subject, &record);
        }
        call->Reply(record);
      });
}

void Supplement(const ApiContext& context, const ApiCallPtr& call) {
  v1::SupplementRequest request;
  if (!ParseBody(call, &request)) return;
  request.set_case_id(call->Param("id"));
  CallUnary<v1::SupplementRequest, v1::CaseRecord>(
      context.clients,
      [stub = context.clients->servicehall().cases.get()](auto* c, auto* q,
                                                          auto* r, auto done) {
        stub->async()->Supplement(c, q, r, std::move(done));
      },
      std::move(request),
      [call](absl::Status status, v1::CaseRecord record) {
        if (!status.ok()) return call->Fail(status);
        call->Reply(record);
      });
}

void Cancel(const ApiContext& context, const ApiCallPtr& call) {
  v1::CancelBody body;
  if (!ParseBody(call, &body)) return;
  v1::CancelCaseRequest request;
  request.set_case_id(call->Param("id"));
  request.set_reason(
      body.reason().empty()
          ? absl::StrCat("cancelled by ", call->session->user.username)
          : body.reason());
  CallUnary<v1::CancelCaseRequest, v1::CaseRecord>(
      context.clients,
      [stub = context.clients->servicehall().cases.get()](auto* c, auto* q,
                                                          auto* r, auto done) {
        stub->async()->Cancel(c, q, r, std::move(done));
      },
      std::move(request),
      [call](absl::Status status, v1::CaseRecord record) {
        if (!status.ok()) return call->Fail(status);
        call->Reply(record);
      });
}

}  // namespace

absl::Status AddCaseRoutes(Api* api) {
  const ApiContext& context = api->context();
  const RoleSet clerk = RoleBit(Role::kClerk);
  const RoleSet trackers =
      RoleBit(Role::kClerk) | RoleBit(Role::kOfficer) | RoleBit(Role::kCitizen);
  auto bind = [context](void (*fn)(const ApiContext&, const ApiCallPtr&)) {
    return [context, fn](const ApiCallPtr& call) { fn(context, call); };
  };
  const RouteSpec routes[] = {
      {"GET", "/api/v1/case-types", trackers, "read the case types", true,
       bind(ListCaseTypes)},
      {"POST", "/api/v1/intake/check", clerk, "use the window desk", true,
       bind(IntakeCheck)},
      {"POST", "/api/v1/cases", clerk, "submit cases", true, bind(SubmitCase)},
      {"GET", "/api/v1/cases", trackers, "use the case tracker", true,
       bind(ListCases)},
      {"GET", "/api/v1/cases/{id}", trackers, "use the case tracker", true,
       bind(GetCase)},
      {"POST", "/api/v1/cases/{id}/supplement", clerk, "supplement cases", true,
       bind(Supplement)},
      {"POST", "/api/v1/cases/{id}/cancel", clerk, "cancel cases", true,
       bind(Cancel)},
      {"GET", "/api/v1/cases/{id}/events", trackers, "use the case tracker",
       true, bind(StreamCaseEvents)},
  };
  for (const RouteSpec& route : routes) {
    if (absl::Status status = api->Add(route); !status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace datarun::gateway
