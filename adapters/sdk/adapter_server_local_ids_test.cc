// Adapter.ListLocalIds through AdapterServer, in process, over insecure
// loopback credentials and fake DepartmentServices.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "adapters/sdk/adapter_server.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace datarun {
namespace adapter {
namespace {

// What the fake saw, shared with the test.
struct Seen {
  absl::Mutex mu;
  int calls ABSL_GUARDED_BY(mu) = 0;
  int last_page_size ABSL_GUARDED_BY(mu) = -1;
};

// Five assertions; the page token is the index of the next one. Special
// tokens choose a behaviour: "block" waits for `release`, "broken" is
// DATA_LOSS, "toomany" returns one assertion more than asked, "same"
// returns itself as the next token; anything else that is not a number is a
// malformed token.
class FakeLandService : public DepartmentService {
 public:
  FakeLandService(std::shared_ptr<Seen> seen,
                  std::shared_ptr<absl::Notification> release)
      : seen_(std::move(seen)), release_(std::move(release)) {}

  std::string department() const override { return "land"; }
  std::vector<std::string> datasets() const override { return {"land.parcel"}; }
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest&) override {
    return std::vector<v1::Record>();
  }

  absl::StatusOr<v1::ListLocalIdsResponse> ListLocalIds(
      const v1::ListLocalIdsRequest& request) override {
    {
      absl::MutexLock lock(&seen_->mu);
      ++seen_->calls;
      seen_->last_page_size = request.page_size();
    }
    const std::string& token = request.page_token();
    v1::ListLocalIdsResponse response;
    if (token == "block") {
      release_->WaitForNotification();
      return response;
    }
    if (token == "broken") return absl::DataLossError("page 7 is corrupt");
    if (token == "same") {
      response.set_next_page_token("same");
      return response;
    }
    int from = 0;
    if (token == "toomany") {
      for (int i = 0; i <= request.page_size(); ++i) Add(i % 5, &response);
      return response;
    }
    if (!token.empty() && !absl::SimpleAtoi(token, &from)) {
      return absl::InvalidArgumentError(
          "page_token is malformed; start again with an empty token");
    }
    int to = std::min(5, from + request.page_size());
    for (int i = from; i < to; ++i) Add(i, &response);
    if (to < 5) response.set_next_page_token(absl::StrCat(to));
    return response;
  }

 private:
  static void Add(int i, v1::ListLocalIdsResponse* response) {
    v1::LocalIdAssertion* a = response->add_assertions();
    a->set_subject(absl::StrCat("11010519800101", 1000 + i));
    a->set_kind("title_certificate");
    a->set_value(absl::StrCat("QZ", i));
    a->set_basis("BDC_QZ");
  }

  std::shared_ptr<Seen> seen_;
  std::shared_ptr<absl::Notification> release_;
};

// Implements Fetch only.
class FetchOnlyService : public DepartmentService {
 public:
  std::string department() const override { return "land"; }
  std::vector<std::string> datasets() const override { return {"land.parcel"}; }
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest&) override {
    return std::vector<v1::Record>();
  }
};

class AdapterServerLocalIdsTest : public ::testing::Test {
 protected:
  void StartServer(std::unique_ptr<DepartmentService> service) {
    AdapterServer::Options options;
    options.config.set_department("land");
    options.config.set_listen_address("127.0.0.1:0");
    // The simulated delay applies to Fetch only: a listing is not slowed.
    options.config.set_delay_ms(600000);
    options.shutdown_grace = absl::Seconds(1);
    options.credentials = grpc::InsecureServerCredentials();
    absl::StatusOr<std::unique_ptr<AdapterServer>> server =
        AdapterServer::Start(std::move(options), std::move(service));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    stub_ = v1::Adapter::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
  }

  void StartFake() {
    StartServer(std::make_unique<FakeLandService>(seen_, release_));
  }

  void TearDown() override {
    if (!release_->HasBeenNotified()) release_->Notify();
    if (server_ != nullptr) server_->Shutdown();
  }

  grpc::Status List(const std::string& token, int page_size,
                    v1::ListLocalIdsResponse* response,
                    absl::Duration timeout = absl::Seconds(30)) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    v1::ListLocalIdsRequest request;
    request.set_page_token(token);
    request.set_page_size(page_size);
    return stub_->ListLocalIds(&context, request, response);
  }

  int LastPageSize() {
    absl::MutexLock lock(&seen_->mu);
    return seen_->last_page_size;
  }
  int Calls() {
    absl::MutexLock lock(&seen_->mu);
    return seen_->calls;
  }

  std::shared_ptr<Seen> seen_ = std::make_shared<Seen>();
  std::shared_ptr<absl::Notification> release_ =
      std::make_shared<absl::Notification>();
  std::unique_ptr<AdapterServer> server_;
  std::unique_ptr<v1::Adapter::Stub> stub_;
};

TEST_F(AdapterServerLocalIdsTest, PagesThroughEveryAssertionOnce) {
  StartFake();
  std::vector<std::string> values;
  std::string token;
  int pages = 0;
  do {
    v1::ListLocalIdsResponse response;
    grpc::Status status = List(token, 2, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_LE(response.assertions_size(), 2);
    for (const v1::LocalIdAssertion& a : response.assertions()) {
      values.push_back(a.value());
      EXPECT_EQ(a.kind(), "title_certificate");
    }
    token = response.next_page_token();
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(values,
            (std::vector<std::string>{"QZ0", "QZ1", "QZ2", "QZ3", "QZ4"}));
}

TEST_F(AdapterServerLocalIdsTest, PageSizeGetsADefaultAndACap) {
  StartFake();
  v1::ListLocalIdsResponse response;
  ASSERT_TRUE(List("", 0, &response).ok());
  EXPECT_EQ(LastPageSize(), kDefaultLocalIdPageSize);
  EXPECT_EQ(response.assertions_size(), 5);
  EXPECT_TRUE(response.next_page_token().empty());
  ASSERT_TRUE(List("", 50000, &response).ok());
  EXPECT_EQ(LastPageSize(), kMaxLocalIdPageSize);
  ASSERT_TRUE(List("", 7, &response).ok());
  EXPECT_EQ(LastPageSize(), 7);

  const int calls = Calls();
  grpc::Status status = List("", -1, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("page_size must be >= 0"),
            std::string::npos)
      << status.error_message();
  EXPECT_EQ(Calls(), calls);  // Refused before reaching the department.
}

TEST_F(AdapterServerLocalIdsTest, ServiceErrorsAreMapped) {
  StartFake();
  v1::ListLocalIdsResponse response;
  grpc::Status status = List("not-a-token", 10, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "department 'land', local identifiers: page_token is malformed; "
            "start again with an empty token");

  status = List("broken", 10, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("DATA_LOSS: page 7 is corrupt"),
            std::string::npos)
      << status.error_message();

  // An adapter that breaks the paging contract is caught by the SDK.
  status = List("toomany", 3, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("returned 4 local identifiers for a "
                                        "page of at most 3"),
            std::string::npos)
      << status.error_message();
  status = List("same", 3, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("paging would never end"),
            std::string::npos)
      << status.error_message();
}

TEST_F(AdapterServerLocalIdsTest, DepartmentsWithoutExportAreUnimplemented) {
  StartServer(std::make_unique<FetchOnlyService>());
  v1::ListLocalIdsResponse response;
  grpc::Status status = List("", 0, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(status.error_message(),
            "department 'land', local identifiers: the department does not "
            "export local identifiers");
}

TEST_F(AdapterServerLocalIdsTest, SlowListingGivesDeadlineExceededPromptly) {
  StartFake();
  v1::ListLocalIdsResponse response;
  grpc::Status status = List("block", 10, &response, absl::Milliseconds(300));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The answer came while the department was still listing.
  EXPECT_FALSE(release_->HasBeenNotified());
  release_->Notify();
  status = List("", 10, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace adapter
}  // namespace datarun
