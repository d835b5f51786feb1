#include "exchange/checkpoint/note_signer.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "exchange/checkpoint/note_testing.h"
#include "exchange/checkpoint/note_verifier.h"
#include "gtest/gtest.h"

namespace datarun::checkpoint {
namespace {

using testing::kPeterSignature;
using testing::kPeterSignerKey;
using testing::kPeterVerifierKey;
using testing::kText;

// Go's TestSign: the same key and text must give the same note, byte for
// byte (Ed25519 signatures are deterministic).
TEST(NoteSignerTest, ReproducesGoSignedNoteByteForByte) {
  absl::StatusOr<std::unique_ptr<NoteSigner>> signer =
      NoteSigner::FromSignerKey(kPeterSignerKey);
  ASSERT_TRUE(signer.ok()) << signer.status();
  EXPECT_EQ((*signer)->name(), "PeterNeumann");
  EXPECT_EQ((*signer)->key_id(), 0xc74f20a3u);
  EXPECT_EQ((*signer)->VerifierKey(), kPeterVerifierKey);
  absl::StatusOr<std::string> note = (*signer)->Sign(kText);
  ASSERT_TRUE(note.ok()) << note.status();
  EXPECT_EQ(*note, absl::StrCat(kText, "\n", kPeterSignature));
}

// Like Go's TestNewSigner: every substring and every one-byte change of the
// signer key must be refused.
TEST(NoteSignerTest, RejectsMangledSignerKeys) {
  std::string skey = kPeterSignerKey;
  for (size_t i = 0; i <= skey.size(); ++i) {
    for (size_t j = i + 1; j <= skey.size(); ++j) {
      if (i == 0 && j == skey.size()) continue;
      EXPECT_FALSE(NoteSigner::FromSignerKey(skey.substr(i, j - i)).ok())
          << skey.substr(i, j - i);
    }
  }
  for (size_t i = 0; i < skey.size(); ++i) {
    std::string bad = skey;
    ++bad[i];
    EXPECT_FALSE(NoteSigner::FromSignerKey(bad).ok()) << bad;
  }
}

TEST(NoteSignerTest, SignerKeyErrorsDoNotEchoTheSecret) {
  std::string skey = kPeterSignerKey;
  std::string wrong_id = skey;
  wrong_id[skey.find("c74f20a3")] = 'd';
  absl::Status status = NoteSigner::FromSignerKey(wrong_id).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("key ID"), absl::string_view::npos) << status;
  EXPECT_EQ(status.message().find("AYEKFALV"), absl::string_view::npos)
      << status;
}

TEST(NoteSignerTest, GeneratedKeysSignAndVerify) {
  absl::StatusOr<std::unique_ptr<NoteSigner>> signer =
      NoteSigner::Generate("datarun.example/audit/node-1");
  ASSERT_TRUE(signer.ok()) << signer.status();
  absl::StatusOr<NoteVerifier> verifier =
      NoteVerifier::FromVerifierKey((*signer)->VerifierKey());
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  EXPECT_EQ(verifier->key_id(), (*signer)->key_id());
  std::string text = "datarun.example/audit/node-1\n7\nAAAA\n";
  absl::StatusOr<std::string> note = (*signer)->Sign(text);
  ASSERT_TRUE(note.ok()) << note.status();
  absl::StatusOr<std::string> opened = verifier->Open(*note);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, text);
}

TEST(NoteSignerTest, BadNamesAndTexts) {
  EXPECT_EQ(NoteSigner::Generate("has space").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NoteSigner::Generate("a+b").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NoteSigner::Generate("").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::unique_ptr<NoteSigner>> signer =
      NoteSigner::FromSignerKey(kPeterSignerKey);
  ASSERT_TRUE(signer.ok());
  for (const char* bad : {"", "abc", "a\r\n", "\xFF\n"}) {
    EXPECT_EQ((*signer)->Sign(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  // A text with a blank line (and one ending in one) still round-trips:
  // the signatures follow the last blank line.
  absl::StatusOr<NoteVerifier> verifier =
      NoteVerifier::FromVerifierKey(kPeterVerifierKey);
  ASSERT_TRUE(verifier.ok());
  for (const char* text : {"a\n\nb\n", "a\n\n", "\n"}) {
    absl::StatusOr<std::string> note = (*signer)->Sign(text);
    ASSERT_TRUE(note.ok()) << note.status();
    absl::StatusOr<std::string> opened = verifier->Open(*note);
    ASSERT_TRUE(opened.ok()) << opened.status();
    EXPECT_EQ(*opened, text);
  }
}

TEST(NoteSignerTest, PemRoundTrip) {
  absl::StatusOr<std::unique_ptr<NoteSigner>> signer =
      NoteSigner::FromSignerKey(kPeterSignerKey);
  ASSERT_TRUE(signer.ok());
  absl::StatusOr<std::string> pem = (*signer)->PrivateKeyPem();
  ASSERT_TRUE(pem.ok()) << pem.status();
  absl::StatusOr<std::unique_ptr<NoteSigner>> again =
      NoteSigner::FromPrivateKeyPem("PeterNeumann", *pem);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->VerifierKey(), kPeterVerifierKey);
  EXPECT_EQ(NoteSigner::FromPrivateKeyPem("bad name", *pem).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NoteSigner::FromPrivateKeyPem("ok", "garbage").status().code(),
            absl::StatusCode::kInvalidArgument);
}

class LoadOrCreateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/note_signer_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(::system(cmd.c_str()), 0);
  }
  std::string dir_;
};

TEST_F(LoadOrCreateTest, CreatesOnceThenLoads) {
  std::string path = dir_ + "/keys/checkpoint.pem";
  absl::StatusOr<std::unique_ptr<NoteSigner>> created =
      NoteSigner::LoadOrCreate(path, "datarun.example/audit/n1");
  ASSERT_TRUE(created.ok()) << created.status();
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  absl::StatusOr<std::unique_ptr<NoteSigner>> loaded =
      NoteSigner::LoadOrCreate(path, "datarun.example/audit/n1");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->VerifierKey(), (*created)->VerifierKey());
  // The name is not stored: the same key under another name is another
  // verifier key.
  loaded = NoteSigner::LoadOrCreate(path, "other/name");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_NE((*loaded)->VerifierKey(), (*created)->VerifierKey());
}

TEST_F(LoadOrCreateTest, RefusesLooseModeAndJunk) {
  std::string path = dir_ + "/checkpoint.pem";
  ASSERT_TRUE(NoteSigner::LoadOrCreate(path, "n").ok());
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  absl::Status status = NoteSigner::LoadOrCreate(path, "n").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find(path), absl::string_view::npos) << status;

  std::string junk = dir_ + "/junk.pem";
  ASSERT_TRUE(WriteFileAtomically(junk, "not a key", 0600).ok());
  status = NoteSigner::LoadOrCreate(junk, "n").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find(junk), absl::string_view::npos) << status;

  EXPECT_EQ(
      NoteSigner::LoadOrCreate(dir_ + "/x.pem", "bad name").status().code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NoteSigner::LoadOrCreate("", "n").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datarun::checkpoint
