// The gateway's request dispatcher: /healthz, the static UI, and the JSON
// API routes with their access rules (docs/gateway-api.md).
//
// For an API route it resolves the session (401 when the route needs one
// and there is none), checks the CSRF header on POST and DELETE (403), the
// role (403 naming the roles allowed) and then runs the route's handler.
// Unknown routes are 404, a known path with another method 405, both as
// JSON errors.
//
// Add routes before serving; Handle is then thread-safe.
#ifndef DATARUN_GATEWAY_API_H_
#define DATARUN_GATEWAY_API_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gateway/api_call.h"
#include "gateway/roles.h"
#include "gateway/router.h"
#include "gateway/static_files.h"

namespace datarun::gateway {

struct RouteSpec {
  std::string method;
  // e.g. "/api/v1/cases/{id}"
  std::string pattern;
  // Roles allowed; 0 means no session is needed (sign-in calls).
  RoleSet roles = 0;
  // What the route does, for 403 messages: "role clerk may not <action>
  // (<roles> only)".
  std::string action;
  // Whether POST/DELETE must carry X-Datarun-CSRF (true for every route
  // that needs a session).
  bool csrf = true;
  Handler handler;
};

class Api {
 public:
  Api(ApiContext context, StaticFiles static_files);

  // Adds a route. INVALID_ARGUMENT for a malformed pattern.
  absl::Status Add(RouteSpec route);

  // Answers one request through `responder`. Must not block; runs on the
  // connection's strand.
  void Handle(HttpRequest request, std::shared_ptr<Responder> responder);

  const ApiContext& context() const { return context_; }

 private:
  void HandleApi(const ApiCallPtr& call);

  ApiContext context_;
  StaticFiles static_files_;
  Router router_;
  std::vector<RouteSpec> routes_;
};

// The CSRF header name.
inline constexpr char kCsrfHeader[] = "x-datarun-csrf";
// The session cookie name.
inline constexpr char kSessionCookie[] = "dr_session";

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_API_H_
