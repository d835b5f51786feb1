#include "exchange/security/pki.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <string>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace security {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Independent OpenSSL helpers: the checks below do not trust the code under
// test to parse its own output.
X509* ReadCert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

X509_CRL* ReadCrl(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509_CRL* crl = PEM_read_bio_X509_CRL(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return crl;
}

// Returns X509_V_OK or the OpenSSL verification error.
int VerifyWithOpenSsl(const std::string& leaf_pem, const std::string& ca_pem,
                      int purpose) {
  X509* leaf = ReadCert(leaf_pem);
  X509* ca = ReadCert(ca_pem);
  EXPECT_NE(leaf, nullptr);
  EXPECT_NE(ca, nullptr);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, leaf, nullptr);
  X509_STORE_CTX_set_purpose(ctx, purpose);
  int result =
      X509_verify_cert(ctx) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  X509_free(ca);
  X509_free(leaf);
  return result;
}

class PkiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = absl::Now();
    auto ca = CreateCertificateAuthority("test CA", now_ - absl::Hours(1),
                                         now_ + absl::Hours(24 * 365));
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = *ca;
  }

  CertificateSpec TaxSpec() const {
    CertificateSpec spec;
    spec.common_name = "tax";
    spec.spiffe_id = "spiffe://datarun.local/dept/tax";
    spec.dns_names = {"tax.dept.datarun.local", "localhost"};
    spec.ip_addresses = {"127.0.0.1", "::1"};
    spec.not_before = now_ - absl::Hours(1);
    spec.not_after = now_ + absl::Hours(24);
    return spec;
  }

  absl::Time now_;
  KeyAndCert ca_;
};

TEST_F(PkiTest, CertificateAuthorityIsSelfSignedCa) {
  EXPECT_EQ(VerifyWithOpenSsl(ca_.cert_pem, ca_.cert_pem, X509_PURPOSE_ANY),
            X509_V_OK);
  auto info = InspectCertificate(ca_.cert_pem);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_TRUE(info->is_ca);
  EXPECT_EQ(info->common_name, "test CA");
  EXPECT_EQ(info->issuer_common_name, "test CA");
  EXPECT_THAT(ca_.key_pem, HasSubstr("BEGIN PRIVATE KEY"));
}

TEST_F(PkiTest, LeafVerifiesAgainstCaForClientAndServer) {
  auto leaf = IssueCertificate(ca_, TaxSpec());
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  EXPECT_EQ(
      VerifyWithOpenSsl(leaf->cert_pem, ca_.cert_pem, X509_PURPOSE_SSL_CLIENT),
      X509_V_OK);
  EXPECT_EQ(
      VerifyWithOpenSsl(leaf->cert_pem, ca_.cert_pem, X509_PURPOSE_SSL_SERVER),
      X509_V_OK);
  EXPECT_TRUE(VerifyCertificate(leaf->cert_pem, ca_.cert_pem, true).ok());
  EXPECT_TRUE(CheckKeyMatchesCertificate(leaf->key_pem, leaf->cert_pem).ok());
  EXPECT_FALSE(CheckKeyMatchesCertificate(ca_.key_pem, leaf->cert_pem).ok());
}

TEST_F(PkiTest, LeafHasNamesAndExtensions) {
  auto leaf = IssueCertificate(ca_, TaxSpec());
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  auto info = InspectCertificate(leaf->cert_pem);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->common_name, "tax");
  EXPECT_EQ(info->issuer_common_name, "test CA");
  EXPECT_THAT(info->uris, ElementsAre("spiffe://datarun.local/dept/tax"));
  EXPECT_THAT(info->dns_names,
              ElementsAre("tax.dept.datarun.local", "localhost"));
  EXPECT_THAT(info->ip_addresses, ElementsAre("127.0.0.1", "::1"));
  EXPECT_FALSE(info->is_ca);
  EXPECT_EQ(absl::ToUnixSeconds(info->not_after),
            absl::ToUnixSeconds(now_ + absl::Hours(24)));

  X509* cert = ReadCert(leaf->cert_pem);
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_check_host(cert, "tax.dept.datarun.local", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_get_extension_flags(cert) & EXFLAG_CA, 0u);
  uint32_t xku = X509_get_extended_key_usage(cert);
  EXPECT_TRUE(xku & XKU_SSL_SERVER);
  EXPECT_TRUE(xku & XKU_SSL_CLIENT);
  uint32_t ku = X509_get_key_usage(cert);
  EXPECT_TRUE(ku & KU_DIGITAL_SIGNATURE);
  EXPECT_TRUE(ku & KU_KEY_ENCIPHERMENT);
  EXPECT_FALSE(ku & KU_KEY_CERT_SIGN);
  EXPECT_NE(X509_get0_subject_key_id(cert), nullptr);
  EXPECT_NE(X509_get0_authority_key_id(cert), nullptr);
  X509_free(cert);
}

TEST_F(PkiTest, SerialsAreRandom128BitCanonicalHex) {
  auto a = IssueCertificate(ca_, TaxSpec());
  auto b = IssueCertificate(ca_, TaxSpec());
  ASSERT_TRUE(a.ok() && b.ok());
  auto sa = CertificateSerialHex(a->cert_pem);
  auto sb = CertificateSerialHex(b->cert_pem);
  ASSERT_TRUE(sa.ok() && sb.ok());
  EXPECT_NE(*sa, *sb);
  EXPECT_EQ(sa->size(), 32u);
  EXPECT_EQ(*NormalizeSerialHex(*sa), *sa);
  auto info = InspectCertificate(a->cert_pem);
  EXPECT_EQ(info->serial_hex, *sa);
}

TEST_F(PkiTest, ForeignCaCertificateDoesNotVerify) {
  auto foreign_ca = CreateCertificateAuthority("test CA", now_ - absl::Hours(1),
                                               now_ + absl::Hours(24));
  ASSERT_TRUE(foreign_ca.ok());
  auto leaf = IssueCertificate(*foreign_ca, TaxSpec());
  ASSERT_TRUE(leaf.ok());
  EXPECT_NE(
      VerifyWithOpenSsl(leaf->cert_pem, ca_.cert_pem, X509_PURPOSE_SSL_CLIENT),
      X509_V_OK);
  absl::Status status = VerifyCertificate(leaf->cert_pem, ca_.cert_pem, false);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PkiTest, ExpiredCertificateFailsOnlyWithTimeCheck) {
  CertificateSpec spec = TaxSpec();
  spec.not_before = now_ - absl::Hours(48);
  spec.not_after = now_ - absl::Hours(24);
  auto leaf = IssueCertificate(ca_, spec);
  ASSERT_TRUE(leaf.ok());
  EXPECT_EQ(VerifyWithOpenSsl(leaf->cert_pem, ca_.cert_pem, X509_PURPOSE_ANY),
            X509_V_ERR_CERT_HAS_EXPIRED);
  absl::Status status = VerifyCertificate(leaf->cert_pem, ca_.cert_pem, true);
  EXPECT_THAT(status.message(), HasSubstr("expired"));
  EXPECT_TRUE(VerifyCertificate(leaf->cert_pem, ca_.cert_pem, false).ok());
}

TEST_F(PkiTest, CrlListsRevokedSerialsAndIsSignedByCa) {
  auto leaf = IssueCertificate(ca_, TaxSpec());
  auto other = IssueCertificate(ca_, TaxSpec());
  ASSERT_TRUE(leaf.ok() && other.ok());
  std::string serial = *CertificateSerialHex(leaf->cert_pem);
  // Lowercase, colon form and duplicates are accepted.
  std::string lower = serial;
  for (char& c : lower) c = static_cast<char>(tolower(c));
  auto crl_pem =
      CreateCrl(ca_, {serial, lower, "0x01"}, now_, now_ + absl::Hours(24));
  ASSERT_TRUE(crl_pem.ok()) << crl_pem.status();

  X509_CRL* crl = ReadCrl(*crl_pem);
  ASSERT_NE(crl, nullptr);
  EXPECT_EQ(X509_CRL_get_version(crl), X509_CRL_VERSION_2);
  EXPECT_EQ(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), 2);
  X509* ca = ReadCert(ca_.cert_pem);
  X509* revoked = ReadCert(leaf->cert_pem);
  X509* good = ReadCert(other->cert_pem);
  EXPECT_EQ(X509_CRL_verify(crl, X509_get0_pubkey(ca)), 1);
  EXPECT_EQ(X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)),
            0);
  X509_REVOKED* entry = nullptr;
  EXPECT_EQ(X509_CRL_get0_by_cert(crl, &entry, revoked), 1);
  EXPECT_EQ(X509_CRL_get0_by_cert(crl, &entry, good), 0);

  // A foreign CA's key does not verify it.
  auto foreign = CreateCertificateAuthority("x", now_ - absl::Hours(1),
                                            now_ + absl::Hours(1));
  X509* foreign_cert = ReadCert(foreign->cert_pem);
  EXPECT_NE(X509_CRL_verify(crl, X509_get0_pubkey(foreign_cert)), 1);
  X509_free(foreign_cert);
  X509_free(good);
  X509_free(revoked);
  X509_free(ca);
  X509_CRL_free(crl);
}

TEST_F(PkiTest, BadInputsAreNamed) {
  CertificateSpec spec = TaxSpec();
  spec.spiffe_id = "https://datarun.local/dept/tax";
  EXPECT_THAT(IssueCertificate(ca_, spec).status().message(),
              HasSubstr("not a SPIFFE id"));
  spec = TaxSpec();
  spec.ip_addresses = {"300.1.1.1"};
  EXPECT_THAT(IssueCertificate(ca_, spec).status().message(),
              HasSubstr("ip address '300.1.1.1'"));
  spec = TaxSpec();
  spec.dns_names = {"bad,name"};
  EXPECT_THAT(IssueCertificate(ca_, spec).status().message(),
              HasSubstr("dns name 'bad,name'"));
  spec = TaxSpec();
  spec.not_after = spec.not_before;
  EXPECT_EQ(IssueCertificate(ca_, spec).status().code(),
            absl::StatusCode::kInvalidArgument);
  KeyAndCert mismatched = ca_;
  mismatched.key_pem = IssueCertificate(ca_, TaxSpec())->key_pem;
  EXPECT_THAT(IssueCertificate(mismatched, TaxSpec()).status().message(),
              HasSubstr("CA key does not match"));
  EXPECT_THAT(
      CreateCrl(ca_, {"xyz"}, now_, now_ + absl::Hours(1)).status().message(),
      HasSubstr("serial 'xyz'"));
  EXPECT_THAT(CertificateSerialHex("junk").status().message(),
              HasSubstr("not a PEM certificate"));
}

TEST(NormalizeSerialHexTest, CanonicalForm) {
  EXPECT_EQ(*NormalizeSerialHex("0a:1b:ff"), "A1BFF");
  EXPECT_EQ(*NormalizeSerialHex("0x0A1BFF"), "A1BFF");
  EXPECT_EQ(*NormalizeSerialHex(" a1bff\n"), "A1BFF");
  EXPECT_EQ(*NormalizeSerialHex("000"), "0");
  EXPECT_FALSE(NormalizeSerialHex("").ok());
  EXPECT_FALSE(NormalizeSerialHex("0x").ok());
  EXPECT_FALSE(NormalizeSerialHex("12g4").ok());
}

}  // namespace
}  // namespace security
}  // namespace datarun
