// How errors look on the HTTP API: the gRPC / absl status code mapped to an
// HTTP status, and a JSON body naming both
//   {"error": {"code": "PERMISSION_DENIED", "grpc_code": 7,
//              "http_status": 403, "message": "..."}}
// The table is the one in docs/gateway-api.md. Pure functions; thread-safe.
#ifndef DATARUN_GATEWAY_ERROR_MAPPING_H_
#define DATARUN_GATEWAY_ERROR_MAPPING_H_

#include <string>

#include "absl/status/status.h"
#include "gateway/http_types.h"

namespace datarun::gateway {

// Returns the HTTP status for `code`: OK 200; INVALID_ARGUMENT,
// FAILED_PRECONDITION, OUT_OF_RANGE 400; UNAUTHENTICATED 401;
// PERMISSION_DENIED 403; NOT_FOUND 404; ALREADY_EXISTS, ABORTED 409;
// RESOURCE_EXHAUSTED 429; CANCELLED 499; UNIMPLEMENTED 501; UNAVAILABLE
// 503; DEADLINE_EXCEEDED 504; everything else 500.
int HttpStatusForCode(absl::StatusCode code);

// Returns the JSON error body for `status` (which must not be OK) answered
// with `http_status`.
std::string ErrorJson(const absl::Status& status, int http_status);

// Returns the complete error response for `status`, with the HTTP status
// of HttpStatusForCode unless `http_status` (> 0) overrides it (405 for a
// wrong method, 413 for an oversize body, 431 for oversize headers).
HttpResponse ErrorResponse(const absl::Status& status, int http_status = 0);

// The reason phrase of an HTTP status ("Not Found"), "" when unknown.
const char* HttpReason(int http_status);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_ERROR_MAPPING_H_
