#include "gateway/json_codec.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"

namespace datarun::gateway {

absl::Status ParseJsonBody(absl::string_view json,
                           google::protobuf::Message* message) {
  message->Clear();
  absl::string_view trimmed = absl::StripAsciiWhitespace(json);
  if (trimmed.empty()) return absl::OkStatus();
  if (trimmed.front() != '{') {
    return absl::InvalidArgumentError(
        "request body: expected a JSON object ({...})");
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  google::protobuf::util::Status status =
      google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(trimmed.data(), trimmed.size()),
          message, options);
  if (!status.ok()) {
    message->Clear();
    return absl::InvalidArgumentError(
        absl::StrCat("request body: ", std::string(status.message())));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string out;
  google::protobuf::util::Status status =
      google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("response could not be encoded as JSON: ",
                     std::string(status.message())));
  }
  return out;
}

}  // namespace datarun::gateway
