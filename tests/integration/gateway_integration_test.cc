// The gateway end to end: the real stack (exchange, four adapters, the
// gateway) and a real HTTPS client. Officials sign in and the roles are
// enforced; a clerk checks the materials, submits a property transfer and
// reads its server-sent events to the end; the buyer signs in with a
// one-time code and sees verified accesses; the auditor searches, lists
// checkpoints, checks consistency and exports. Bad requests are clear JSON
// errors and write nothing; the gateway's log holds no raw identity number.
#include <signal.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/file_util.h"
#include "datarun/v1/audit_service.grpc.pb.h"
#include "datarun/v1/case.grpc.pb.h"
#include "datarun/v1/gateway.pb.h"
#include "datarun/v1/intake.pb.h"
#include "gateway/json_codec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/gateway_test_client.h"
#include "tests/integration/stack_fixture.h"
#include "tools/local_stack/gateway_setup.h"

namespace datarun::testing {
namespace {

using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class GatewayIntegrationTest : public StackFixture {
 protected:
  void Customize(local::LocalStack::Options& options) override {
    options.start_gateway = true;
    options.web_root = DATARUN_SOURCE_DIR "/gateway/web";
    options.adapter_review_delay_ms = 300;
  }

  void SetUp() override {
    StackFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_FALSE(stack().gateway_url().empty());
    const std::string url = stack().gateway_url();
    port_ = std::stoi(url.substr(url.rfind(':') + 1));
    auto accounts = local::ReadDevAccounts(stack().dev_accounts_path());
    ASSERT_TRUE(accounts.ok()) << accounts.status();
    for (const local::DevAccount& account : *accounts) {
      passwords_[account.username] = account.password;
    }
    ASSERT_EQ(passwords_.size(), 4u);
  }

  std::unique_ptr<GatewayTestClient> Client() {
    return std::make_unique<GatewayTestClient>(port_,
                                               stack().pki_dir() + "/ca.pem");
  }

  // A client signed in as `username`.
  std::unique_ptr<GatewayTestClient> SignedIn(const std::string& username) {
    auto client = Client();
    HttpResult result = client->SignIn(username, passwords_[username]);
    EXPECT_EQ(result.status, 200)
        << username << ": " << result.body << result.error;
    return client;
  }

  // Parses a JSON answer into `message`.
  template <typename Message>
  Message Parse(const HttpResult& result) {
    Message message;
    absl::Status parsed = gateway::ParseJsonBody(result.body, &message);
    EXPECT_TRUE(parsed.ok()) << parsed << "\n" << result.body;
    return message;
  }

  // Cases the service hall has submitted (straight from the exchange).
  int CaseCount() {
    auto stub = v1::Case::NewStub(ChannelAs("servicehall"));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::ListCasesRequest request;
    request.set_page_size(1000);
    v1::ListCasesResponse response;
    grpc::Status status = stub->List(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.cases_size();
  }

  // Entries in the audit log right now (publishes a checkpoint as the
  // audit reader).
  uint64_t AuditSize() {
    auto stub = v1::Audit::NewStub(ChannelAs("audit"));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::GetCheckpointRequest request;
    request.set_publish(true);
    v1::GetCheckpointResponse response;
    grpc::Status status = stub->GetCheckpoint(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.checkpoint().tree_size();
  }

  std::string GatewayLog() {
    auto log = ReadFile(state_dir() + "/logs/gateway.log");
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *log : "";
  }

  // The last one-time code the gateway logged.
  std::string LastCitizenCode() {
    std::string code;
    for (absl::string_view line : absl::StrSplit(GatewayLog(), '\n')) {
      if (!absl::StrContains(line, "\"event\":\"citizen_code\"")) continue;
      size_t at = line.find("\"code\":\"");
      if (at != absl::string_view::npos)
        code = std::string(line.substr(at + 8, 6));
    }
    return code;
  }

  std::string TransferBody(const std::string& request_id) {
    return absl::StrCat(
        R"({"case_type":"property_transfer","request_id":")", request_id,
        R"(","on_behalf_of":"someone-else","parties":[{"role":"seller","subject":")",
        Subject("seller_id"), R"("},{"role":"buyer","subject":")",
        Subject("buyer_id"),
        R"("}],"uploaded":[{"material":"seller_application","reference":"E-1"},)",
        R"({"material":"buyer_application","reference":"E-2"}]})");
  }

  // A property transfer from `seller` to `buyer`, submitted by the clerk;
  // returns the case id.
  std::string SubmitTransfer(GatewayTestClient& clerk,
                             const std::string& request_id,
                             const std::string& seller,
                             const std::string& buyer) {
    HttpResult submitted = clerk.Post(
        "/api/v1/cases",
        absl::StrCat(R"({"case_type":"property_transfer","request_id":")",
                     request_id, R"(","parties":[{"role":"seller","subject":")",
                     seller, R"("},{"role":"buyer","subject":")", buyer,
                     R"("}],"uploaded":[{"material":"seller_application",)",
                     R"("reference":"E-1"},{"material":"buyer_application",)",
                     R"("reference":"E-2"}]})"));
    EXPECT_EQ(submitted.status, 200) << submitted.body;
    return Parse<v1::SubmitCaseResponse>(submitted).case_().case_id();
  }

  // A client signed in as the citizen `subject` with a one-time code.
  std::unique_ptr<GatewayTestClient> SignedInCitizen(
      const std::string& subject) {
    auto citizen = Client();
    HttpResult asked =
        citizen->Post("/api/v1/citizen/code",
                      absl::StrCat(R"({"subject":")", subject, R"("})"));
    EXPECT_EQ(asked.status, 202) << asked.body;
    HttpResult signed_in =
        citizen->Post("/api/v1/citizen/session",
                      absl::StrCat(R"({"subject":")", subject, R"(","code":")",
                                   LastCitizenCode(), R"("})"));
    EXPECT_EQ(signed_in.status, 200) << signed_in.body;
    citizen->Remember(signed_in);
    return citizen;
  }

  // The case ids of a case list answer.
  std::vector<std::string> CaseIds(const HttpResult& result) {
    EXPECT_EQ(result.status, 200) << result.body;
    std::vector<std::string> ids;
    const v1::ListCasesResponse listed = Parse<v1::ListCasesResponse>(result);
    for (const v1::CaseRecord& c : listed.cases()) {
      ids.push_back(c.case_id());
    }
    return ids;
  }

  int port_ = 0;
  std::map<std::string, std::string> passwords_;
};

// The error code name in a JSON error body.
std::string ErrorCode(const HttpResult& result) {
  size_t at = result.body.find("\"code\":\"");
  if (at == std::string::npos) return "";
  return result.body.substr(at + 8, result.body.find('"', at + 8) - at - 8);
}

TEST_F(GatewayIntegrationTest, EachRoleSignsInAndSeesOnlyItsPages) {
  auto anonymous = Client();
  EXPECT_EQ(anonymous->Get("/healthz").body, "ok\n");
  HttpResult wrong = anonymous->SignIn("window1", "not-the-password");
  EXPECT_EQ(wrong.status, 401);
  HttpResult unknown = anonymous->SignIn("nobody", "not-the-password");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_THAT(wrong.body, Not(HasSubstr("csrf_token")));
  EXPECT_EQ(wrong.Header("set-cookie"), "");
  EXPECT_THAT(wrong.body, HasSubstr("wrong username or password"));
  EXPECT_EQ(wrong.body, unknown.body);

  const std::map<std::string, std::string> roles = {{"window1", "clerk"},
                                                    {"tax1", "officer"},
                                                    {"auditor1", "auditor"},
                                                    {"admin1", "admin"}};
  for (const auto& [username, role] : roles) {
    auto client = SignedIn(username);
    HttpResult session = client->Get("/api/v1/session");
    ASSERT_EQ(session.status, 200) << session.body;
    v1::SessionResponse parsed = Parse<v1::SessionResponse>(session);
    EXPECT_EQ(parsed.user().role(), role);
    EXPECT_EQ(parsed.csrf_token(), client->csrf());
    EXPECT_EQ(session.Header("cache-control"), "no-store");
    // Every official reads the catalog.
    HttpResult catalog = client->Get("/api/v1/catalog");
    EXPECT_EQ(catalog.status, 200) << username << catalog.body;
    EXPECT_GT(Parse<v1::ListDatasetsResponse>(catalog).datasets_size(), 5);
  }
  EXPECT_EQ(SignedIn("tax1")
                    ->Get("/api/v1/session")
                    .body.find("\"department\":\"tax\"") != std::string::npos,
            true);

  // Separation of duties and roles.
  auto clerk = SignedIn("window1");
  HttpResult clerk_audit = clerk->Get("/api/v1/audit/entries");
  EXPECT_EQ(clerk_audit.status, 403);
  EXPECT_THAT(clerk_audit.body,
              HasSubstr("role clerk may not use the audit console (auditor "
                        "only)"));
  auto admin = SignedIn("admin1");
  HttpResult admin_audit = admin->Get("/api/v1/audit/checkpoints");
  EXPECT_EQ(admin_audit.status, 403);
  EXPECT_EQ(ErrorCode(admin_audit), "PERMISSION_DENIED");
  EXPECT_EQ(admin->Get("/api/v1/status").status, 200);
  auto auditor = SignedIn("auditor1");
  HttpResult auditor_submit = auditor->Post("/api/v1/cases", TransferBody("x"));
  EXPECT_EQ(auditor_submit.status, 403);
  EXPECT_THAT(auditor_submit.body,
              HasSubstr("role auditor may not submit cases"));
  auto officer = SignedIn("tax1");
  EXPECT_EQ(officer->Post("/api/v1/cases", TransferBody("y")).status, 403);
  EXPECT_EQ(officer->Get("/api/v1/cases").status, 200);
  EXPECT_EQ(clerk->Get("/api/v1/status").status, 403);
  v1::GatewayStatus status =
      Parse<v1::GatewayStatus>(auditor->Get("/api/v1/status"));
  EXPECT_EQ(status.exchange_servicehall(), "OK");
  EXPECT_EQ(status.exchange_audit(), "OK");
  EXPECT_GE(status.sessions(), 4);

  // Dataset details carry the grants.
  HttpResult dataset =
      clerk->Get("/api/v1/catalog/datasets/land.property_title");
  ASSERT_EQ(dataset.status, 200) << dataset.body;
  v1::DescribeDatasetResponse described =
      Parse<v1::DescribeDatasetResponse>(dataset);
  EXPECT_EQ(described.dataset().id(), "land.property_title");
  EXPECT_GT(described.grants_size(), 0);
  for (const v1::Grant& grant : described.grants()) {
    EXPECT_EQ(grant.dataset(), "land.property_title");
  }
  EXPECT_EQ(clerk->Get("/api/v1/catalog/datasets/land.nothing").status, 404);

  // Signing out ends the session.
  HttpResult out = clerk->Request("DELETE", "/api/v1/session");
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(clerk->Get("/api/v1/session").status, 401);
}

TEST_F(GatewayIntegrationTest, ClerkSubmitsATransferAndCitizenAndAuditorSeeIt) {
  auto clerk = SignedIn("window1");
  HttpResult types = clerk->Get("/api/v1/case-types");
  ASSERT_EQ(types.status, 200) << types.body;
  v1::ListCaseTypesResponse case_types =
      Parse<v1::ListCaseTypesResponse>(types);
  ASSERT_GT(case_types.case_types_size(), 0);
  EXPECT_EQ(case_types.case_types(0).id(), "property_transfer");
  EXPECT_GT(case_types.case_types(0).steps_size(), 2);

  HttpResult intake = clerk->Post(
      "/api/v1/intake/check",
      absl::StrCat(
          R"({"case_type":"property_transfer","party":"seller","subject":")",
          Subject("seller_id"), R"("})"));
  ASSERT_EQ(intake.status, 200) << intake.body;
  v1::IntakeCheckResponse checked = Parse<v1::IntakeCheckResponse>(intake);
  EXPECT_GT(checked.from_shared_data(), 0);
  EXPECT_THAT(intake.body, HasSubstr("MATERIAL_STATUS_PULLED"));

  HttpResult submitted = clerk->Post("/api/v1/cases", TransferBody("gw-it-1"));
  ASSERT_EQ(submitted.status, 200) << submitted.body;
  v1::SubmitCaseResponse created = Parse<v1::SubmitCaseResponse>(submitted);
  const std::string case_id = created.case_().case_id();
  ASSERT_FALSE(case_id.empty());
  // The official is the signed-in one, whatever the body said.
  EXPECT_EQ(created.case_().on_behalf_of(), "window1");

  // The event stream runs to the end of the case.
  HttpResult events =
      clerk->Request("GET", absl::StrCat("/api/v1/cases/", case_id, "/events"),
                     "", true, {}, 60);
  ASSERT_EQ(events.status, 200) << events.body << events.error;
  EXPECT_THAT(events.Header("content-type"), HasSubstr("text/event-stream"));
  EXPECT_THAT(events.body, HasSubstr("event: case\nid: 1\ndata: {"));
  EXPECT_THAT(events.body, HasSubstr("CASE_EVENT_KIND_SUBMITTED"));
  EXPECT_THAT(events.body, HasSubstr("CASE_EVENT_KIND_STEP_STARTED"));
  EXPECT_THAT(events.body, HasSubstr("CASE_EVENT_KIND_FINISHED"));
  EXPECT_TRUE(absl::EndsWith(events.body, "event: end\ndata: {}\n\n"))
      << events.body.substr(events.body.size() > 300 ? events.body.size() - 300
                                                     : 0);
  // Watching the finished case again replays every event, then the end.
  HttpResult replay =
      clerk->Get(absl::StrCat("/api/v1/cases/", case_id, "/events"));
  ASSERT_EQ(replay.status, 200);
  EXPECT_EQ(replay.body, events.body);
  // Resuming after the last event gives just the end.
  HttpResult resumed =
      clerk->Request("GET", absl::StrCat("/api/v1/cases/", case_id, "/events"),
                     "", true, {{"Last-Event-ID", "1000"}});
  EXPECT_EQ(resumed.status, 200);
  EXPECT_THAT(resumed.body, Not(HasSubstr("event: case")));
  EXPECT_THAT(resumed.body, HasSubstr("event: end"));
  EXPECT_EQ(clerk->Get("/api/v1/cases/case-nothing/events").status, 404);

  HttpResult record = clerk->Get("/api/v1/cases/" + case_id);
  ASSERT_EQ(record.status, 200);
  EXPECT_EQ(Parse<v1::CaseRecord>(record).state(), v1::CASE_STATE_COMPLETED);
  HttpResult listed = clerk->Get("/api/v1/cases?state=completed&page_size=10");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_THAT(listed.body, HasSubstr(case_id));
  EXPECT_EQ(clerk->Get("/api/v1/cases?state=sleeping").status, 400);

  // The buyer asks for a code and signs in with it.
  auto citizen = Client();
  const std::string buyer = Subject("buyer_id");
  HttpResult bad_subject = citizen->Post("/api/v1/citizen/code",
                                         R"({"subject":"110101199003071235"})");
  EXPECT_EQ(bad_subject.status, 400);
  EXPECT_THAT(bad_subject.body, HasSubstr("check character"));
  EXPECT_THAT(bad_subject.body, Not(HasSubstr("110101199003071235")));
  HttpResult asked = citizen->Post(
      "/api/v1/citizen/code", absl::StrCat(R"({"subject":")", buyer, R"("})"));
  ASSERT_EQ(asked.status, 202) << asked.body;
  EXPECT_EQ(Parse<v1::CitizenCodeResponse>(asked).expires_in_seconds(), 300);
  const std::string code = LastCitizenCode();
  ASSERT_EQ(code.size(), 6u);
  std::string wrong_code = code;
  wrong_code[0] = code[0] == '9' ? '0' : static_cast<char>(code[0] + 1);
  EXPECT_EQ(citizen
                ->Post("/api/v1/citizen/session",
                       absl::StrCat(R"({"subject":")", buyer, R"(","code":")",
                                    wrong_code, R"("})"))
                .status,
            401);
  HttpResult signed_in = citizen->Post(
      "/api/v1/citizen/session",
      absl::StrCat(R"({"subject":")", buyer, R"(","code":")", code, R"("})"));
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  citizen->Remember(signed_in);
  v1::SessionResponse citizen_session = Parse<v1::SessionResponse>(signed_in);
  EXPECT_EQ(citizen_session.user().role(), "citizen");
  EXPECT_THAT(citizen_session.user().username(), HasSubstr("****"));

  HttpResult accesses = citizen->Get("/api/v1/me/accesses?page_size=200");
  ASSERT_EQ(accesses.status, 200) << accesses.body;
  v1::MyAccessesResponse mine = Parse<v1::MyAccessesResponse>(accesses);
  EXPECT_TRUE(mine.checkpoint_verified());
  EXPECT_FALSE(mine.verifier_key().empty());
  ASSERT_GT(mine.entries_size(), 0);
  bool pulled_for_the_case = false;
  for (const v1::VerifiedEntry& entry : mine.entries()) {
    EXPECT_TRUE(entry.gateway_verified()) << entry.verify_error();
    EXPECT_FALSE(entry.inclusion_proof().empty() &&
                 mine.checkpoint().tree_size() > 1);
    if (entry.entry().case_id() == case_id &&
        entry.entry().on_behalf_of() == "window1") {
      pulled_for_the_case = true;
    }
  }
  EXPECT_TRUE(pulled_for_the_case);
  // The citizen sees the case, with the seller's number masked.
  HttpResult own = citizen->Get("/api/v1/cases");
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_THAT(own.body, HasSubstr(case_id));
  EXPECT_THAT(own.body, Not(HasSubstr(Subject("seller_id"))));
  EXPECT_EQ(citizen->Get("/api/v1/cases/" + case_id).status, 200);
  EXPECT_EQ(citizen->Get("/api/v1/audit/checkpoint").status, 200);
  EXPECT_EQ(citizen->Get("/api/v1/audit/entries").status, 403);
  EXPECT_EQ(citizen->Post("/api/v1/cases", TransferBody("z")).status, 403);

  // The auditor searches, lists checkpoints, checks consistency, exports.
  auto auditor = SignedIn("auditor1");
  const uint64_t size = AuditSize();
  HttpResult search =
      auditor->Get("/api/v1/audit/entries?consumer=servicehall&page_size=200");
  ASSERT_EQ(search.status, 200) << search.body;
  v1::SearchEntriesResponse found = Parse<v1::SearchEntriesResponse>(search);
  EXPECT_GT(found.entries_size(), 0);
  for (const v1::ProvedEntry& entry : found.entries()) {
    EXPECT_EQ(entry.entry().consumer(), "servicehall");
  }
  HttpResult by_subject = auditor->Get(
      absl::StrCat("/api/v1/audit/entries?page_size=200&subject=", buyer,
                   "&dataset=housing.sale_contract"));
  ASSERT_EQ(by_subject.status, 200) << by_subject.body;
  v1::SearchEntriesResponse subject_entries =
      Parse<v1::SearchEntriesResponse>(by_subject);
  EXPECT_GT(subject_entries.entries_size(), 0) << by_subject.body;
  for (const v1::ProvedEntry& entry : subject_entries.entries()) {
    EXPECT_EQ(entry.entry().dataset(), "housing.sale_contract");
  }
  HttpResult history = auditor->Get("/api/v1/audit/checkpoints");
  ASSERT_EQ(history.status, 200) << history.body;
  v1::ListCheckpointsResponse checkpoints =
      Parse<v1::ListCheckpointsResponse>(history);
  ASSERT_GT(checkpoints.checkpoints_size(), 0);
  const uint64_t first = checkpoints.checkpoints(0).tree_size();
  for (const std::string& query :
       {absl::StrCat("first=0"), absl::StrCat("first=", first),
        absl::StrCat("first=", first, "&second=", size)}) {
    HttpResult consistency = auditor->Get("/api/v1/audit/consistency?" + query);
    ASSERT_EQ(consistency.status, 200) << query << consistency.body;
    v1::ConsistencyCheckResponse checked_proof =
        Parse<v1::ConsistencyCheckResponse>(consistency);
    EXPECT_TRUE(checked_proof.verified())
        << query << checked_proof.verify_error();
    EXPECT_EQ(checked_proof.new_size(), size) << query;
  }
  EXPECT_EQ(auditor->Get("/api/v1/audit/consistency?first=999999").status, 400);
  HttpResult exported =
      auditor->Get("/api/v1/audit/export?consumer=servicehall");
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_THAT(exported.Header("content-type"),
              HasSubstr("application/x-ndjson"));
  EXPECT_THAT(exported.Header("content-disposition"), HasSubstr("attachment"));
  std::vector<std::string> lines =
      absl::StrSplit(exported.body, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), static_cast<size_t>(found.entries_size()));
  for (const std::string& line : lines) {
    v1::ProvedEntry entry;
    EXPECT_TRUE(gateway::ParseJsonBody(line, &entry).ok()) << line;
  }

  // No raw identity number in the gateway's log (the subject went through
  // a query string and request bodies).
  const std::string log = GatewayLog();
  EXPECT_THAT(log, HasSubstr("\"event\":\"http_request\""));
  EXPECT_THAT(log, Not(HasSubstr(buyer)));
  EXPECT_THAT(log, Not(HasSubstr(Subject("seller_id"))));
  EXPECT_THAT(log, Not(HasSubstr("110101199003071235")));
}

// The citizen's case list comes from the exchange's party index: an older
// case that is not among the newest ones is there, a page at a time, and
// nobody else's case ever is. Officials filter by ?party=.
TEST_F(GatewayIntegrationTest, CitizenSeesEveryOwnCaseAndNoOneElses) {
  auto clerk = SignedIn("window1");
  const std::string buyer = Subject("buyer_id");
  const std::string seller = Subject("seller_id");
  const std::string own_old =
      SubmitTransfer(*clerk, "gw-party-1", seller, buyer);
  const std::string own_new = SubmitTransfer(
      *clerk, "gw-party-2", Subject("completed_seller_id"), buyer);
  const std::string other_1 = SubmitTransfer(*clerk, "gw-party-3", seller,
                                             Subject("transfer_buyer_id"));
  const std::string other_2 =
      SubmitTransfer(*clerk, "gw-party-4", Subject("transfer_seller_id"),
                     Subject("completed_buyer_id"));
  for (const std::string& id : {own_old, own_new, other_1, other_2}) {
    ASSERT_FALSE(id.empty());
    WaitCaseSettled(id);
  }
  // The newest two cases are other people's.
  EXPECT_THAT(CaseIds(clerk->Get("/api/v1/cases?page_size=2")),
              ::testing::ElementsAre(other_2, other_1));

  auto citizen = SignedInCitizen(buyer);
  HttpResult first = citizen->Get("/api/v1/cases?page_size=1");
  EXPECT_THAT(CaseIds(first), ::testing::ElementsAre(own_new));
  const std::string token =
      Parse<v1::ListCasesResponse>(first).next_page_token();
  ASSERT_FALSE(token.empty());
  HttpResult second =
      citizen->Get("/api/v1/cases?page_size=1&page_token=" + token);
  EXPECT_THAT(CaseIds(second), ::testing::ElementsAre(own_old));
  EXPECT_EQ(Parse<v1::ListCasesResponse>(second).next_page_token(), "");
  HttpResult all = citizen->Get("/api/v1/cases");
  EXPECT_THAT(CaseIds(all), ::testing::ElementsAre(own_new, own_old));
  // The other party's number is masked.
  EXPECT_THAT(all.body, Not(HasSubstr(seller)));
  EXPECT_THAT(all.body, HasSubstr(buyer));
  EXPECT_THAT(CaseIds(citizen->Get("/api/v1/cases?party=" + buyer)),
              ::testing::ElementsAre(own_new, own_old));
  HttpResult someone_else = citizen->Get("/api/v1/cases?party=" + seller);
  EXPECT_EQ(someone_else.status, 403);
  EXPECT_THAT(someone_else.body, Not(HasSubstr(seller)));
  // A token of another listing is refused.
  HttpResult foreign = clerk->Get("/api/v1/cases?page_size=1");
  EXPECT_EQ(citizen
                ->Get("/api/v1/cases?page_size=1&page_token=" +
                      Parse<v1::ListCasesResponse>(foreign).next_page_token())
                .status,
            400);

  // Officials ask for the cases of one person.
  EXPECT_THAT(CaseIds(clerk->Get("/api/v1/cases?party=" + seller)),
              ::testing::ElementsAre(other_1, own_old));
  auto officer = SignedIn("tax1");
  EXPECT_THAT(CaseIds(officer->Get("/api/v1/cases?page_size=1&party=" + buyer)),
              ::testing::ElementsAre(own_new));
  std::string bad = buyer;
  bad.back() = bad.back() == '0' ? '1' : '0';
  HttpResult invalid = clerk->Get("/api/v1/cases?party=" + bad);
  EXPECT_EQ(invalid.status, 400);
  EXPECT_THAT(invalid.body, HasSubstr("query parameter party"));
  EXPECT_THAT(invalid.body, Not(HasSubstr(bad)));

  // The exchange's Case.List itself: the filter, and a bad number refused
  // without being echoed.
  auto cases = v1::Case::NewStub(ChannelAs("servicehall"));
  for (const std::string& party : {buyer, bad}) {
    grpc::ClientContext call;
    call.set_deadline(std::chrono::system_clock::now() +
                      std::chrono::seconds(10));
    v1::ListCasesRequest request;
    request.set_party_subject(party);
    v1::ListCasesResponse response;
    grpc::Status status = cases->List(&call, request, &response);
    if (party == buyer) {
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(response.cases_size(), 2);
      EXPECT_EQ(response.cases(0).case_id(), own_new);
      EXPECT_EQ(response.cases(1).case_id(), own_old);
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_THAT(status.error_message(), HasSubstr("party_subject"));
      EXPECT_THAT(status.error_message(), Not(HasSubstr(bad)));
    }
  }

  // The access log names routes, never the numbers the query strings
  // carried.
  const std::string log = GatewayLog();
  EXPECT_THAT(log, HasSubstr(R"("route":"/api/v1/cases")"));
  EXPECT_THAT(log, Not(HasSubstr(buyer)));
  EXPECT_THAT(log, Not(HasSubstr(seller)));
  EXPECT_THAT(log, Not(HasSubstr(bad)));
  // Nor does the exchange's log (Case.List logs by_party, not the party).
  auto exchange_log = ReadFile(state_dir() + "/logs/exchange.log");
  ASSERT_TRUE(exchange_log.ok()) << exchange_log.status();
  EXPECT_THAT(*exchange_log, HasSubstr(R"("by_party":true)"));
  EXPECT_THAT(*exchange_log, Not(HasSubstr(buyer)));
  EXPECT_THAT(*exchange_log, Not(HasSubstr(bad)));
}

TEST_F(GatewayIntegrationTest,
       ADepartmentDownIsNamedAndAnExchangeRestartHeals) {
  auto clerk = SignedIn("window1");
  const std::string intake_body = absl::StrCat(
      R"({"case_type":"property_transfer","party":"seller","subject":")",
      Subject("seller_id"), R"("})");

  // Housing's adapter is down: the desk still answers, and each of
  // housing's materials says why it could not be pulled.
  ASSERT_TRUE(stack().StopAdapter("housing").ok());
  HttpResult intake = clerk->Post("/api/v1/intake/check", intake_body);
  ASSERT_EQ(intake.status, 200) << intake.body;
  v1::IntakeCheckResponse checked = Parse<v1::IntakeCheckResponse>(intake);
  int from_housing = 0;
  for (const v1::MaterialCheck& material : checked.materials()) {
    if (material.department() != "housing") continue;
    ++from_housing;
    EXPECT_NE(material.status(), v1::MATERIAL_STATUS_PULLED)
        << material.material();
    EXPECT_THAT(material.detail(), HasSubstr("housing")) << material.material();
    EXPECT_THAT(material.detail(), HasSubstr("UNAVAILABLE"))
        << material.material();
  }
  EXPECT_GT(from_housing, 0) << intake.body;
  EXPECT_GT(checked.from_shared_data(), 0);
  ASSERT_TRUE(stack().StartAdapter("housing").ok());

  // The exchange crashes and comes back on the same port: the signed-in
  // clerk's next calls work again without signing in anew (the gateway's
  // channel reconnects), and none of them hangs.
  ASSERT_TRUE(stack().RestartExchange(SIGKILL).ok());
  HttpResult again;
  const absl::Time until = absl::Now() + absl::Seconds(30);
  do {
    again = clerk->Post("/api/v1/intake/check", intake_body);
    if (again.status == 200) break;
    // While it reconnects, an answer is the documented JSON error.
    EXPECT_EQ(again.status, 503) << again.body << again.error;
    absl::SleepFor(absl::Milliseconds(200));
  } while (absl::Now() < until);
  ASSERT_EQ(again.status, 200) << again.body << again.error;
  v1::IntakeCheckResponse healed = Parse<v1::IntakeCheckResponse>(again);
  for (const v1::MaterialCheck& material : healed.materials()) {
    if (material.department() == "housing") {
      EXPECT_EQ(material.status(), v1::MATERIAL_STATUS_PULLED)
          << material.material() << ": " << material.detail();
    }
  }
}

TEST_F(GatewayIntegrationTest, BadRequestsAreClearErrorsAndWriteNothing) {
  auto clerk = SignedIn("window1");
  const int cases_before = CaseCount();
  const uint64_t audit_before = AuditSize();

  HttpResult malformed = clerk->Post("/api/v1/cases", R"({"case_type": )");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(ErrorCode(malformed), "INVALID_ARGUMENT");
  EXPECT_THAT(malformed.body, HasSubstr("\"http_status\":400"));
  HttpResult unknown_field =
      clerk->Post("/api/v1/cases", R"({"case_typo": "property_transfer"})");
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_THAT(unknown_field.body, HasSubstr("case_typo"));
  HttpResult no_route = clerk->Get("/api/v1/nothing-here");
  EXPECT_EQ(no_route.status, 404);
  EXPECT_EQ(ErrorCode(no_route), "NOT_FOUND");
  EXPECT_EQ(clerk->Get("/no-such-page").status, 404);
  HttpResult wrong_method = clerk->Request("PUT", "/api/v1/cases", "{}");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Header("allow"), "GET, POST");
  EXPECT_EQ(ErrorCode(wrong_method), "UNIMPLEMENTED");

  std::string big = TransferBody("gw-big");
  big.insert(big.size() - 1, absl::StrCat(R"(,"deferred":[")",
                                          std::string(2 << 20, 'x'), R"("])"));
  HttpResult oversize = clerk->Post("/api/v1/cases", big);
  EXPECT_EQ(oversize.status, 413) << oversize.error;
  EXPECT_EQ(ErrorCode(oversize), "RESOURCE_EXHAUSTED");
  HttpResult huge_header =
      clerk->Request("GET", "/api/v1/session", "", true,
                     {{"X-Filler", std::string(20000, 'h')}});
  EXPECT_EQ(huge_header.status, 431);

  auto anonymous = Client();
  HttpResult no_session =
      anonymous->Post("/api/v1/cases", TransferBody("gw-a"));
  EXPECT_EQ(no_session.status, 401);
  EXPECT_EQ(ErrorCode(no_session), "UNAUTHENTICATED");
  HttpResult no_csrf =
      clerk->Request("POST", "/api/v1/cases", TransferBody("gw-b"), false);
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_THAT(no_csrf.body, HasSubstr("X-Datarun-CSRF"));
  const std::string token = clerk->csrf();
  clerk->set_csrf(token.substr(1) + "x");
  EXPECT_EQ(clerk->Post("/api/v1/cases", TransferBody("gw-c")).status, 403);
  EXPECT_EQ(
      clerk
          ->Post("/api/v1/intake/check",
                 absl::StrCat(R"({"case_type":"property_transfer","subject":")",
                              Subject("seller_id"), R"("})"))
          .status,
      403);
  clerk->set_csrf(token);
  EXPECT_EQ(
      SignedIn("auditor1")->Post("/api/v1/cases", TransferBody("gw-d")).status,
      403);
  // Traversal out of the web root.
  EXPECT_EQ(clerk->Get("/ui/../../../etc/passwd").status, 404);
  EXPECT_EQ(clerk->Get("/ui/%2e%2e/%2e%2e/etc/passwd").status, 404);

  // Nothing was written: no case, no audit entry.
  EXPECT_EQ(CaseCount(), cases_before);
  EXPECT_EQ(AuditSize(), audit_before);

  // The same request, well formed, does write.
  HttpResult good = clerk->Post("/api/v1/cases", TransferBody("gw-good"));
  EXPECT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(CaseCount(), cases_before + 1);
  EXPECT_THAT(GatewayLog(), Not(HasSubstr(Subject("seller_id"))));
}

}  // namespace
}  // namespace datarun::testing
