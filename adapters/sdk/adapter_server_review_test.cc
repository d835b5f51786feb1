// Adapter.Review through AdapterServer, in process, over loopback gRPC and
// a fake DepartmentService: idempotency by key across a server restart,
// reused keys, the simulated review time, request checks, UNIMPLEMENTED.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "adapters/sdk/adapter_server.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace datarun {
namespace adapter {
namespace {

struct Counter {
  absl::Mutex mu;
  int reviews ABSL_GUARDED_BY(mu) = 0;
};

// Approves with a certificate numbered by the review count (so that a
// second execution would be visible); step "broken" fails; step "silent"
// answers without a decision.
class FakeTaxService : public DepartmentService {
 public:
  explicit FakeTaxService(std::shared_ptr<Counter> counter)
      : counter_(std::move(counter)) {}
  std::string department() const override { return "tax"; }
  std::vector<std::string> datasets() const override {
    return {"tax.payment_certificate"};
  }
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest&) override {
    return std::vector<v1::Record>();
  }
  absl::StatusOr<v1::ReviewResponse> Review(
      const v1::ReviewRequest& request) override {
    int n;
    {
      absl::MutexLock lock(&counter_->mu);
      n = ++counter_->reviews;
    }
    if (request.step() == "broken") return absl::DataLossError("page 7");
    v1::ReviewResponse response;
    if (request.step() == "silent") return response;
    response.set_decision(v1::REVIEW_DECISION_APPROVE);
    v1::StepMaterial* issued = response.add_issued();
    issued->set_material("deed_tax_certificate");
    (*issued->add_records()->mutable_fields())["certificate_no"]
        .set_string_value(absl::StrCat("WSZM-", n));
    return response;
  }

 private:
  std::shared_ptr<Counter> counter_;
};

class FetchOnly : public DepartmentService {
 public:
  std::string department() const override { return "tax"; }
  std::vector<std::string> datasets() const override {
    return {"tax.payment_certificate"};
  }
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest&) override {
    return std::vector<v1::Record>();
  }
};

class AdapterServerReviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/datarun_review_server.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Start(std::unique_ptr<DepartmentService> service,
             absl::Duration review_delay = absl::ZeroDuration()) {
    server_.reset();
    AdapterServer::Options options;
    options.config.set_department("tax");
    options.config.set_listen_address("127.0.0.1:0");
    // The Fetch delay does not apply to reviews.
    options.config.set_delay_ms(600000);
    options.config.set_store_path(dir_ + "/tax.db");
    options.review_delay = review_delay;
    options.shutdown_grace = absl::Seconds(1);
    options.credentials = grpc::InsecureServerCredentials();
    auto server = AdapterServer::Start(std::move(options), std::move(service));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    EXPECT_EQ(server_->review_store_path(), dir_ + "/tax.db.reviews.sqlite");
    stub_ = v1::Adapter::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
  }

  void StartFake(absl::Duration review_delay = absl::ZeroDuration()) {
    Start(std::make_unique<FakeTaxService>(counter_), review_delay);
  }

  static v1::ReviewRequest Request(const std::string& key,
                                   const std::string& step = "deed_tax") {
    v1::ReviewRequest r;
    r.set_case_id("case-1");
    r.set_case_type("property_transfer");
    r.set_step(step);
    r.set_idempotency_key(key);
    v1::CaseParty* p = r.add_parties();
    p->set_role("buyer");
    p->set_subject("110105198001010018");
    return r;
  }

  grpc::Status Review(const v1::ReviewRequest& request,
                      v1::ReviewResponse* response,
                      absl::Duration timeout = absl::Seconds(30)) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    return stub_->Review(&context, request, response);
  }

  int Reviews() {
    absl::MutexLock lock(&counter_->mu);
    return counter_->reviews;
  }

  std::string dir_;
  std::shared_ptr<Counter> counter_ = std::make_shared<Counter>();
  std::unique_ptr<AdapterServer> server_;
  std::unique_ptr<v1::Adapter::Stub> stub_;
};

std::string CertificateNo(const v1::ReviewResponse& r) {
  if (r.issued_size() == 0 || r.issued(0).records_size() == 0) return "";
  return r.issued(0).records(0).fields().at("certificate_no").string_value();
}

TEST_F(AdapterServerReviewTest, RepeatedKeyGetsTheFirstAnswerAcrossRestart) {
  StartFake();
  v1::ReviewResponse first;
  grpc::Status status = Review(Request("case-1/deed_tax"), &first);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(first.decision(), v1::REVIEW_DECISION_APPROVE);
  EXPECT_EQ(CertificateNo(first), "WSZM-1");

  v1::ReviewResponse again;
  ASSERT_TRUE(Review(Request("case-1/deed_tax"), &again).ok());
  EXPECT_EQ(again.SerializeAsString(), first.SerializeAsString());
  EXPECT_EQ(Reviews(), 1);

  // A restarted adapter still knows the answer.
  StartFake();
  v1::ReviewResponse after;
  ASSERT_TRUE(Review(Request("case-1/deed_tax"), &after).ok());
  EXPECT_EQ(CertificateNo(after), "WSZM-1");
  EXPECT_EQ(Reviews(), 1);

  // Another key is another review.
  ASSERT_TRUE(Review(Request("case-1/deed_tax#2"), &after).ok());
  EXPECT_EQ(CertificateNo(after), "WSZM-2");
}

TEST_F(AdapterServerReviewTest, ReusedKeyForAnotherStepIsInvalidArgument) {
  StartFake();
  v1::ReviewResponse response;
  ASSERT_TRUE(Review(Request("k"), &response).ok());
  grpc::Status status = Review(Request("k", "title_review"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find(
                "idempotency_key reused for a different request"),
            std::string::npos)
      << status.error_message();
}

TEST_F(AdapterServerReviewTest, RequestChecksAndErrors) {
  StartFake();
  v1::ReviewResponse response;
  grpc::Status status = Review(Request(""), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("idempotency_key"), std::string::npos);
  v1::ReviewRequest no_step = Request("k");
  no_step.clear_step();
  EXPECT_EQ(Review(no_step, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Reviews(), 0);

  // Errors are not stored: a retry reviews again.
  EXPECT_EQ(Review(Request("b", "broken"), &response).error_code(),
            grpc::StatusCode::INTERNAL);
  EXPECT_EQ(Review(Request("b", "broken"), &response).error_code(),
            grpc::StatusCode::INTERNAL);
  EXPECT_EQ(Reviews(), 2);
  // An answer without a decision breaks the contract.
  status = Review(Request("s", "silent"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_NE(status.error_message().find("no decision"), std::string::npos);
}

TEST_F(AdapterServerReviewTest, ReviewDelayIsBoundedByTheDeadline) {
  StartFake(absl::Hours(1));
  v1::ReviewResponse response;
  grpc::Status status =
      Review(Request("slow"), &response, absl::Milliseconds(300));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_EQ(Reviews(), 0);
}

TEST_F(AdapterServerReviewTest, ServiceWithoutReviewIsUnimplemented) {
  Start(std::make_unique<FetchOnly>());
  v1::ReviewResponse response;
  grpc::Status status = Review(Request("k"), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_NE(status.error_message().find("performs no case steps"),
            std::string::npos)
      << status.error_message();
}

}  // namespace
}  // namespace adapter
}  // namespace datarun
