// The router over real mutual TLS: the adapter's certificate must be the
// one of the department the endpoint is configured for.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "exchange/router/router.h"
#include "exchange/security/names.h"
#include "exchange/security/pki.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::router {
namespace {

using ::testing::StartsWith;

constexpr char kTrustDomain[] = "datarun.test";

// Answers with one record and remembers the caller's SPIFFE id.
class EchoAdapter final : public v1::Adapter::Service {
 public:
  grpc::Status Fetch(grpc::ServerContext* context, const v1::FetchRequest*,
                     v1::FetchResponse* response) override {
    auto uris = context->auth_context()->FindPropertyValues(
        "x509_subject_alternative_name");
    for (const auto& uri : uris) {
      absl::MutexLock lock(&mu_);
      peer_names_.emplace_back(uri.data(), uri.size());
    }
    response->add_records();
    return grpc::Status::OK;
  }
  std::vector<std::string> peer_names() {
    absl::MutexLock lock(&mu_);
    return peer_names_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> peer_names_ ABSL_GUARDED_BY(mu_);
};

security::KeyAndCert Issue(const security::KeyAndCert& ca,
                           const std::string& cn, const std::string& spiffe,
                           const std::string& dns) {
  security::CertificateSpec spec;
  spec.common_name = cn;
  spec.spiffe_id = spiffe;
  spec.dns_names = {dns};
  spec.not_before = absl::Now() - absl::Hours(1);
  spec.not_after = absl::Now() + absl::Hours(1);
  auto cert = security::IssueCertificate(ca, spec);
  EXPECT_TRUE(cert.ok()) << cert.status();
  return cert.ok() ? *cert : security::KeyAndCert{};
}

security::KeyAndCert MakeCa(const std::string& name) {
  auto ca = security::CreateCertificateAuthority(
      name, absl::Now() - absl::Hours(1), absl::Now() + absl::Hours(1));
  EXPECT_TRUE(ca.ok()) << ca.status();
  return ca.ok() ? *ca : security::KeyAndCert{};
}

class RouterTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = MakeCa("datarun test CA");
    exchange_ = Issue(ca_, "exchange", security::ExchangeSpiffeId(kTrustDomain),
                      security::ExchangeServerName(kTrustDomain));
  }
  void TearDown() override {
    if (server_) server_->Shutdown(absl::ToChronoTime(absl::Now()));
  }

  // Starts the adapter presenting `department`'s certificate.
  void StartAdapter(const std::string& department) {
    security::KeyAndCert cert = Issue(
        ca_, department, security::DepartmentSpiffeId(kTrustDomain, department),
        security::DepartmentServerName(kTrustDomain, department));
    grpc::SslServerCredentialsOptions options(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    options.pem_root_certs = ca_.cert_pem;
    options.pem_key_cert_pairs.push_back({cert.key_pem, cert.cert_pem});
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::SslServerCredentials(options),
                             &port_);
    builder.RegisterService(&adapter_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }

  std::unique_ptr<Router> MakeRouter(const security::KeyAndCert& client) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = ca_.cert_pem;
    tls.pem_private_key = client.key_pem;
    tls.pem_cert_chain = client.cert_pem;
    Router::Options options;
    options.credentials = grpc::SslCredentials(tls);
    options.trust_domain = kTrustDomain;
    v1::AdapterEndpoint endpoint;
    endpoint.set_department("land");
    endpoint.set_address(absl::StrCat("127.0.0.1:", port_));
    options.endpoints.push_back(endpoint);
    auto router = Router::Create(std::move(options));
    EXPECT_TRUE(router.ok()) << router.status();
    return router.ok() ? std::move(*router) : nullptr;
  }

  absl::StatusOr<v1::FetchResponse> Fetch(Router& router) {
    absl::Notification done;
    absl::StatusOr<v1::FetchResponse> result;
    router.Fetch("land", v1::FetchRequest(), absl::Now() + absl::Seconds(20),
                 [&](absl::StatusOr<v1::FetchResponse> r) {
                   result = std::move(r);
                   done.Notify();
                 });
    done.WaitForNotification();
    return result;
  }

  security::KeyAndCert ca_;
  security::KeyAndCert exchange_;
  EchoAdapter adapter_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(RouterTlsTest, ReachesTheRightDepartmentOverMutualTls) {
  StartAdapter("land");
  auto router = MakeRouter(exchange_);
  auto result = Fetch(*router);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->records_size(), 1);
  EXPECT_THAT(adapter_.peer_names(),
              ::testing::Contains(security::ExchangeSpiffeId(kTrustDomain)));
}

TEST_F(RouterTlsTest, AnotherDepartmentsCertificateIsRefused) {
  // The endpoint configured for 'land' answers with the tax certificate.
  StartAdapter("tax");
  auto router = MakeRouter(exchange_);
  auto result = Fetch(*router);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith("department 'land' is unavailable: "));
  EXPECT_EQ(adapter_.peer_names().size(), 0u);
}

TEST_F(RouterTlsTest, ClientCertificateOfAnotherCaIsRefusedByTheAdapter) {
  StartAdapter("land");
  security::KeyAndCert stranger_ca = MakeCa("stranger CA");
  security::KeyAndCert stranger =
      Issue(stranger_ca, "exchange", security::ExchangeSpiffeId(kTrustDomain),
            security::ExchangeServerName(kTrustDomain));
  auto router = MakeRouter(stranger);
  auto result = Fetch(*router);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(result.status().message()),
              StartsWith("department 'land' is unavailable: "));
  EXPECT_EQ(adapter_.peer_names().size(), 0u);
}

}  // namespace
}  // namespace datarun::router
