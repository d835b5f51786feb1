// End to end over real mutual TLS on 127.0.0.1: a tiny Exchange service whose
// ListDatasets reports the Authenticator's verdict, called by clients that
// present good and bad identities.
#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "common/grpc_status.h"
#include "datarun/v1/exchange.grpc.pb.h"
#include "exchange/security/authenticator.h"
#include "exchange/security/dev_pki.h"
#include "exchange/security/dev_pki_testing.h"
#include "exchange/security/tls_credentials.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace security {
namespace {

using ::testing::HasSubstr;

constexpr char kTd[] = "datarun.local";

// Answers ListDatasets with the caller's department (as departments[0].id,
// "exchange" for the exchange) or the Authenticator's refusal.
class WhoAmIService : public v1::Exchange::CallbackService {
 public:
  explicit WhoAmIService(const Authenticator* auth) : auth_(auth) {}

  grpc::ServerUnaryReactor* ListDatasets(
      grpc::CallbackServerContext* context, const v1::ListDatasetsRequest*,
      v1::ListDatasetsResponse* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    std::shared_ptr<const grpc::AuthContext> auth_context =
        context->auth_context();
    auto peer = auth_->Authenticate(*auth_context);
    if (!peer.ok()) {
      reactor->Finish(ToGrpcStatus(peer.status()));
      return reactor;
    }
    response->add_departments()->set_id(peer->is_exchange ? "exchange"
                                                          : peer->department);
    // Also report what gRPC put in the auth context, for the property test.
    for (const char* name :
         {"peer_spiffe_id", "x509_subject_alternative_name"}) {
      for (const grpc::string_ref& value :
           auth_context->FindPropertyValues(name)) {
        v1::Department* d = response->add_departments();
        d->set_id(name);
        d->set_name(std::string(value.data(), value.size()));
      }
    }
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const Authenticator* auth_;
};

class TlsAuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/tls_authenticator_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(dev_pki::Init(dir_, kTd, {"tax", "land"}).ok());

    Authenticator::Options options;
    options.trust_domain = kTd;
    options.ca_cert_path = Path("ca.pem");
    options.crl_path = Path("crl.pem");
    options.known_departments = {"tax", "land"};
    options.crl_check_interval = absl::ZeroDuration();
    auto auth = Authenticator::Create(options);
    ASSERT_TRUE(auth.ok()) << auth.status();
    auth_ = *std::move(auth);
    service_ = std::make_unique<WhoAmIService>(auth_.get());
    address_ = StartServer(dev_pki::ExchangeTlsFiles(dir_),
                           CredentialChecks::kStrict, &server_);
  }

  void TearDown() override {
    for (auto* server : {&server_, &other_server_}) {
      if (*server != nullptr) (*server)->Shutdown();
    }
    ASSERT_EQ(system(absl::StrCat("rm -rf '", dir_, "'").c_str()), 0);
  }

  std::string Path(const std::string& file) const {
    return absl::StrCat(dir_, "/", file);
  }

  // Starts a server on 127.0.0.1:0 with `files`; returns "127.0.0.1:<port>".
  std::string StartServer(const v1::TlsFiles& files, CredentialChecks checks,
                          std::unique_ptr<grpc::Server>* server) {
    auto creds = MakeServerCredentials(files, checks);
    EXPECT_TRUE(creds.ok()) << creds.status();
    if (!creds.ok()) return "";
    int port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", *creds, &port);
    builder.RegisterService(service_.get());
    *server = builder.BuildAndStart();
    EXPECT_NE(*server, nullptr);
    EXPECT_GT(port, 0);
    return absl::StrCat("127.0.0.1:", port);
  }

  std::shared_ptr<grpc::Channel> Channel(
      const std::shared_ptr<grpc::ChannelCredentials>& creds,
      const std::string& server_name, const std::string& address = "") {
    return grpc::CreateCustomChannel(address.empty() ? address_ : address,
                                     creds,
                                     ChannelArgsForServerName(server_name));
  }

  std::shared_ptr<grpc::Channel> ChannelFor(
      const v1::TlsFiles& files,
      CredentialChecks checks = CredentialChecks::kStrict) {
    auto creds = MakeChannelCredentials(files, checks);
    EXPECT_TRUE(creds.ok()) << creds.status();
    return Channel(*creds, ExchangeServerName(kTd));
  }

  // Calls ListDatasets; fills `response` on success.
  grpc::Status Call(const std::shared_ptr<grpc::Channel>& channel,
                    v1::ListDatasetsResponse* response = nullptr) {
    v1::ListDatasetsResponse ignored;
    grpc::ClientContext context;
    // Generous: only keeps a broken test from hanging.
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    return v1::Exchange::NewStub(channel)->ListDatasets(
        &context, v1::ListDatasetsRequest(),
        response != nullptr ? response : &ignored);
  }

  std::string dir_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<WhoAmIService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> other_server_;
  std::string address_;
};

TEST_F(TlsAuthenticatorTest, MemberCertificateIsAuthenticated) {
  v1::ListDatasetsResponse response;
  grpc::Status status =
      Call(ChannelFor(dev_pki::DepartmentTlsFiles(dir_, "tax")), &response);
  ASSERT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message();
  ASSERT_GE(response.departments_size(), 1);
  EXPECT_EQ(response.departments(0).id(), "tax");

  // What gRPC 1.51 reports, which the Authenticator relies on.
  bool spiffe = false, san_uri = false, san_dns = false;
  for (const v1::Department& d : response.departments()) {
    if (d.id() == "peer_spiffe_id") {
      spiffe = d.name() == "spiffe://datarun.local/dept/tax";
    }
    if (d.id() == "x509_subject_alternative_name") {
      san_uri |= d.name() == "spiffe://datarun.local/dept/tax";
      san_dns |= d.name() == "tax.dept.datarun.local";
    }
  }
  EXPECT_TRUE(spiffe);
  EXPECT_TRUE(san_uri);
  EXPECT_TRUE(san_dns);

  ASSERT_TRUE(
      Call(ChannelFor(dev_pki::ExchangeTlsFiles(dir_)), &response).ok());
  EXPECT_EQ(response.departments(0).id(), "exchange");
}

TEST_F(TlsAuthenticatorTest, ForeignCaCertificateFailsTheHandshake) {
  auto files = dev_pki::IssueForeign(dir_, kTd, "tax", "foreign-tax");
  ASSERT_TRUE(files.ok()) << files.status();
  // Our own checks refuse it before any handshake...
  auto strict = MakeChannelCredentials(*files);
  EXPECT_THAT(strict.status().message(),
              HasSubstr("is not issued by tls.ca_cert"));
  // ...and the server refuses it when presented anyway.
  grpc::Status status = Call(ChannelFor(*files, CredentialChecks::kParseOnly));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(TlsAuthenticatorTest, ExpiredCertificateFailsTheHandshake) {
  auto files = dev_pki::IssueExpired(dir_, kTd, "tax", "expired-tax");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_THAT(MakeChannelCredentials(*files).status().message(),
              HasSubstr("is not valid now: certificate has expired"));
  grpc::Status status = Call(ChannelFor(*files, CredentialChecks::kParseOnly));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(TlsAuthenticatorTest, NoClientCertificateFailsTheHandshake) {
  auto ca = ReadFile(Path("ca.pem"));
  ASSERT_TRUE(ca.ok());
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = *ca;
  grpc::Status status =
      Call(Channel(grpc::SslCredentials(options), ExchangeServerName(kTd)));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(TlsAuthenticatorTest, CertificateWithoutSpiffeIdIsUnauthenticated) {
  auto files = dev_pki::IssueWithoutSpiffe(dir_, kTd, "tax", "plain-tax");
  ASSERT_TRUE(files.ok()) << files.status();
  grpc::Status status = Call(ChannelFor(*files));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("has no SPIFFE id"));
}

TEST_F(TlsAuthenticatorTest, UnknownDepartmentIsUnauthenticated) {
  ASSERT_TRUE(dev_pki::Issue(dir_, kTd, "foo").ok());
  grpc::Status status =
      Call(ChannelFor(dev_pki::DepartmentTlsFiles(dir_, "foo")));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(),
            "department 'foo' is not a member of the exchange");
}

TEST_F(TlsAuthenticatorTest, ForeignTrustDomainIsUnauthenticated) {
  auto files = dev_pki::IssueTestCertificate(
      dir_, "evil-tax",
      dev_pki::DepartmentCertificateSpec("evil.org", "tax", absl::Now()));
  ASSERT_TRUE(files.ok()) << files.status();
  grpc::Status status = Call(ChannelFor(*files));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(),
            "certificate trust domain 'evil.org' is not 'datarun.local'");
}

TEST_F(TlsAuthenticatorTest, RevocationAtRuntimeRejectsTheNextCall) {
  // One channel (one TLS connection) across the revocation: the next call
  // is refused without a restart or a reconnect.
  auto channel = ChannelFor(dev_pki::DepartmentTlsFiles(dir_, "tax"));
  ASSERT_TRUE(Call(channel).ok());
  auto serial = dev_pki::Revoke(dir_, "tax");
  ASSERT_TRUE(serial.ok()) << serial.status();
  grpc::Status status = Call(channel);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      status.error_message(),
      absl::StrCat("certificate serial ", *serial,
                   " of department 'tax' is revoked by CRL ", Path("crl.pem")));
  EXPECT_TRUE(Call(ChannelFor(dev_pki::DepartmentTlsFiles(dir_, "land"))).ok());
}

TEST_F(TlsAuthenticatorTest, ClientChecksTheServerName) {
  auto creds = MakeChannelCredentials(dev_pki::DepartmentTlsFiles(dir_, "tax"));
  ASSERT_TRUE(creds.ok());
  // The exchange's certificate does not name the land adapter.
  grpc::Status status =
      Call(Channel(*creds, DepartmentServerName(kTd, "land")));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_TRUE(Call(Channel(*creds, ExchangeServerName(kTd))).ok());
}

TEST_F(TlsAuthenticatorTest, ClientRejectsServerOfForeignCa) {
  // A fake "land adapter" with a foreign certificate carrying the real names.
  auto files = dev_pki::IssueForeign(dir_, kTd, "land", "fake-land");
  ASSERT_TRUE(files.ok()) << files.status();
  std::string fake =
      StartServer(*files, CredentialChecks::kParseOnly, &other_server_);
  auto creds = MakeChannelCredentials(dev_pki::ExchangeTlsFiles(dir_));
  ASSERT_TRUE(creds.ok());
  grpc::Status status =
      Call(Channel(*creds, DepartmentServerName(kTd, "land"), fake));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(TlsAuthenticatorTest, CredentialErrorsNameFieldAndPath) {
  v1::TlsFiles files = dev_pki::DepartmentTlsFiles(dir_, "tax");
  v1::TlsFiles bad = files;
  bad.set_cert(Path("nope.pem"));
  auto missing = MakeServerCredentials(bad);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              HasSubstr("tls.cert: cannot open " + Path("nope.pem")));

  bad = files;
  bad.set_cert(Path("revoked.txt"));
  EXPECT_EQ(MakeServerCredentials(bad).status().message(),
            "tls.cert " + Path("revoked.txt") + ": not a PEM certificate");
  bad = files;
  bad.set_ca_cert(Path("dept-tax.key"));
  EXPECT_EQ(MakeChannelCredentials(bad).status().message(),
            "tls.ca_cert " + Path("dept-tax.key") + ": not a PEM certificate");
  bad = files;
  bad.set_key(Path("ca.pem"));
  EXPECT_THAT(
      MakeChannelCredentials(bad).status().message(),
      HasSubstr("tls.key " + Path("ca.pem") + ": not a PEM private key"));
  bad = files;
  bad.set_key(Path("dept-land.key"));
  EXPECT_EQ(MakeServerCredentials(bad).status().message(),
            "tls.key " + Path("dept-land.key") + " does not match tls.cert " +
                Path("dept-tax.pem"));
  bad = files;
  bad.clear_key();
  EXPECT_EQ(MakeServerCredentials(bad).status().message(), "tls.key: not set");
}

}  // namespace
}  // namespace security
}  // namespace datarun
