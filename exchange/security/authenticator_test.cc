// Authenticator against hand-made auth contexts (no network): every refusal
// path, the property fallbacks and CRL reloading.
#include "exchange/security/authenticator.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "exchange/security/dev_pki.h"
#include "exchange/security/dev_pki_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace security {
namespace {

using ::testing::HasSubstr;

constexpr char kTd[] = "datarun.local";

// An AuthContext holding exactly the properties a test sets.
class FakeAuthContext : public grpc::AuthContext {
 public:
  void Add(const std::string& key, const std::string& value) {
    properties_.emplace(key, value);
  }

  bool IsPeerAuthenticated() const override { return !properties_.empty(); }
  std::vector<grpc::string_ref> GetPeerIdentity() const override { return {}; }
  std::string GetPeerIdentityPropertyName() const override { return ""; }
  std::vector<grpc::string_ref> FindPropertyValues(
      const std::string& name) const override {
    std::vector<grpc::string_ref> out;
    auto range = properties_.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) {
      out.emplace_back(it->second);
    }
    return out;
  }
  grpc::AuthPropertyIterator begin() const override { return EmptyIterator(); }
  grpc::AuthPropertyIterator end() const override { return EmptyIterator(); }
  void AddProperty(const std::string& key,
                   const grpc::string_ref& value) override {
    Add(key, std::string(value.data(), value.size()));
  }
  bool SetPeerIdentityPropertyName(const std::string&) override {
    return false;
  }

 private:
  class EmptyIterator : public grpc::AuthPropertyIterator {};
  std::multimap<std::string, std::string> properties_;
};

class AuthenticatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/authenticator_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(dev_pki::Init(dir_, kTd, {"tax", "land"}).ok());
  }
  void TearDown() override {
    ASSERT_EQ(system(absl::StrCat("rm -rf '", dir_, "'").c_str()), 0);
  }

  std::string Path(const std::string& file) const {
    return absl::StrCat(dir_, "/", file);
  }
  std::string Read(const std::string& file) const {
    auto content = ReadFile(Path(file));
    EXPECT_TRUE(content.ok()) << content.status();
    return content.ok() ? *content : "";
  }

  Authenticator::Options DefaultOptions() const {
    Authenticator::Options options;
    options.trust_domain = kTd;
    options.ca_cert_path = Path("ca.pem");
    options.crl_path = Path("crl.pem");
    options.known_departments = {"tax", "land"};
    options.crl_check_interval = absl::ZeroDuration();
    return options;
  }

  std::unique_ptr<Authenticator> Make(const Authenticator::Options& options) {
    auto auth = Authenticator::Create(options);
    EXPECT_TRUE(auth.ok()) << auth.status();
    return auth.ok() ? *std::move(auth) : nullptr;
  }

  // A context as gRPC builds it for a TLS peer presenting `cert_file`.
  FakeAuthContext ContextFor(const std::string& cert_file) {
    FakeAuthContext context;
    std::string pem = Read(cert_file);
    context.Add("x509_pem_cert", pem);
    auto info = InspectCertificate(pem);
    EXPECT_TRUE(info.ok());
    for (const std::string& uri : info->uris) {
      context.Add("x509_subject_alternative_name", uri);
    }
    for (const std::string& dns : info->dns_names) {
      context.Add("x509_subject_alternative_name", dns);
    }
    if (info->uris.size() == 1) context.Add("peer_spiffe_id", info->uris[0]);
    return context;
  }

  std::string Refusal(const Authenticator& auth,
                      const grpc::AuthContext& context) {
    auto peer = auth.Authenticate(context);
    EXPECT_EQ(peer.status().code(), absl::StatusCode::kUnauthenticated);
    return std::string(peer.status().message());
  }

  std::string dir_;
};

TEST_F(AuthenticatorTest, AcceptsMembersAndTheExchange) {
  auto auth = Make(DefaultOptions());
  auto tax = auth->Authenticate(ContextFor("dept-tax.pem"));
  ASSERT_TRUE(tax.ok()) << tax.status();
  EXPECT_EQ(tax->department, "tax");
  EXPECT_FALSE(tax->is_exchange);
  EXPECT_EQ(tax->spiffe_id, "spiffe://datarun.local/dept/tax");
  EXPECT_EQ(tax->serial_hex, *CertificateSerialHex(Read("dept-tax.pem")));

  auto exchange = auth->Authenticate(ContextFor("exchange.pem"));
  ASSERT_TRUE(exchange.ok()) << exchange.status();
  EXPECT_TRUE(exchange->is_exchange);
  EXPECT_EQ(exchange->department, "");
}

TEST_F(AuthenticatorTest, FallsBackToSubjectAlternativeNames) {
  auto auth = Make(DefaultOptions());
  FakeAuthContext context;
  context.Add("x509_pem_cert", Read("dept-land.pem"));
  context.Add("x509_subject_alternative_name", "land.dept.datarun.local");
  context.Add("x509_subject_alternative_name",
              "spiffe://datarun.local/dept/land");
  auto land = auth->Authenticate(context);
  ASSERT_TRUE(land.ok()) << land.status();
  EXPECT_EQ(land->department, "land");
}

TEST_F(AuthenticatorTest, RefusesWithSpecificMessages) {
  auto auth = Make(DefaultOptions());
  EXPECT_THAT(Refusal(*auth, FakeAuthContext()),
              HasSubstr("no client certificate"));

  ASSERT_TRUE(dev_pki::IssueWithoutSpiffe(dir_, kTd, "tax", "plain").ok());
  EXPECT_THAT(Refusal(*auth, ContextFor("plain.pem")),
              HasSubstr("has no SPIFFE id"));

  FakeAuthContext two_sans;  // No peer_spiffe_id: gRPC omits it then.
  two_sans.Add("x509_pem_cert", Read("dept-tax.pem"));
  two_sans.Add("x509_subject_alternative_name",
               "spiffe://datarun.local/dept/tax");
  two_sans.Add("x509_subject_alternative_name",
               "spiffe://datarun.local/dept/land");
  EXPECT_THAT(Refusal(*auth, two_sans), HasSubstr("has 2 SPIFFE ids"));

  CertificateSpec evil =
      dev_pki::DepartmentCertificateSpec("evil.org", "tax", absl::Now());
  ASSERT_TRUE(dev_pki::IssueTestCertificate(dir_, "evil", evil).ok());
  EXPECT_THAT(Refusal(*auth, ContextFor("evil.pem")),
              HasSubstr("certificate trust domain 'evil.org' is not "
                        "'datarun.local'"));

  CertificateSpec admin =
      dev_pki::DepartmentCertificateSpec(kTd, "tax", absl::Now());
  admin.spiffe_id = "spiffe://datarun.local/admin";
  ASSERT_TRUE(dev_pki::IssueTestCertificate(dir_, "admin", admin).ok());
  EXPECT_THAT(Refusal(*auth, ContextFor("admin.pem")),
              HasSubstr("'spiffe://datarun.local/admin' has a malformed path "
                        "'/admin': expected /exchange or /dept/<department>"));
  admin.spiffe_id = "spiffe://datarun.local/dept/tax/extra";
  ASSERT_TRUE(dev_pki::IssueTestCertificate(dir_, "nested", admin).ok());
  EXPECT_THAT(Refusal(*auth, ContextFor("nested.pem")),
              HasSubstr("malformed path '/dept/tax/extra'"));

  FakeAuthContext bad_id;
  bad_id.Add("x509_pem_cert", Read("dept-tax.pem"));
  bad_id.Add("peer_spiffe_id", "spiffe://datarun.local/dept/../land");
  EXPECT_THAT(Refusal(*auth, bad_id), HasSubstr("SPIFFE id is malformed"));

  ASSERT_TRUE(dev_pki::Issue(dir_, kTd, "foo").ok());
  EXPECT_THAT(Refusal(*auth, ContextFor("dept-foo.pem")),
              HasSubstr("department 'foo' is not a member of the exchange"));

  ASSERT_TRUE(dev_pki::IssueForeign(dir_, kTd, "tax", "foreign").ok());
  EXPECT_THAT(Refusal(*auth, ContextFor("foreign.pem")),
              HasSubstr("is not issued by the CA in " + Path("ca.pem")));

  FakeAuthContext junk;
  junk.Add("x509_pem_cert", "junk");
  EXPECT_THAT(Refusal(*auth, junk), HasSubstr("not a PEM certificate"));
}

TEST_F(AuthenticatorTest, EmptyMembershipAcceptsOnlyTheExchange) {
  Authenticator::Options options = DefaultOptions();
  options.known_departments.clear();
  auto auth = Make(options);
  EXPECT_TRUE(auth->Authenticate(ContextFor("exchange.pem")).ok());
  EXPECT_THAT(Refusal(*auth, ContextFor("dept-tax.pem")),
              HasSubstr("department 'tax' is not a member"));
}

TEST_F(AuthenticatorTest, RevocationIsSeenWithoutRestart) {
  auto auth = Make(DefaultOptions());
  ASSERT_TRUE(auth->Authenticate(ContextFor("dept-tax.pem")).ok());
  FakeAuthContext old_tax = ContextFor("dept-tax.pem");

  auto serial = dev_pki::Revoke(dir_, "tax");
  ASSERT_TRUE(serial.ok()) << serial.status();
  EXPECT_EQ(
      Refusal(*auth, old_tax),
      absl::StrCat("certificate serial ", *serial,
                   " of department 'tax' is revoked by CRL ", Path("crl.pem")));
  EXPECT_TRUE(auth->Authenticate(ContextFor("dept-land.pem")).ok());

  // A re-issued certificate works again.
  ASSERT_TRUE(dev_pki::Issue(dir_, kTd, "tax").ok());
  EXPECT_TRUE(auth->Authenticate(ContextFor("dept-tax.pem")).ok());
  EXPECT_THAT(Refusal(*auth, old_tax), HasSubstr("is revoked"));

  // The exchange's own certificate can be revoked too.
  FakeAuthContext exchange = ContextFor("exchange.pem");
  ASSERT_TRUE(dev_pki::IssueExchange(dir_, kTd).ok());
  std::string exchange_serial = *CertificateSerialHex(Read("exchange.pem"));
  ASSERT_TRUE(
      WriteFileAtomically(Path("revoked.txt"),
                          absl::StrCat(*serial, "\n", exchange_serial, "\n"))
          .ok());
  ASSERT_TRUE(dev_pki::Revoke(dir_, "tax").ok());  // Rewrites crl.pem.
  EXPECT_THAT(Refusal(*auth, ContextFor("exchange.pem")),
              HasSubstr("of the exchange is revoked"));
}

TEST_F(AuthenticatorTest, BrokenNewCrlKeepsThePreviousOne) {
  auto auth = Make(DefaultOptions());
  FakeAuthContext tax = ContextFor("dept-tax.pem");
  FakeAuthContext land = ContextFor("dept-land.pem");
  ASSERT_TRUE(dev_pki::Revoke(dir_, "tax").ok());
  EXPECT_THAT(Refusal(*auth, tax), HasSubstr("is revoked"));

  // Garbage: keep revoking.
  ASSERT_TRUE(WriteFileAtomically(Path("crl.pem"), "garbage").ok());
  EXPECT_THAT(Refusal(*auth, tax), HasSubstr("is revoked"));
  EXPECT_TRUE(auth->Authenticate(land).ok());

  // An empty CRL signed by a foreign CA must not un-revoke anything.
  ASSERT_TRUE(dev_pki::IssueForeign(dir_, kTd, "land", "foreign").ok());
  KeyAndCert foreign_ca{Read("foreign-ca.key"), Read("foreign-ca.pem")};
  absl::Time now = absl::Now();
  auto forged = CreateCrl(foreign_ca, {}, now, now + absl::Hours(1));
  ASSERT_TRUE(forged.ok());
  ASSERT_TRUE(WriteFileAtomically(Path("crl.pem"), *forged).ok());
  EXPECT_THAT(Refusal(*auth, tax), HasSubstr("is revoked"));

  // A missing file keeps the list too.
  ASSERT_EQ(unlink(Path("crl.pem").c_str()), 0);
  EXPECT_THAT(Refusal(*auth, tax), HasSubstr("is revoked"));

  // A valid new CRL from our CA is taken.
  KeyAndCert ca{Read("ca.key"), Read("ca.pem")};
  auto empty = CreateCrl(ca, {}, now, now + absl::Hours(1));
  ASSERT_TRUE(empty.ok());
  ASSERT_TRUE(WriteFileAtomically(Path("crl.pem"), *empty).ok());
  EXPECT_TRUE(auth->Authenticate(tax).ok());
}

TEST_F(AuthenticatorTest, ConcurrentCallsDuringCrlRewrites) {
  auto auth = Make(DefaultOptions());
  FakeAuthContext tax = ContextFor("dept-tax.pem");
  FakeAuthContext land = ContextFor("dept-land.pem");
  std::string tax_serial = *CertificateSerialHex(Read("dept-tax.pem"));
  KeyAndCert ca{Read("ca.key"), Read("ca.pem")};

  std::atomic<bool> stop{false};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        auto a = auth->Authenticate(tax);
        if (!a.ok() && !absl::StrContains(a.status().message(), "is revoked")) {
          unexpected.fetch_add(1);
        }
        if (!auth->Authenticate(land).ok()) unexpected.fetch_add(1);
      }
    });
  }
  // Alternate between revoking and un-revoking tax.
  for (int i = 0; i < 20; ++i) {
    absl::Time now = absl::Now();
    std::vector<std::string> serials;
    if (i % 2 == 0) serials.push_back(tax_serial);
    auto crl = CreateCrl(ca, serials, now, now + absl::Hours(1));
    ASSERT_TRUE(crl.ok());
    ASSERT_TRUE(WriteFileAtomically(Path("crl.pem"), *crl).ok());
    // The writer's next call sees the new list.
    EXPECT_EQ(auth->Authenticate(tax).ok(), i % 2 == 1) << i;
  }
  stop.store(true);
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(unexpected.load(), 0);
}

TEST_F(AuthenticatorTest, CrlIsNotRereadBeforeTheCheckInterval) {
  Authenticator::Options options = DefaultOptions();
  options.crl_check_interval = absl::Hours(1);
  auto auth = Make(options);
  FakeAuthContext tax = ContextFor("dept-tax.pem");
  ASSERT_TRUE(auth->Authenticate(tax).ok());
  ASSERT_TRUE(dev_pki::Revoke(dir_, "tax").ok());
  EXPECT_TRUE(auth->Authenticate(tax).ok());

  // A new authenticator reads the current file.
  auto fresh = Make(options);
  EXPECT_THAT(Refusal(*fresh, tax), HasSubstr("is revoked"));
}

TEST_F(AuthenticatorTest, NoCrlMeansNoRevocationCheck) {
  ASSERT_TRUE(dev_pki::Revoke(dir_, "tax").ok());
  Authenticator::Options options = DefaultOptions();
  options.crl_path.clear();
  auto auth = Make(options);
  EXPECT_TRUE(auth->Authenticate(ContextFor("dept-tax.pem")).ok());
}

TEST_F(AuthenticatorTest, CreateErrorsNameTheProblem) {
  Authenticator::Options options = DefaultOptions();
  options.ca_cert_path = Path("missing.pem");
  auto missing = Authenticator::Create(options);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr(Path("missing.pem")));

  options = DefaultOptions();
  options.ca_cert_path = Path("revoked.txt");
  EXPECT_THAT(
      Authenticator::Create(options).status().message(),
      HasSubstr("CA " + Path("revoked.txt") + ": not a PEM certificate"));

  options = DefaultOptions();
  options.crl_path = Path("nope.pem");
  EXPECT_EQ(Authenticator::Create(options).status().code(),
            absl::StatusCode::kNotFound);

  ASSERT_TRUE(dev_pki::IssueForeign(dir_, kTd, "tax", "foreign").ok());
  KeyAndCert foreign_ca{Read("foreign-ca.key"), Read("foreign-ca.pem")};
  absl::Time now = absl::Now();
  ASSERT_TRUE(
      WriteFileAtomically(Path("forged-crl.pem"),
                          *CreateCrl(foreign_ca, {}, now, now + absl::Hours(1)))
          .ok());
  options = DefaultOptions();
  options.crl_path = Path("forged-crl.pem");
  auto forged = Authenticator::Create(options);
  EXPECT_EQ(forged.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      forged.status().message(),
      HasSubstr("CRL " + Path("forged-crl.pem") + " has a bad signature"));

  options = DefaultOptions();
  options.trust_domain = "Bad";
  EXPECT_EQ(Authenticator::Create(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options = DefaultOptions();
  options.known_departments = {"tax", "no/pe"};
  EXPECT_THAT(Authenticator::Create(options).status().message(),
              HasSubstr("department id 'no/pe'"));
}

}  // namespace
}  // namespace security
}  // namespace datarun
