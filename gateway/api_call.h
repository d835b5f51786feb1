// What a route handler gets: the request, its path parameters, the signed-in
// session (if any) and the Responder; plus the shared services every
// handler uses (ApiContext). Handlers never block: they start exchange
// calls with CallUnary and answer from the callback.
#ifndef DATARUN_GATEWAY_API_CALL_H_
#define DATARUN_GATEWAY_API_CALL_H_

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/types/optional.h"
#include "datarun/v1/gateway.pb.h"
#include "gateway/accounts.h"
#include "gateway/citizen_codes.h"
#include "gateway/exchange_clients.h"
#include "gateway/gateway_stats.h"
#include "gateway/http_types.h"
#include "gateway/session_store.h"
#include "gateway/stream_registry.h"
#include "google/protobuf/message.h"

namespace datarun::gateway {

// Shared services of the handlers; none owned, all outlive every call.
struct ApiContext {
  const v1::GatewayConfig* config = nullptr;
  ExchangeClients* clients = nullptr;
  SessionStore* sessions = nullptr;
  CitizenCodes* codes = nullptr;
  const Accounts* accounts = nullptr;
  GatewayStats* stats = nullptr;
  StreamRegistry* streams = nullptr;
  // Queues slow CPU work (password hashing) to run off the I/O threads.
  // RESOURCE_EXHAUSTED when too much is queued (the task does not run).
  std::function<absl::Status(std::function<void()>)> run_blocking;
};

struct ApiCall {
  HttpRequest request;
  // Path parameters of the route ("id" -> "c-123"), percent-decoded.
  std::map<std::string, std::string> params;
  // The session of the dr_session cookie, when valid.
  absl::optional<Session> session;
  std::shared_ptr<Responder> responder;

  // Returns the path parameter `name` ("" when absent).
  std::string Param(const std::string& name) const;

  // Sends `message` as JSON with `status`.
  void Reply(const google::protobuf::Message& message, int status = 200) const;
  // Sends the JSON error of `status` (which must not be OK).
  void Fail(const absl::Status& status) const;
};

using ApiCallPtr = std::shared_ptr<ApiCall>;
using Handler = std::function<void(const ApiCallPtr&)>;

// The exchange identity a session's calls use: the audit department for
// auditors, the service hall for everyone else.
ExchangeIdentity& IdentityFor(const ApiContext& context,
                              const Session& session);

// The on_behalf_of recorded for calls made by `session`: the official's
// username, or "citizen" for a citizen's own reads.
std::string OnBehalfOf(const Session& session);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_API_CALL_H_
