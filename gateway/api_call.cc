#include "gateway/api_call.h"

#include "gateway/error_mapping.h"
#include "gateway/json_codec.h"

namespace datarun::gateway {

std::string ApiCall::Param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

void ApiCall::Reply(const google::protobuf::Message& message,
                    int status) const {
  absl::StatusOr<std::string> json = ToJson(message);
  if (!json.ok()) {
    Fail(json.status());
    return;
  }
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = *std::move(json);
  responder->Send(std::move(response));
}

void ApiCall::Fail(const absl::Status& status) const {
  responder->Send(ErrorResponse(status));
}

ExchangeIdentity& IdentityFor(const ApiContext& context,
                              const Session& session) {
  return session.user.role == Role::kAuditor ? context.clients->auditor()
                                             : context.clients->servicehall();
}

std::string OnBehalfOf(const Session& session) {
  if (session.user.role == Role::kCitizen) return "citizen";
  return session.user.username;
}

}  // namespace datarun::gateway
