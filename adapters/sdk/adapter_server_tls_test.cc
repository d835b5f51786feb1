// AdapterServer over real mutual TLS with the dev PKI: only the exchange's
// certificate is served.
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/sdk/adapter_server.h"
#include "adapters/sdk/record_builder.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "exchange/security/authenticator.h"
#include "exchange/security/dev_pki.h"
#include "exchange/security/tls_credentials.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace datarun {
namespace adapter {
namespace {

constexpr char kTrustDomain[] = "datarun.local";

class OneRecordService : public DepartmentService {
 public:
  std::string department() const override { return "land"; }
  std::vector<std::string> datasets() const override { return {"land.parcel"}; }
  absl::StatusOr<std::vector<v1::Record>> Fetch(
      const v1::FetchRequest&) override {
    std::vector<v1::Record> records;
    records.push_back(RecordBuilder().Str("parcel_no", "110105-001").Build());
    return records;
  }
};

class AdapterServerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/adapter_server_tls_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    pki_dir_ = tmpl;
    ASSERT_TRUE(
        security::dev_pki::Init(pki_dir_, kTrustDomain, {"land", "tax"}).ok());
    const v1::TlsFiles land =
        security::dev_pki::DepartmentTlsFiles(pki_dir_, "land");
    AdapterServer::Options options;
    options.config.set_department("land");
    options.config.set_listen_address("127.0.0.1:0");
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
        security::MakeServerCredentials(land);
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    options.credentials = *credentials;
    security::Authenticator::Options auth;
    auth.trust_domain = kTrustDomain;
    auth.ca_cert_path = land.ca_cert();
    auth.crl_path = land.crl();
    auth.known_departments = {"land"};
    absl::StatusOr<std::unique_ptr<security::Authenticator>> authenticator =
        security::Authenticator::Create(auth);
    ASSERT_TRUE(authenticator.ok()) << authenticator.status();
    options.authenticator = std::move(*authenticator);
    absl::StatusOr<std::unique_ptr<AdapterServer>> server =
        AdapterServer::Start(std::move(options),
                             std::make_unique<OneRecordService>());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    std::filesystem::remove_all(pki_dir_);
  }

  // A stub that presents `files` and checks it reached the land adapter.
  std::unique_ptr<v1::Adapter::Stub> StubWith(const v1::TlsFiles& files) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        security::MakeChannelCredentials(files);
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    if (!credentials.ok()) return nullptr;
    return v1::Adapter::NewStub(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", server_->port()), *credentials,
        security::ChannelArgsForServerName(
            security::DepartmentServerName(kTrustDomain, "land"))));
  }

  grpc::Status Fetch(v1::Adapter::Stub* stub) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::FetchRequest request;
    request.set_dataset("land.parcel");
    request.set_subject("110105198001010018");
    v1::FetchResponse response;
    grpc::Status status = stub->Fetch(&context, request, &response);
    if (status.ok()) {
      EXPECT_EQ(response.records_size(), 1);
    }
    return status;
  }

  grpc::Status ListLocalIds(v1::Adapter::Stub* stub) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::ListLocalIdsResponse response;
    return stub->ListLocalIds(&context, v1::ListLocalIdsRequest(), &response);
  }

  std::string pki_dir_;
  std::unique_ptr<AdapterServer> server_;
};

TEST_F(AdapterServerTlsTest, TheExchangeIsServed) {
  auto stub = StubWith(security::dev_pki::ExchangeTlsFiles(pki_dir_));
  ASSERT_NE(stub, nullptr);
  grpc::Status status = Fetch(stub.get());
  EXPECT_TRUE(status.ok()) << status.error_message();
  grpc::ClientContext context;
  v1::DescribeResponse response;
  status = stub->Describe(&context, v1::DescribeRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.department(), "land");
  // The exchange reaches the department, which exports no identifiers.
  EXPECT_EQ(ListLocalIds(stub.get()).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(AdapterServerTlsTest, TheOwnDepartmentIsPermissionDenied) {
  auto stub = StubWith(security::dev_pki::DepartmentTlsFiles(pki_dir_, "land"));
  ASSERT_NE(stub, nullptr);
  grpc::Status status = Fetch(stub.get());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            "only the exchange may call adapter 'land' (caller: "
            "spiffe://datarun.local/dept/land)");
  grpc::ClientContext context;
  v1::DescribeResponse response;
  status = stub->Describe(&context, v1::DescribeRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = ListLocalIds(stub.get());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            "only the exchange may call adapter 'land' (caller: "
            "spiffe://datarun.local/dept/land)");
}

TEST_F(AdapterServerTlsTest, OtherDepartmentsAreRefused) {
  auto stub = StubWith(security::dev_pki::DepartmentTlsFiles(pki_dir_, "tax"));
  ASSERT_NE(stub, nullptr);
  grpc::Status status = Fetch(stub.get());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(
      status.error_message().find("only the exchange may call adapter 'land'"),
      std::string::npos)
      << status.error_message();
  EXPECT_EQ(ListLocalIds(stub.get()).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AdapterServerTlsTest, PlaintextClientsCannotConnect) {
  auto stub = v1::Adapter::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                          grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  v1::FetchRequest request;
  request.set_dataset("land.parcel");
  request.set_subject("110105198001010018");
  v1::FetchResponse response;
  grpc::Status status = stub->Fetch(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

}  // namespace
}  // namespace adapter
}  // namespace datarun
