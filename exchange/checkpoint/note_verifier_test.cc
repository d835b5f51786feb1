#include "exchange/checkpoint/note_verifier.h"

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "exchange/checkpoint/checkpoint.h"
#include "exchange/checkpoint/note_signer.h"
#include "exchange/checkpoint/note_testing.h"
#include "exchange/checkpoint/note_text.h"
#include "exchange/merkle/hash.h"
#include "gtest/gtest.h"

namespace datarun::checkpoint {
namespace {

using testing::kEnochSignature;
using testing::kEnochVerifierKey;
using testing::kPeterSignature;
using testing::kPeterVerifierKey;
using testing::kText;

NoteVerifier Peter() {
  return *NoteVerifier::FromVerifierKey(kPeterVerifierKey);
}

TEST(NoteVerifierTest, ParsesGoVerifierKey) {
  absl::StatusOr<NoteVerifier> v =
      NoteVerifier::FromVerifierKey(kPeterVerifierKey);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->name(), "PeterNeumann");
  EXPECT_EQ(v->key_id(), 0xc74f20a3u);
  EXPECT_EQ(v->VerifierKey(), kPeterVerifierKey);
}

// Like Go's TestNewVerifier: every substring and one-byte change is refused,
// as are a wrong-length key and an unknown algorithm with matching key IDs.
TEST(NoteVerifierTest, RejectsMangledVerifierKeys) {
  std::string vkey = kPeterVerifierKey;
  for (size_t i = 0; i <= vkey.size(); ++i) {
    for (size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      EXPECT_FALSE(NoteVerifier::FromVerifierKey(vkey.substr(i, j - i)).ok())
          << vkey.substr(i, j - i);
    }
  }
  for (size_t i = 0; i < vkey.size(); ++i) {
    std::string bad = vkey;
    ++bad[i];
    EXPECT_FALSE(NoteVerifier::FromVerifierKey(bad).ok()) << bad;
  }
  absl::Status status =
      NoteVerifier::FromVerifierKey(
          "PeterNeumann+cc469956+"
          "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  // The same with canonical base64 and a matching key ID: only the length
  // is wrong.
  std::string long_key;
  ASSERT_TRUE(absl::Base64Unescape(
      "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &long_key));
  long_key += "BAD";
  status =
      NoteVerifier::FromVerifierKey(
          absl::StrCat("PeterNeumann+",
                       KeyIdHex(KeyId("PeterNeumann", kSignatureTypeEd25519,
                                      long_key.substr(1))),
                       "+", absl::Base64Escape(long_key)))
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("1 + 32 bytes, got 36"),
            absl::string_view::npos)
      << status;
  status = NoteVerifier::FromVerifierKey(
               "PeterNeumann+173116ae+"
               "ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
               .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("not supported"), absl::string_view::npos)
      << status;
  status = NoteVerifier::FromVerifierKey(
               "PeterNeumann+c74f20a4+"
               "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
               .status();
  EXPECT_NE(status.message().find("says key ID c74f20a4"),
            absl::string_view::npos)
      << status;
}

TEST(NoteVerifierTest, OpensGoNotes) {
  absl::StatusOr<std::string> text =
      Peter().Open(absl::StrCat(kText, "\n", kPeterSignature));
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, kText);

  // Signed by two keys: each verifier finds its own and ignores the other.
  std::string both =
      absl::StrCat(kText, "\n", kPeterSignature, kEnochSignature);
  text = Peter().Open(both);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, kText);
  absl::StatusOr<NoteVerifier> enoch =
      NoteVerifier::FromVerifierKey(kEnochVerifierKey);
  ASSERT_TRUE(enoch.ok()) << enoch.status();
  text = enoch->Open(both);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, kText);
}

TEST(NoteVerifierTest, UnknownKey) {
  absl::Status status =
      Peter().Open(absl::StrCat(kText, "\n", kEnochSignature)).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(status.message().find("PeterNeumann+c74f20a3"),
            absl::string_view::npos)
      << status;
  EXPECT_NE(status.message().find("EnochRoot+af0cfe78"),
            absl::string_view::npos)
      << status;
  // Same name, other key: not ours, so ignored rather than failed.
  absl::StatusOr<std::unique_ptr<NoteSigner>> impostor =
      NoteSigner::Generate("PeterNeumann");
  ASSERT_TRUE(impostor.ok());
  absl::StatusOr<std::string> forged = (*impostor)->Sign(kText);
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(Peter().Open(*forged).status().code(), absl::StatusCode::kNotFound);
}

TEST(NoteVerifierTest, TamperedNotesFail) {
  std::string note = absl::StrCat(kText, "\n", kPeterSignature);
  std::string altered_text = note;
  altered_text.replace(note.find("cryptography"), 12, "cryptographY");
  absl::Status status = Peter().Open(altered_text).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(status.message().find("PeterNeumann+c74f20a3"),
            absl::string_view::npos)
      << status;

  // Go's "invalid signature" case: extra base64 inside the signature.
  std::string sig = kPeterSignature;
  std::string longer_sig = sig.substr(0, 60) + "ABCD" + sig.substr(60);
  EXPECT_EQ(Peter().Open(absl::StrCat(kText, "\n", longer_sig)).status().code(),
            absl::StatusCode::kUnauthenticated);

  // One flipped bit in the signature bytes (keeping the key ID).
  std::string flipped = sig;
  size_t pos = flipped.rfind(' ') + 20;
  flipped[pos] = flipped[pos] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Peter().Open(absl::StrCat(kText, "\n", flipped)).status().code(),
            absl::StatusCode::kUnauthenticated);

  // A valid signature by our key plus a bad one by our key: rejected.
  EXPECT_EQ(Peter()
                .Open(absl::StrCat(kText, "\n", kPeterSignature, longer_sig))
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
}

// Go's TestOpen "invalid encoded message syntax" cases, plus a few more.
TEST(NoteVerifierTest, MalformedNotes) {
  std::string text = kText;
  std::string sig = kPeterSignature;
  std::string too_many;
  for (int i = 0; i < 101; ++i) too_many += sig;
  for (const std::string& bad : {
           text,
           text + "\n",
           text + "\n" + sig.substr(0, sig.size() - 1),
           "\x01" + text + "\n" + sig,
           "\xff" + text + "\n" + sig,
           text + "\n" +
               "\xE2\x80\x94 Bad Name "
               "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZ"
               "InNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
           text + "\n" + sig + "Unexpected line.\n",
           text + "\n" + too_many,
           text + "\n" + "- PeterNeumann " + sig.substr(sig.rfind(' ') + 1),
           text + "\n" + "\xE2\x80\x94 PeterNeumann\n",
           text + "\n" + "\xE2\x80\x94 PeterNeumann AAAA\n",
           text + "\n" + "\xE2\x80\x94 PeterNeumann not*base64\n",
           std::string(""),
       }) {
    absl::Status status = Peter().Open(bad).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << bad << " gave " << status;
    EXPECT_NE(status.message().find("malformed note"), absl::string_view::npos)
        << status;
  }
}

TEST(NoteVerifierTest, SignedCheckpointRoundTrip) {
  absl::StatusOr<std::unique_ptr<NoteSigner>> signer =
      NoteSigner::Generate("datarun.example/audit/node-1");
  ASSERT_TRUE(signer.ok());
  Checkpoint checkpoint{
      "datarun.example/audit/node-1", 42, merkle::HashLeaf("root"), {}};
  absl::StatusOr<std::string> note = (*signer)->Sign(FormatBody(checkpoint));
  ASSERT_TRUE(note.ok()) << note.status();
  absl::StatusOr<NoteVerifier> verifier =
      NoteVerifier::FromVerifierKey((*signer)->VerifierKey());
  ASSERT_TRUE(verifier.ok());
  absl::StatusOr<std::string> body = verifier->Open(*note);
  ASSERT_TRUE(body.ok()) << body.status();
  absl::StatusOr<Checkpoint> parsed = ParseBody(*body);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, checkpoint);

  // Rewriting the size in a signed checkpoint breaks the signature.
  std::string forged = *note;
  forged.replace(forged.find("\n42\n"), 4, "\n43\n");
  EXPECT_EQ(verifier->Open(forged).status().code(),
            absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace datarun::checkpoint
