// Sign-in and sign-out of officials (password) and citizens (one-time code).
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "exchange/identity/subject_id.h"
#include "gateway/handlers.h"
#include "gateway/json_codec.h"

namespace datarun::gateway {
namespace {

std::string SessionCookie(const std::string& id) {
  return absl::StrCat(kSessionCookie, "=", id,
                      "; HttpOnly; Secure; SameSite=Strict; Path=/");
}

std::string ClearedCookie() {
  return absl::StrCat(
      kSessionCookie,
      "=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0");
}

v1::SessionResponse ToProto(const Session& session) {
  v1::SessionResponse out;
  out.mutable_user()->set_username(session.user.username);
  out.mutable_user()->set_display_name(session.user.display_name);
  out.mutable_user()->set_role(std::string(RoleName(session.user.role)));
  out.mutable_user()->set_department(session.user.department);
  out.set_csrf_token(session.csrf_token);
  return out;
}

// Answers a fresh session with its cookie.
void ReplySignedIn(const ApiCallPtr& call, const Session& session) {
  absl::StatusOr<std::string> json = ToJson(ToProto(session));
  if (!json.ok()) {
    call->Fail(json.status());
    return;
  }
  HttpResponse response;
  response.body = *std::move(json);
  response.headers.emplace_back("Set-Cookie", SessionCookie(session.id));
  call->responder->Send(std::move(response));
}

void SignIn(const ApiContext& context, const ApiCallPtr& call) {
  v1::SignInRequest request;
  if (absl::Status parsed = ParseJsonBody(call->request.body, &request);
      !parsed.ok()) {
    call->Fail(parsed);
    return;
  }
  if (request.username().empty() || request.password().empty()) {
    call->Fail(
        absl::InvalidArgumentError("username and password are both required"));
    return;
  }
  // scrypt takes tens of milliseconds: not on an I/O thread.
  absl::Status queued =
      context.run_blocking([context, call, request = std::move(request)]() {
        absl::StatusOr<Account> account = context.accounts->Authenticate(
            request.username(), request.password());
        if (!account.ok()) {
          // The username is not logged: people type identity numbers there.
          LogLine("sign_in", LogLevel::kWarning)
              .Str("outcome", "refused")
              .Str("remote", call->request.remote);
          call->Fail(account.status());
          return;
        }
        SessionUser user;
        user.username = account->username;
        user.display_name = account->display_name;
        user.role = account->role;
        user.department = account->department;
        Session session = context.sessions->Create(std::move(user));
        LogLine("sign_in")
            .Str("outcome", "ok")
            .Str("user", session.user.username)
            .Str("role", RoleName(session.user.role));
        call->responder->SetLogFields("/api/v1/session",
                                      std::string(RoleName(session.user.role)),
                                      session.user.username);
        ReplySignedIn(call, session);
      });
  if (!queued.ok()) call->Fail(queued);
}

void CurrentSession(const ApiCallPtr& call) {
  call->Reply(ToProto(*call->session));
}

void SignOut(const ApiContext& context, const ApiCallPtr& call) {
  if (call->session.has_value()) {
    if (!ConstantTimeEquals(call->request.Header(kCsrfHeader),
                            call->session->csrf_token)) {
      call->Fail(absl::PermissionDeniedError(
          "missing or wrong X-Datarun-CSRF header (send the csrf_token of "
          "the sign-in answer)"));
      return;
    }
    context.sessions->Remove(call->session->id);
  }
  HttpResponse response;
  response.status = 204;
  response.headers.emplace_back("Set-Cookie", ClearedCookie());
  call->responder->Send(std::move(response));
}

// Parses a citizen request body and its `subject` (legacy numbers
// upgraded). On a bad body or number, fails `call` and returns nullopt.
template <typename Request>
std::optional<std::string> ParseCitizenRequest(const ApiCallPtr& call,
                                               Request* request) {
  if (absl::Status parsed = ParseJsonBody(call->request.body, request);
      !parsed.ok()) {
    call->Fail(parsed);
    return std::nullopt;
  }
  identity::SubjectKind kind;
  absl::StatusOr<std::string> subject =
      identity::NormalizeSubject(request->subject(), &kind);
  if (!subject.ok()) {
    call->Fail(subject.status());
    return std::nullopt;
  }
  return *std::move(subject);
}

void CitizenCode(const ApiContext& context, const ApiCallPtr& call) {
  v1::CitizenCodeRequest request;
  std::optional<std::string> subject = ParseCitizenRequest(call, &request);
  if (!subject.has_value()) return;
  absl::StatusOr<std::string> code = context.codes->Issue(*subject);
  if (!code.ok()) {
    call->Fail(code.status());
    return;
  }
  const int seconds =
      static_cast<int>(absl::ToInt64Seconds(context.codes->lifetime()));
  // The demo's stand-in for a text message: the code goes to the log, with
  // the identity number masked.
  LogLine("citizen_code")
      .Str("subject", identity::MaskSubject(*subject))
      .Str("code", *code)
      .Int("expires_in_seconds", seconds);
  v1::CitizenCodeResponse response;
  response.set_expires_in_seconds(seconds);
  call->Reply(response, 202);
}

void CitizenSignIn(const ApiContext& context, const ApiCallPtr& call) {
  v1::CitizenSignInRequest request;
  std::optional<std::string> subject = ParseCitizenRequest(call, &request);
  if (!subject.has_value()) return;
  absl::Status redeemed = context.codes->Redeem(*subject, request.code());
  if (!redeemed.ok()) {
    LogLine("citizen_sign_in", LogLevel::kWarning)
        .Str("subject", identity::MaskSubject(*subject))
        .Str("outcome", "refused");
    call->Fail(redeemed);
    return;
  }
  SessionUser user;
  user.username = identity::MaskSubject(*subject);
  user.display_name = user.username;
  user.role = Role::kCitizen;
  user.subject = *subject;
  Session session = context.sessions->Create(std::move(user));
  LogLine("citizen_sign_in")
      .Str("subject", session.user.username)
      .Str("outcome", "ok");
  call->responder->SetLogFields("/api/v1/citizen/session", "citizen",
                                session.user.username);
  ReplySignedIn(call, session);
}

}  // namespace

absl::Status AddSessionRoutes(Api* api) {
  const ApiContext& context = api->context();
  const RoleSet everyone = kOfficials | RoleBit(Role::kCitizen);
  absl::Status status =
      api->Add({"POST", "/api/v1/session", 0, "sign in", false,
                [context](const ApiCallPtr& call) { SignIn(context, call); }});
  if (status.ok()) {
    status = api->Add({"GET", "/api/v1/session", everyone, "read the session",
                       true, CurrentSession});
  }
  if (status.ok()) {
    // No session is fine (already signed out); with one, CSRF is checked.
    status = api->Add(
        {"DELETE", "/api/v1/session", 0, "sign out", false,
         [context](const ApiCallPtr& call) { SignOut(context, call); }});
  }
  if (status.ok()) {
    status = api->Add(
        {"POST", "/api/v1/citizen/code", 0, "ask for a code", false,
         [context](const ApiCallPtr& call) { CitizenCode(context, call); }});
  }
  if (status.ok()) {
    status = api->Add(
        {"POST", "/api/v1/citizen/session", 0, "sign in", false,
         [context](const ApiCallPtr& call) { CitizenSignIn(context, call); }});
  }
  return status;
}

}  // namespace datarun::gateway
