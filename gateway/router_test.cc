#include "gateway/router.h"

#include "gateway/http_types.h"
#include "gateway/query_params.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [method, pattern] :
         std::vector<std::pair<const char*, const char*>>{
             {"GET", "/api/v1/cases"},
             {"POST", "/api/v1/cases"},
             {"GET", "/api/v1/cases/{id}"},
             {"GET", "/api/v1/cases/{id}/events"},
             {"POST", "/api/v1/cases/{id}/cancel"}}) {
      ASSERT_TRUE(router_.Add(method, pattern).ok()) << pattern;
    }
  }
  Router router_;
};

TEST_F(RouterTest, MatchesWithPathParameters) {
  auto match = router_.Match("GET", "/api/v1/cases/case-42/events");
  ASSERT_TRUE(match.ok()) << match.status();
  EXPECT_EQ(match->route, 3);
  EXPECT_EQ(match->pattern, "/api/v1/cases/{id}/events");
  EXPECT_THAT(match->params, ElementsAre(Pair("id", "case-42")));

  match = router_.Match("POST", "/api/v1/cases/");
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(match->route, 1);
  EXPECT_TRUE(match->params.empty());
}

TEST_F(RouterTest, ParametersArePercentDecoded) {
  auto match = router_.Match("GET", "/api/v1/cases/a%2Fb%20c");
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(match->params.at("id"), "a/b c");
}

TEST_F(RouterTest, UnknownRouteIsNotFound) {
  EXPECT_EQ(router_.Match("GET", "/api/v1/nothing").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(router_.Match("GET", "/api/v1/cases/x/y").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(router_.Match("GET", "/api/v1/cases/x/events/more").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RouterTest, WrongMethodNamesTheAllowedOnes) {
  std::string allowed;
  auto match = router_.Match("DELETE", "/api/v1/cases", &allowed);
  EXPECT_EQ(match.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(allowed, "GET, POST");
  EXPECT_THAT(std::string(match.status().message()), HasSubstr("DELETE"));
  match = router_.Match("GET", "/api/v1/cases/x/cancel", &allowed);
  EXPECT_EQ(match.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(allowed, "POST");
}

TEST_F(RouterTest, MalformedEscapesAndNulAreRefused) {
  EXPECT_EQ(router_.Match("GET", "/api/v1/cases/%zz").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(router_.Match("GET", "/api/v1/cases/%4").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(router_.Match("GET", "/api/v1/cases/a%00b").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RouterTest, MalformedPatternsAreRefused) {
  Router router;
  EXPECT_FALSE(router.Add("GET", "api/v1").ok());
  EXPECT_FALSE(router.Add("GET", "/api/{id").ok());
  EXPECT_FALSE(router.Add("GET", "/api/x{id}").ok());
}

TEST(QueryTest, ParsesAndDecodes) {
  auto query = ParseQuery("a=1&b=x%20y+z&c=&d&a=2");
  ASSERT_TRUE(query.ok());
  EXPECT_THAT(*query, ElementsAre(Pair("a", "2"), Pair("b", "x y z"),
                                  Pair("c", ""), Pair("d", "")));
  EXPECT_FALSE(ParseQuery("a=%g1").ok());
}

TEST(QueryTest, TypedParameters) {
  HttpRequest request;
  request.query = {{"n", "42"},          {"bad", "4x"},
                   {"big", "5000"},      {"t1", "2026-11-27T10:00:00Z"},
                   {"t2", "2026-11-27"}, {"t3", "1795794503079867"},
                   {"t4", "yesterday"}};
  EXPECT_EQ(*IntParam(request, "n", 7, 0, 100), 42);
  EXPECT_EQ(*IntParam(request, "missing", 7, 0, 100), 7);
  EXPECT_THAT(
      std::string(IntParam(request, "bad", 7, 0, 100).status().message()),
      HasSubstr("query parameter bad"));
  EXPECT_FALSE(IntParam(request, "big", 7, 0, 100).ok());
  EXPECT_EQ(*TimeParamMicros(request, "t1"), 1795773600000000);
  // Midnight in China Standard Time is 16:00 UTC the day before.
  EXPECT_EQ(*TimeParamMicros(request, "t2"), 1795708800000000);
  EXPECT_EQ(*TimeParamMicros(request, "t3"), 1795794503079867);
  EXPECT_EQ(*TimeParamMicros(request, "missing"), 0);
  EXPECT_THAT(std::string(TimeParamMicros(request, "t4").status().message()),
              HasSubstr("query parameter t4"));
}

TEST(HttpRequestTest, CookiesAndHeaders) {
  HttpRequest request;
  request.headers["cookie"] = "a=1; dr_session=abc-_; other=x=y";
  EXPECT_EQ(request.Cookie("dr_session"), "abc-_");
  EXPECT_EQ(request.Cookie("other"), "x=y");
  EXPECT_EQ(request.Cookie("none"), "");
  EXPECT_EQ(request.Header("x-missing"), "");
}

}  // namespace
}  // namespace datarun::gateway
