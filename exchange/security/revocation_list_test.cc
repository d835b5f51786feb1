#include "exchange/security/revocation_list.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "exchange/security/pki.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace security {
namespace {

using ::testing::HasSubstr;

KeyAndCert NewCa(const std::string& name) {
  absl::Time now = absl::Now();
  auto ca = CreateCertificateAuthority(name, now - absl::Hours(1),
                                       now + absl::Hours(24));
  EXPECT_TRUE(ca.ok()) << ca.status();
  return *ca;
}

TEST(RevocationListTest, ParsesSerialsOfCrlSignedByCa) {
  KeyAndCert ca = NewCa("CA one");
  absl::Time now = absl::Now();
  auto pem = CreateCrl(ca, {"0a:bc", "FF"}, now, now + absl::Hours(2));
  ASSERT_TRUE(pem.ok()) << pem.status();
  auto crl = RevocationList::Parse(*pem, "CRL c.pem", ca.cert_pem, "CA a.pem");
  ASSERT_TRUE(crl.ok()) << crl.status();
  EXPECT_TRUE((*crl)->IsRevoked("ABC"));
  EXPECT_TRUE((*crl)->IsRevoked("FF"));
  EXPECT_FALSE((*crl)->IsRevoked("ABD"));
  EXPECT_EQ((*crl)->serials().size(), 2u);
  EXPECT_EQ(absl::ToUnixSeconds((*crl)->this_update()),
            absl::ToUnixSeconds(now));
  EXPECT_EQ(absl::ToUnixSeconds((*crl)->next_update()),
            absl::ToUnixSeconds(now + absl::Hours(2)));
}

TEST(RevocationListTest, EmptyCrlIsValid) {
  KeyAndCert ca = NewCa("CA one");
  absl::Time now = absl::Now();
  auto pem = CreateCrl(ca, {}, now, now + absl::Hours(2));
  ASSERT_TRUE(pem.ok());
  auto crl = RevocationList::Parse(*pem, "CRL", ca.cert_pem, "CA");
  ASSERT_TRUE(crl.ok()) << crl.status();
  EXPECT_TRUE((*crl)->serials().empty());
}

TEST(RevocationListTest, RejectsCrlOfAnotherCa) {
  KeyAndCert ca = NewCa("CA one");
  KeyAndCert impostor = NewCa("CA one");  // Same name, other key.
  KeyAndCert other = NewCa("CA two");
  absl::Time now = absl::Now();
  auto forged = CreateCrl(impostor, {}, now, now + absl::Hours(1));
  auto foreign = CreateCrl(other, {}, now, now + absl::Hours(1));
  ASSERT_TRUE(forged.ok() && foreign.ok());

  auto a = RevocationList::Parse(*forged, "CRL /x/crl.pem", ca.cert_pem,
                                 "CA /x/ca.pem");
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(a.status().message(),
              HasSubstr("CRL /x/crl.pem has a bad signature: it was not "
                        "signed by CA /x/ca.pem"));
  auto b = RevocationList::Parse(*foreign, "CRL /x/crl.pem", ca.cert_pem,
                                 "CA /x/ca.pem");
  EXPECT_THAT(b.status().message(),
              HasSubstr("CRL /x/crl.pem is not issued by CA /x/ca.pem"));

  // A bundle holding both CAs accepts the other CA's CRL.
  auto c = RevocationList::Parse(*foreign, "CRL", ca.cert_pem + other.cert_pem,
                                 "CA bundle");
  EXPECT_TRUE(c.ok()) << c.status();
}

TEST(RevocationListTest, RejectsJunk) {
  KeyAndCert ca = NewCa("CA one");
  auto a = RevocationList::Parse("junk", "CRL /x/crl.pem", ca.cert_pem, "CA");
  EXPECT_THAT(a.status().message(), HasSubstr("CRL /x/crl.pem: not a PEM CRL"));
  auto b = RevocationList::Parse("junk", "CRL", "junk", "CA /x/ca.pem");
  EXPECT_FALSE(b.ok());
}

}  // namespace
}  // namespace security
}  // namespace datarun
