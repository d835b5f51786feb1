#include "exchange/security/dev_pki.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "exchange/security/dev_pki_testing.h"
#include "exchange/security/revocation_list.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace security {
namespace dev_pki {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kTd[] = "datarun.local";

class DevPkiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dev_pki_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
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
  int Mode(const std::string& file) const {
    struct stat st;
    if (stat(Path(file).c_str(), &st) != 0) return -1;
    return st.st_mode & 0777;
  }
  std::string Serial(const std::string& file) const {
    auto serial = CertificateSerialHex(Read(file));
    EXPECT_TRUE(serial.ok()) << serial.status();
    return serial.ok() ? *serial : "";
  }

  std::string dir_;
};

TEST_F(DevPkiTest, InitWritesTheLayout) {
  auto report = Init(dir_, kTd, {"land", "tax"});
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_THAT(report->lines, Contains("created ca.pem"));
  for (const char* file : {"ca.pem", "exchange.pem", "dept-land.pem",
                           "dept-tax.pem", "crl.pem", "revoked.txt"}) {
    EXPECT_EQ(Mode(file), 0644) << file;
  }
  for (const char* file :
       {"ca.key", "exchange.key", "dept-land.key", "dept-tax.key"}) {
    EXPECT_EQ(Mode(file), 0600) << file;
  }

  std::string ca = Read("ca.pem");
  absl::Time now = absl::Now();
  auto ca_info = InspectCertificate(ca);
  ASSERT_TRUE(ca_info.ok());
  EXPECT_TRUE(ca_info->is_ca);
  EXPECT_GT(ca_info->not_after, now + absl::Hours(24 * 3649));

  auto exchange = InspectCertificate(Read("exchange.pem"));
  ASSERT_TRUE(exchange.ok());
  EXPECT_THAT(exchange->uris, ElementsAre("spiffe://datarun.local/exchange"));
  EXPECT_THAT(exchange->dns_names,
              ElementsAre("exchange.datarun.local", "localhost"));
  EXPECT_THAT(exchange->ip_addresses, ElementsAre("127.0.0.1"));

  auto tax = InspectCertificate(Read("dept-tax.pem"));
  ASSERT_TRUE(tax.ok());
  EXPECT_THAT(tax->uris, ElementsAre("spiffe://datarun.local/dept/tax"));
  EXPECT_THAT(tax->dns_names,
              ElementsAre("tax.dept.datarun.local", "localhost"));
  EXPECT_THAT(tax->ip_addresses, ElementsAre("127.0.0.1"));
  EXPECT_LT(tax->not_before, now - absl::Minutes(59));
  EXPECT_GT(tax->not_before, now - absl::Minutes(61));
  EXPECT_GT(tax->not_after, now + absl::Hours(24 * 364));
  EXPECT_LT(tax->not_after, now + absl::Hours(24 * 366));

  for (const char* file : {"exchange.pem", "dept-land.pem", "dept-tax.pem"}) {
    EXPECT_TRUE(VerifyCertificate(Read(file), ca, true).ok()) << file;
  }
  EXPECT_TRUE(
      CheckKeyMatchesCertificate(Read("dept-tax.key"), Read("dept-tax.pem"))
          .ok());
  auto crl = RevocationList::Parse(Read("crl.pem"), "crl", ca, "ca");
  ASSERT_TRUE(crl.ok()) << crl.status();
  EXPECT_TRUE((*crl)->serials().empty());

  auto td = TrustDomain(dir_);
  ASSERT_TRUE(td.ok());
  EXPECT_EQ(*td, kTd);
  EXPECT_EQ(DepartmentTlsFiles(dir_, "tax").cert(), Path("dept-tax.pem"));
  EXPECT_EQ(DepartmentTlsFiles(dir_, "tax").crl(), Path("crl.pem"));
  EXPECT_EQ(ExchangeTlsFiles(dir_).key(), Path("exchange.key"));
  EXPECT_EQ(ExchangeServerName(kTd), "exchange.datarun.local");
  EXPECT_EQ(DepartmentServerName(kTd, "tax"), "tax.dept.datarun.local");
}

TEST_F(DevPkiTest, InitIsIdempotentAndCompletes) {
  ASSERT_TRUE(Init(dir_, kTd, {"tax"}).ok());
  std::string ca = Read("ca.pem");
  std::string tax = Serial("dept-tax.pem");
  std::string crl = Read("crl.pem");

  auto again = Init(dir_, kTd, {"tax", "land"});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Read("ca.pem"), ca);
  EXPECT_EQ(Serial("dept-tax.pem"), tax);
  EXPECT_EQ(Read("crl.pem"), crl);
  EXPECT_THAT(again->lines, Contains("kept dept-tax.pem"));
  EXPECT_THAT(again->lines, Contains("created dept-land.pem (missing)"));

  // A lost key makes Init re-issue that identity only.
  ASSERT_EQ(unlink(Path("dept-tax.key").c_str()), 0);
  std::string land = Serial("dept-land.pem");
  auto repaired = Init(dir_, kTd, {"tax", "land"});
  ASSERT_TRUE(repaired.ok());
  EXPECT_THAT(repaired->lines,
              Contains("created dept-tax.pem (dept-tax.key missing)"));
  EXPECT_NE(Serial("dept-tax.pem"), tax);
  EXPECT_EQ(Serial("dept-land.pem"), land);
  EXPECT_TRUE(
      CheckKeyMatchesCertificate(Read("dept-tax.key"), Read("dept-tax.pem"))
          .ok());
}

TEST_F(DevPkiTest, InitRefusesInconsistentDirectories) {
  ASSERT_TRUE(Init(dir_, kTd, {"tax"}).ok());
  auto other = Init(dir_, "other.local", {"tax"});
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other.status().message(),
              HasSubstr("trust domain 'datarun.local', not 'other.local'"));

  ASSERT_EQ(unlink(Path("ca.key").c_str()), 0);
  auto half = Init(dir_, kTd, {"tax"});
  EXPECT_EQ(half.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(half.status().message(), HasSubstr(Path("ca.key")));

  EXPECT_EQ(Init(dir_, kTd, {"../evil"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Init(dir_, "Bad_TD", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(DevPkiTest, IssueReplacesTheCertificate) {
  auto none = Issue(dir_, kTd, "tax");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(), HasSubstr("datarunctl pki init"));

  ASSERT_TRUE(Init(dir_, kTd, {"tax"}).ok());
  std::string old_serial = Serial("dept-tax.pem");
  auto serial = Issue(dir_, kTd, "tax");
  ASSERT_TRUE(serial.ok()) << serial.status();
  EXPECT_NE(*serial, old_serial);
  EXPECT_EQ(Serial("dept-tax.pem"), *serial);
  auto exchange = IssueExchange(dir_, kTd);
  ASSERT_TRUE(exchange.ok());
  EXPECT_EQ(Serial("exchange.pem"), *exchange);
  EXPECT_EQ(Issue(dir_, kTd, "a/b").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(DevPkiTest, RevokeListsTheSerialInTheCrl) {
  ASSERT_TRUE(Init(dir_, kTd, {"tax", "land"}).ok());
  std::string tax = Serial("dept-tax.pem");
  auto revoked = Revoke(dir_, "tax");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(*revoked, tax);
  // Twice is the same as once.
  ASSERT_TRUE(Revoke(dir_, "tax").ok());
  std::string text = Read("revoked.txt");
  EXPECT_EQ(text.find(tax), text.rfind(tax));

  auto crl =
      RevocationList::Parse(Read("crl.pem"), "crl", Read("ca.pem"), "ca");
  ASSERT_TRUE(crl.ok()) << crl.status();
  EXPECT_TRUE((*crl)->IsRevoked(tax));
  EXPECT_FALSE((*crl)->IsRevoked(Serial("dept-land.pem")));
  EXPECT_EQ((*crl)->serials().size(), 1u);

  // A re-issued certificate is not revoked; Init keeps the CRL.
  ASSERT_TRUE(Issue(dir_, kTd, "tax").ok());
  auto report = Init(dir_, kTd, {"tax", "land"});
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->lines, Contains("kept crl.pem"));

  auto listed = List(dir_);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_EQ((*listed)[0].file, "ca.pem");
  EXPECT_EQ((*listed)[1].file, "exchange.pem");
  EXPECT_EQ((*listed)[2].file, "dept-land.pem");
  EXPECT_EQ((*listed)[3].file, "dept-tax.pem");
  EXPECT_EQ((*listed)[3].spiffe_id, "spiffe://datarun.local/dept/tax");
  EXPECT_FALSE((*listed)[3].revoked);

  EXPECT_EQ(Revoke(dir_, "housing").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(DevPkiTest, InitRewritesCrlThatDoesNotMatchRevokedTxt) {
  ASSERT_TRUE(Init(dir_, kTd, {"tax"}).ok());
  ASSERT_TRUE(
      WriteFileAtomically(Path("revoked.txt"), "# c\n0A0B  # x\n").ok());
  auto report = Init(dir_, kTd, {"tax"});
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->lines,
              Contains("created crl.pem (out of date with revoked.txt)"));
  auto crl =
      RevocationList::Parse(Read("crl.pem"), "crl", Read("ca.pem"), "ca");
  ASSERT_TRUE(crl.ok());
  EXPECT_TRUE((*crl)->IsRevoked("A0B"));

  ASSERT_TRUE(WriteFileAtomically(Path("revoked.txt"), "zz\n").ok());
  auto bad = Revoke(dir_, "tax");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(),
              HasSubstr(Path("revoked.txt") + ":1: serial 'zz'"));
}

TEST_F(DevPkiTest, WebServerCertificateNamesLocalhostAndIsKept) {
  ASSERT_TRUE(Init(dir_, kTd, {"tax"}).ok());
  auto created = EnsureWebServerCertificate(dir_);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_THAT(*created, HasSubstr("created gateway-web.pem (missing)"));
  EXPECT_EQ(Mode("gateway-web.key"), 0600);
  auto info = InspectCertificate(Read("gateway-web.pem"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_THAT(info->dns_names, ElementsAre("localhost"));
  EXPECT_THAT(info->ip_addresses, ElementsAre("127.0.0.1"));
  EXPECT_THAT(info->uris, IsEmpty());
  EXPECT_FALSE(info->is_ca);
  EXPECT_TRUE(
      VerifyCertificate(Read("gateway-web.pem"), Read("ca.pem"), true).ok());
  EXPECT_TRUE(CheckKeyMatchesCertificate(Read("gateway-web.key"),
                                         Read("gateway-web.pem"))
                  .ok());
  const std::string serial = Serial("gateway-web.pem");

  auto kept = EnsureWebServerCertificate(dir_);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(*kept, "kept gateway-web.pem");
  EXPECT_EQ(Serial("gateway-web.pem"), serial);

  // A key that does not belong to the certificate is replaced.
  ASSERT_TRUE(
      WriteFileAtomically(Path("gateway-web.key"), Read("dept-tax.key"), 0600)
          .ok());
  auto repaired = EnsureWebServerCertificate(dir_);
  ASSERT_TRUE(repaired.ok()) << repaired.status();
  EXPECT_THAT(*repaired, HasSubstr("created gateway-web.pem"));
  EXPECT_NE(Serial("gateway-web.pem"), serial);
}

TEST_F(DevPkiTest, WebServerCertificateNeedsTheCa) {
  auto result = EnsureWebServerCertificate(dir_);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(DevPkiTest, TestIdentities) {
  ASSERT_TRUE(Init(dir_, kTd, {"tax"}).ok());
  std::string ca = Read("ca.pem");

  auto expired = IssueExpired(dir_, kTd, "tax", "expired-tax");
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(expired->cert(), Path("expired-tax.pem"));
  EXPECT_EQ(expired->ca_cert(), Path("ca.pem"));
  EXPECT_THAT(VerifyCertificate(Read("expired-tax.pem"), ca, true).message(),
              HasSubstr("expired"));
  EXPECT_TRUE(VerifyCertificate(Read("expired-tax.pem"), ca, false).ok());

  auto plain = IssueWithoutSpiffe(dir_, kTd, "tax", "plain-tax");
  ASSERT_TRUE(plain.ok()) << plain.status();
  auto plain_info = InspectCertificate(Read("plain-tax.pem"));
  EXPECT_THAT(plain_info->uris, IsEmpty());
  EXPECT_THAT(plain_info->dns_names, Contains("tax.dept.datarun.local"));
  EXPECT_TRUE(VerifyCertificate(Read("plain-tax.pem"), ca, true).ok());

  auto foreign = IssueForeign(dir_, kTd, "tax", "foreign-tax");
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  EXPECT_EQ(foreign->ca_cert(), Path("ca.pem"));
  EXPECT_FALSE(VerifyCertificate(Read("foreign-tax.pem"), ca, true).ok());
  EXPECT_TRUE(VerifyCertificate(Read("foreign-tax.pem"),
                                Read("foreign-tax-ca.pem"), true)
                  .ok());
  EXPECT_EQ(InspectCertificate(Read("foreign-tax-ca.pem"))->common_name,
            InspectCertificate(ca)->common_name);
  EXPECT_EQ(Mode("foreign-tax.key"), 0600);

  CertificateSpec spec =
      DepartmentCertificateSpec("evil.org", "tax", absl::Now());
  auto evil = IssueTestCertificate(dir_, "evil-tax", spec);
  ASSERT_TRUE(evil.ok());
  EXPECT_THAT(InspectCertificate(Read("evil-tax.pem"))->uris,
              ElementsAre("spiffe://evil.org/dept/tax"));
  EXPECT_EQ(IssueTestCertificate(dir_, "../x", spec).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(IssueTestCertificate(dir_, "ca", spec).status().code(),
            absl::StatusCode::kInvalidArgument);

  // The real identities are untouched and the listing shows the extras.
  EXPECT_TRUE(VerifyCertificate(Read("dept-tax.pem"), ca, true).ok());
  auto listed = List(dir_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 3u + 5u);
}

}  // namespace
}  // namespace dev_pki
}  // namespace security
}  // namespace datarun
