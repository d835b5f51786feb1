#include "gateway/api.h"

#include <memory>
#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;

// Records what a handler answered.
class FakeResponder : public Responder {
 public:
  void Send(HttpResponse response) override { sent = std::move(response); }
  void StartStream(HttpResponse head, std::string) override {
    sent = std::move(head);
  }
  void StreamWrite(std::string, std::function<void()> written) override {
    if (written) written();
  }
  void EndStream() override {}
  void OnClose(std::function<void()>) override {}
  void SetLogFields(std::string r, std::string role,
                    std::string user) override {
    route = std::move(r);
    log_role = std::move(role);
    log_user = std::move(user);
  }

  HttpResponse sent;
  std::string route, log_role, log_user;
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ApiContext context;
    context.sessions = &sessions_;
    api_ = std::make_unique<Api>(context, StaticFiles(""));
    auto ok = [this](const ApiCallPtr& call) {
      ++handled_;
      last_params_ = call->params;
      HttpResponse response;
      response.body = "{}";
      call->responder->Send(std::move(response));
    };
    ASSERT_TRUE(api_->Add({"GET", "/api/v1/things/{id}",
                           RoleBit(Role::kClerk) | RoleBit(Role::kOfficer),
                           "read things", true, ok})
                    .ok());
    ASSERT_TRUE(api_->Add({"POST", "/api/v1/things", RoleBit(Role::kClerk),
                           "make things", true, ok})
                    .ok());
    ASSERT_TRUE(
        api_->Add({"POST", "/api/v1/open", 0, "knock", false, ok}).ok());
  }

  FakeResponder Run(const std::string& method, const std::string& target,
                    const std::string& cookie = "",
                    const std::string& csrf = "") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.path = target.substr(0, target.find('?'));
    if (!cookie.empty()) request.headers["cookie"] = "dr_session=" + cookie;
    if (!csrf.empty()) request.headers["x-datarun-csrf"] = csrf;
    auto responder = std::make_shared<FakeResponder>();
    api_->Handle(std::move(request), responder);
    return *responder;
  }

  Session SignIn(Role role) {
    SessionUser user;
    user.username = "someone";
    user.role = role;
    return sessions_.Create(user);
  }

  SessionStore sessions_{absl::Minutes(30)};
  std::unique_ptr<Api> api_;
  int handled_ = 0;
  std::map<std::string, std::string> last_params_;
};

TEST_F(ApiTest, NoSessionIs401) {
  FakeResponder r = Run("GET", "/api/v1/things/1");
  EXPECT_EQ(r.sent.status, 401);
  EXPECT_THAT(r.sent.body, HasSubstr("UNAUTHENTICATED"));
  EXPECT_EQ(Run("GET", "/api/v1/things/1", "forged-session-id").sent.status,
            401);
  EXPECT_EQ(handled_, 0);
}

TEST_F(ApiTest, RoleIsCheckedAndNamed) {
  Session auditor = SignIn(Role::kAuditor);
  FakeResponder r = Run("GET", "/api/v1/things/1", auditor.id);
  EXPECT_EQ(r.sent.status, 403);
  EXPECT_THAT(r.sent.body,
              HasSubstr("role auditor may not read things (clerk, officer "
                        "only)"));
  EXPECT_EQ(handled_, 0);
  Session officer = SignIn(Role::kOfficer);
  r = Run("GET", "/api/v1/things/a%20b", officer.id);
  EXPECT_EQ(r.sent.status, 200);
  EXPECT_EQ(last_params_.at("id"), "a b");
  EXPECT_EQ(r.route, "/api/v1/things/{id}");  // the pattern, never the path
  EXPECT_EQ(r.log_role, "officer");
}

TEST_F(ApiTest, StateChangesNeedTheCsrfToken) {
  Session clerk = SignIn(Role::kClerk);
  EXPECT_EQ(Run("POST", "/api/v1/things", clerk.id).sent.status, 403);
  EXPECT_EQ(Run("POST", "/api/v1/things", clerk.id, "wrong").sent.status, 403);
  Session other = SignIn(Role::kClerk);
  EXPECT_EQ(
      Run("POST", "/api/v1/things", clerk.id, other.csrf_token).sent.status,
      403);
  EXPECT_EQ(handled_, 0);
  EXPECT_EQ(
      Run("POST", "/api/v1/things", clerk.id, clerk.csrf_token).sent.status,
      200);
  // Routes without a session need no token.
  EXPECT_EQ(Run("POST", "/api/v1/open").sent.status, 200);
}

TEST_F(ApiTest, UnknownRoutesAndMethods) {
  FakeResponder r = Run("GET", "/api/v1/nothing");
  EXPECT_EQ(r.sent.status, 404);
  EXPECT_THAT(r.sent.body, HasSubstr("\"code\":\"NOT_FOUND\""));
  r = Run("DELETE", "/api/v1/things");
  EXPECT_EQ(r.sent.status, 405);
  EXPECT_THAT(r.sent.headers, Contains(Pair("Allow", "POST")));
  EXPECT_THAT(r.sent.body, HasSubstr("\"code\":\"UNIMPLEMENTED\""));
  EXPECT_EQ(Run("GET", "/elsewhere").sent.status, 404);
  EXPECT_EQ(Run("GET", "/api/v1/things/1?x=%zz").sent.status, 400);
  EXPECT_EQ(handled_, 0);
}

TEST_F(ApiTest, HealthzAndPages) {
  FakeResponder r = Run("GET", "/healthz");
  EXPECT_EQ(r.sent.status, 200);
  EXPECT_EQ(r.sent.body, "ok\n");
  EXPECT_EQ(Run("POST", "/healthz").sent.status, 405);
  EXPECT_EQ(Run("GET", "/").sent.status, 404);  // no web_root here
  EXPECT_EQ(Run("POST", "/ui/app.js").sent.status, 405);
}

}  // namespace
}  // namespace datarun::gateway
