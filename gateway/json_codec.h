// Request and response bodies in protobuf's JSON mapping: proto field names
// preserved (snake_case) on output, both snake_case and lowerCamelCase
// accepted on input, enums by name, int64 as strings, bytes as base64,
// Timestamps as RFC 3339. Pure functions; thread-safe.
#ifndef DATARUN_GATEWAY_JSON_CODEC_H_
#define DATARUN_GATEWAY_JSON_CODEC_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace datarun::gateway {

// Parses the request body `json` into `message` (cleared first). An empty
// or all-whitespace body counts as "{}".
// Errors: INVALID_ARGUMENT "request body: <parser message>" for malformed
// JSON, an unknown field (named), a value of the wrong type or an unknown
// enum name.
absl::Status ParseJsonBody(absl::string_view json,
                           google::protobuf::Message* message);

// Returns `message` as compact one-line JSON with proto field names and
// every primitive field printed (defaults included, so the UI never has to
// guess a missing field). INTERNAL when protobuf's encoder fails.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_JSON_CODEC_H_
