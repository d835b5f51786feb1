#include "gateway/json_codec.h"

#include "datarun/v1/case.pb.h"
#include "datarun/v1/gateway.pb.h"
#include "datarun/v1/intake.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

using ::testing::HasSubstr;

TEST(JsonCodecTest, RoundTripsWithProtoFieldNames) {
  v1::SubmitCaseRequest request;
  request.set_case_type("property_transfer");
  request.set_request_id("r-1");
  v1::CasePartyInput* party = request.add_parties();
  party->set_role("seller");
  party->set_subject("110101199003071233");
  request.add_deferred("buyer_marriage");
  absl::StatusOr<std::string> json = ToJson(request);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(*json, HasSubstr("\"case_type\":\"property_transfer\""));
  EXPECT_THAT(*json, HasSubstr("\"request_id\":\"r-1\""));
  // Defaults are printed too, so the UI never guesses.
  EXPECT_THAT(*json, HasSubstr("\"on_behalf_of\":\"\""));
  EXPECT_THAT(*json, HasSubstr("\"uploaded\":[]"));

  v1::SubmitCaseRequest parsed;
  ASSERT_TRUE(ParseJsonBody(*json, &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), request.SerializeAsString());
}

TEST(JsonCodecTest, AcceptsLowerCamelCase) {
  v1::SubmitCaseRequest parsed;
  absl::Status status = ParseJsonBody(
      R"({"caseType": "property_transfer", "requestId": "r-2",
          "onBehalfOf": "x"})",
      &parsed);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(parsed.case_type(), "property_transfer");
  EXPECT_EQ(parsed.request_id(), "r-2");
  EXPECT_EQ(parsed.on_behalf_of(), "x");
}

TEST(JsonCodecTest, EnumsAreNamesAndInt64AreStrings) {
  v1::CaseEvent event;
  event.set_sequence(12345678901234ull);
  event.set_kind(v1::CASE_EVENT_KIND_FINISHED);
  event.set_case_state(v1::CASE_STATE_COMPLETED);
  absl::StatusOr<std::string> json = ToJson(event);
  ASSERT_TRUE(json.ok());
  EXPECT_THAT(*json, HasSubstr("\"sequence\":\"12345678901234\""));
  EXPECT_THAT(*json, HasSubstr("\"kind\":\"CASE_EVENT_KIND_FINISHED\""));
  EXPECT_THAT(*json, HasSubstr("\"case_state\":\"CASE_STATE_COMPLETED\""));

  v1::CaseEvent parsed;
  ASSERT_TRUE(ParseJsonBody(*json, &parsed).ok());
  EXPECT_EQ(parsed.sequence(), 12345678901234ull);
  EXPECT_EQ(parsed.kind(), v1::CASE_EVENT_KIND_FINISHED);
}

TEST(JsonCodecTest, UnknownFieldIsAnErrorNamingIt) {
  v1::IntakeCheckRequest parsed;
  absl::Status status =
      ParseJsonBody(R"({"case_type": "x", "subjekt": "y"})", &parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("subjekt"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("request body"));
}

TEST(JsonCodecTest, MalformedJsonIsAnError) {
  v1::SignInRequest parsed;
  for (const char* body : {"{\"username\": ", "{username: 1}", "[1, 2]",
                           "\"text\"", "{\"username\": 12}"}) {
    absl::Status status = ParseJsonBody(body, &parsed);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_FALSE(status.message().empty()) << body;
  }
}

TEST(JsonCodecTest, UnknownEnumNameIsAnError) {
  v1::ListCasesRequest parsed;
  absl::Status status =
      ParseJsonBody(R"({"state": "CASE_STATE_SLEEPING"})", &parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonCodecTest, EmptyBodyIsAnEmptyMessage) {
  v1::CancelBody parsed;
  parsed.set_reason("left over");
  EXPECT_TRUE(ParseJsonBody("", &parsed).ok());
  EXPECT_TRUE(ParseJsonBody("  \n", &parsed).ok());
  EXPECT_EQ(parsed.reason(), "");
}

}  // namespace
}  // namespace datarun::gateway
