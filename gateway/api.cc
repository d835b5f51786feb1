#include "gateway/api.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/error_mapping.h"

namespace datarun::gateway {

namespace {

// Answers 405 with `why` and the methods the path accepts ("GET", "GET,
// POST") in the Allow header.
void SendMethodNotAllowed(Responder& responder, const absl::Status& why,
                          const std::string& allowed) {
  HttpResponse wrong = ErrorResponse(why, 405);
  wrong.headers.emplace_back("Allow", allowed);
  responder.Send(std::move(wrong));
}

// The refusal of a method other than GET on a page or /healthz.
absl::Status OnlyGet() {
  return absl::UnimplementedError("method not allowed here (allowed: GET)");
}

}  // namespace

Api::Api(ApiContext context, StaticFiles static_files)
    : context_(std::move(context)), static_files_(std::move(static_files)) {}

absl::Status Api::Add(RouteSpec route) {
  absl::StatusOr<int> index = router_.Add(route.method, route.pattern);
  if (!index.ok()) return index.status();
  routes_.push_back(std::move(route));
  return absl::OkStatus();
}

void Api::Handle(HttpRequest request, std::shared_ptr<Responder> responder) {
  auto call = std::make_shared<ApiCall>();
  call->responder = std::move(responder);
  size_t q = request.target.find('?');
  if (q != std::string::npos) {
    absl::StatusOr<std::map<std::string, std::string>> query =
        ParseQuery(absl::string_view(request.target).substr(q + 1));
    if (!query.ok()) {
      call->Fail(query.status());
      return;
    }
    request.query = *std::move(query);
  }
  call->request = std::move(request);
  const HttpRequest& req = call->request;

  if (req.path == "/healthz") {
    call->responder->SetLogFields("/healthz", "", "");
    if (req.method != "GET") {
      SendMethodNotAllowed(*call->responder, OnlyGet(), "GET");
      return;
    }
    HttpResponse ok;
    ok.content_type = "text/plain; charset=utf-8";
    ok.body = "ok\n";
    ok.headers.emplace_back("Cache-Control", "no-store");
    call->responder->Send(std::move(ok));
    return;
  }
  if (absl::StartsWith(req.path, "/api/")) {
    HandleApi(call);
    return;
  }
  if (StaticFiles::Handles(req.path)) {
    call->responder->SetLogFields("static", "", "");
    if (req.method != "GET") {
      SendMethodNotAllowed(*call->responder, OnlyGet(), "GET");
      return;
    }
    absl::StatusOr<HttpResponse> page = static_files_.Get(req.path);
    if (!page.ok()) {
      // A refused path is answered like a missing one.
      call->Fail(absl::NotFoundError("no such page"));
      return;
    }
    call->responder->Send(*std::move(page));
    return;
  }
  call->Fail(absl::NotFoundError("no such page or API route"));
}

void Api::HandleApi(const ApiCallPtr& call) {
  const HttpRequest& req = call->request;
  std::string allowed;
  absl::StatusOr<RouteMatch> match =
      router_.Match(req.method, req.path, &allowed);
  if (!match.ok()) {
    if (absl::IsUnimplemented(match.status())) {
      SendMethodNotAllowed(*call->responder, match.status(), allowed);
    } else {
      call->Fail(match.status());
    }
    return;
  }
  const RouteSpec& route = routes_[match->route];
  call->params = std::move(match->params);
  call->session = context_.sessions->Touch(req.Cookie(kSessionCookie));
  if (call->session.has_value()) {
    call->responder->SetLogFields(
        route.pattern, std::string(RoleName(call->session->user.role)),
        call->session->user.username);
  } else {
    call->responder->SetLogFields(route.pattern, "", "");
  }

  if (route.roles != 0) {
    if (!call->session.has_value()) {
      call->Fail(absl::UnauthenticatedError(
          "not signed in, or the session expired: sign in first"));
      return;
    }
    const bool state_changing = req.method == "POST" || req.method == "DELETE";
    if (route.csrf && state_changing &&
        !ConstantTimeEquals(req.Header(kCsrfHeader),
                            call->session->csrf_token)) {
      call->Fail(absl::PermissionDeniedError(
          "missing or wrong X-Datarun-CSRF header (send the csrf_token of "
          "the sign-in answer)"));
      return;
    }
    const Role role = call->session->user.role;
    if ((route.roles & RoleBit(role)) == 0) {
      call->Fail(absl::PermissionDeniedError(
          absl::StrCat("role ", RoleName(role), " may not ", route.action, " (",
                       RoleList(route.roles), " only)")));
      return;
    }
  }
  route.handler(call);
}

}  // namespace datarun::gateway
