#include "gateway/error_mapping.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

TEST(ErrorMappingTest, TableFollowsTheContract) {
  const std::pair<absl::StatusCode, int> table[] = {
      {absl::StatusCode::kOk, 200},
      {absl::StatusCode::kInvalidArgument, 400},
      {absl::StatusCode::kFailedPrecondition, 400},
      {absl::StatusCode::kOutOfRange, 400},
      {absl::StatusCode::kUnauthenticated, 401},
      {absl::StatusCode::kPermissionDenied, 403},
      {absl::StatusCode::kNotFound, 404},
      {absl::StatusCode::kAlreadyExists, 409},
      {absl::StatusCode::kAborted, 409},
      {absl::StatusCode::kResourceExhausted, 429},
      {absl::StatusCode::kCancelled, 499},
      {absl::StatusCode::kUnimplemented, 501},
      {absl::StatusCode::kUnavailable, 503},
      {absl::StatusCode::kDeadlineExceeded, 504},
      {absl::StatusCode::kInternal, 500},
      {absl::StatusCode::kUnknown, 500},
      {absl::StatusCode::kDataLoss, 500},
  };
  for (const auto& [code, http] : table) {
    EXPECT_EQ(HttpStatusForCode(code), http) << absl::StatusCodeToString(code);
  }
}

TEST(ErrorMappingTest, BodyNamesCodesAndMessage) {
  HttpResponse response = ErrorResponse(
      absl::PermissionDeniedError("role clerk may not \"x\" (auditor only)"));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body,
            "{\"error\":{\"code\":\"PERMISSION_DENIED\",\"grpc_code\":7,"
            "\"http_status\":403,\"message\":\"role clerk may not \\\"x\\\" "
            "(auditor only)\"}}");
}

TEST(ErrorMappingTest, OverrideKeepsTheCode) {
  HttpResponse response =
      ErrorResponse(absl::ResourceExhaustedError("too big"), 413);
  EXPECT_EQ(response.status, 413);
  EXPECT_THAT(response.body,
              ::testing::HasSubstr("\"code\":\"RESOURCE_EXHAUSTED\""));
  EXPECT_THAT(response.body, ::testing::HasSubstr("\"http_status\":413"));
  EXPECT_STREQ(HttpReason(413), "Payload Too Large");
  EXPECT_STREQ(HttpReason(299), "");
}

}  // namespace
}  // namespace datarun::gateway
