#include "exchange/checkpoint/note_text.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace datarun::checkpoint {
namespace {

TEST(NoteTextTest, KeyNames) {
  for (const char* good :
       {"PeterNeumann", "example.com/log42", "datarun.example/audit/node-1",
        "\xE6\x97\xA5\xE6\x9C\xAC", "a-b_c.d~e"}) {
    EXPECT_TRUE(ValidateKeyName(good).ok()) << good;
  }
  for (const char* bad : {"", "a+b", "a b", "a\tb", "a\nb",
                          "a\x01"
                          "b",
                          "a\xC2\xA0"
                          "b",
                          "a\xE2\x80\x83"
                          "b",
                          "a\xE3\x80\x80"
                          "b",
                          "a\xE2\x80\xA8"
                          "b",
                          "\xFF", "\xC0\x80", "\xED\xA0\x80", "a\xE2\x80"}) {
    absl::Status status = ValidateKeyName(bad);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument)
        << absl::CHexEscape(bad);
  }
  EXPECT_NE(ValidateKeyName("a+b").message().find("plus sign at byte offset 1"),
            absl::string_view::npos);
}

TEST(NoteTextTest, NoteText) {
  EXPECT_TRUE(ValidateNoteText("a\n").ok());
  EXPECT_TRUE(ValidateNoteText("\n").ok());
  EXPECT_TRUE(ValidateNoteText("with\n\nblank line\n").ok());
  EXPECT_TRUE(ValidateNoteText("\xE2\x80\x94 em dash\x7F\n").ok());
  for (const char* bad : {"", "no newline", "cr\r\n", "tab\t\n", "\xC0\x80\n",
                          "\xED\xA0\x80\n", "\xF4\x90\x80\x80\n", "\xFF\n"}) {
    EXPECT_EQ(ValidateNoteText(bad).code(), absl::StatusCode::kInvalidArgument)
        << absl::CHexEscape(bad);
  }
  EXPECT_NE(ValidateNoteText("ab\x02\n").message().find("byte offset 2"),
            absl::string_view::npos);
  EXPECT_EQ(ValidateNoteLine("one\nline", "origin").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateNoteLine("one line", "origin").ok());
}

TEST(NoteTextTest, KeyIdOfGoReferenceKey) {
  // PeterNeumann's public key from Go's note_test.go verifier key
  // "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW".
  std::string key;
  ASSERT_TRUE(absl::Base64Unescape(
      "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &key));
  ASSERT_EQ(key.size(), 33u);
  EXPECT_EQ(KeyId("PeterNeumann", kSignatureTypeEd25519, key.substr(1)),
            0xc74f20a3u);
  EXPECT_EQ(KeyIdHex(0xc74f20a3u), "c74f20a3");
  EXPECT_EQ(KeyIdHex(0x0000abcdu), "0000abcd");
}

TEST(NoteTextTest, StrictBase64) {
  absl::StatusOr<std::string> decoded = DecodeBase64Strict("aGk=");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "hi");
  for (const char* bad : {"", "aGk", "aGl=", "aG k=", "aGk=\n", "a-k="}) {
    EXPECT_FALSE(DecodeBase64Strict(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace datarun::checkpoint
