#include "exchange/merkle/hash.h"

#include <cctype>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace datarun::merkle {
namespace {

// Values from RFC 6962's reference leaves as published in
// github.com/transparency-dev/merkle proof/verify_test.go (see tree_test.cc).
constexpr char kEmptyRoot[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kLeafOfNothing[] =
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
constexpr char kLeafOfZeroByte[] =
    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7";
constexpr char kRootOfFirstTwo[] =
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125";

TEST(HashTest, KnownValues) {
  EXPECT_EQ(HashToHex(EmptyRoot()), kEmptyRoot);
  EXPECT_EQ(HashToHex(HashLeaf("")), kLeafOfNothing);
  EXPECT_EQ(HashToHex(HashLeaf(std::string(1, '\0'))), kLeafOfZeroByte);
  EXPECT_EQ(
      HashToHex(HashChildren(HashLeaf(""), HashLeaf(std::string(1, '\0')))),
      kRootOfFirstTwo);
}

TEST(HashTest, LeafAndNodeDomainsDiffer) {
  Hash a = HashLeaf("a");
  Hash b = HashLeaf("b");
  std::string concatenated(HashBytes(a));
  concatenated.append(HashBytes(b).data(), kHashSize);
  EXPECT_NE(HashChildren(a, b), HashLeaf(concatenated));
  EXPECT_NE(HashChildren(a, b), HashChildren(b, a));
}

TEST(HashTest, LargeLeaf) {
  std::string big(1 << 20, 'x');
  EXPECT_EQ(HashLeaf(big), HashLeaf(big));
  big[12345] = 'y';
  EXPECT_NE(HashLeaf(big), HashLeaf(std::string(1 << 20, 'x')));
}

TEST(HashTest, HexRoundTrip) {
  Hash h = HashLeaf("round trip");
  absl::StatusOr<Hash> parsed = HashFromHex(HashToHex(h));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, h);
  std::string upper = HashToHex(h);
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  parsed = HashFromHex(upper);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, h);
}

TEST(HashTest, BadHex) {
  EXPECT_EQ(HashFromHex("abcd").status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string bad(kEmptyRoot);
  bad[17] = 'g';
  absl::Status status = HashFromHex(bad).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("offset 17"), absl::string_view::npos)
      << status;
}

TEST(HashTest, Base64RoundTrip) {
  Hash h = HashLeaf("");
  std::string b64 = HashToBase64(h);
  EXPECT_EQ(b64, "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=");
  absl::StatusOr<Hash> parsed = HashFromBase64(b64);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, h);
}

TEST(HashTest, BadBase64) {
  // Missing padding, non-canonical trailing bits, wrong length, junk.
  for (const char* bad :
       {"bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0",
        "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB1=",
        "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoA==", "AAAA", "",
        "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=\n",
        "bjQLnP-zepicpUTmu3gKLHiQHT-zNzh2hRGjBhevoB0="}) {
    EXPECT_EQ(HashFromBase64(bad).status().code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(HashTest, FromBytes) {
  Hash h = HashLeaf("bytes");
  absl::StatusOr<Hash> parsed = HashFromBytes(HashBytes(h));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, h);
  EXPECT_EQ(HashFromBytes("short").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datarun::merkle
