#include "exchange/checkpoint/ed25519.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace datarun::checkpoint {
namespace {

// RFC 8032 section 7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
struct Rfc8032Vector {
  const char* secret_key;
  const char* public_key;
  const char* message;
  const char* signature;
};
constexpr Rfc8032Vector kRfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb882"
     "1590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1"
     "e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

TEST(Ed25519Test, Rfc8032Vectors) {
  for (const Rfc8032Vector& v : kRfc8032) {
    SCOPED_TRACE(v.public_key);
    absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> key =
        Ed25519PrivateKey::FromSeed(absl::HexStringToBytes(v.secret_key));
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(absl::BytesToHexString((*key)->public_key()), v.public_key);
    std::string message = absl::HexStringToBytes(v.message);
    absl::StatusOr<std::string> signature = (*key)->Sign(message);
    ASSERT_TRUE(signature.ok()) << signature.status();
    EXPECT_EQ(absl::BytesToHexString(*signature), v.signature);
    std::string public_key = absl::HexStringToBytes(v.public_key);
    EXPECT_TRUE(VerifyEd25519(public_key, message, *signature));

    std::string bad = *signature;
    bad[0] ^= 1;
    EXPECT_FALSE(VerifyEd25519(public_key, message, bad));
    EXPECT_FALSE(VerifyEd25519(public_key, message + "x", *signature));
    EXPECT_FALSE(VerifyEd25519(public_key, message, signature->substr(1)));
    EXPECT_FALSE(VerifyEd25519(public_key.substr(1), message, *signature));
  }
}

TEST(Ed25519Test, SeedMustBe32Bytes) {
  EXPECT_EQ(Ed25519PrivateKey::FromSeed("short").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Ed25519Test, PemRoundTrip) {
  absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> key =
      Ed25519PrivateKey::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::string> pem = (*key)->ToPem();
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----", 0), 0u) << *pem;
  absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> again =
      Ed25519PrivateKey::FromPem(*pem);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->public_key(), (*key)->public_key());
  absl::StatusOr<std::unique_ptr<Ed25519PrivateKey>> other =
      Ed25519PrivateKey::Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_NE((*other)->public_key(), (*key)->public_key());
}

std::string PemOf(EVP_PKEY* key, const EVP_CIPHER* cipher) {
  BIO* bio = BIO_new(BIO_s_mem());
  char pass[] = "secret";
  EXPECT_EQ(PEM_write_bio_PrivateKey(
                bio, key, cipher,
                cipher ? reinterpret_cast<unsigned char*>(pass) : nullptr,
                cipher ? 6 : 0, nullptr, nullptr),
            1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

TEST(Ed25519Test, FromPemRejectsOtherKeysWithoutPrompting) {
  EXPECT_EQ(Ed25519PrivateKey::FromPem("not a pem").status().code(),
            absl::StatusCode::kInvalidArgument);

  EVP_PKEY* ec = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  ASSERT_NE(ec, nullptr);
  absl::Status status = Ed25519PrivateKey::FromPem(PemOf(ec, nullptr)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("not Ed25519"), absl::string_view::npos)
      << status;
  EVP_PKEY_free(ec);

  EVP_PKEY* ed = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  ASSERT_NE(ed, nullptr);
  // Encrypted: must fail, not read a passphrase from the terminal.
  status = Ed25519PrivateKey::FromPem(PemOf(ed, EVP_aes_256_cbc())).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EVP_PKEY_free(ed);
}

}  // namespace
}  // namespace datarun::checkpoint
