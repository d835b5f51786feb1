#include "exchange/checkpoint/checkpoint.h"

#include <string>

#include "absl/status/status.h"
#include "exchange/merkle/hash.h"
#include "gtest/gtest.h"

namespace datarun::checkpoint {
namespace {

// The example of https://c2sp.org/tlog-checkpoint (body only).
constexpr char kSpecExample[] =
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

TEST(CheckpointTest, ParsesAndFormatsTheSpecExample) {
  absl::StatusOr<Checkpoint> parsed = ParseBody(kSpecExample);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(parsed->size, 20852163u);
  EXPECT_EQ(merkle::HashToBase64(parsed->root),
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  EXPECT_TRUE(parsed->extensions.empty());
  EXPECT_EQ(FormatBody(*parsed), kSpecExample);
}

TEST(CheckpointTest, RoundTripWithExtensionsAndEmptyTree) {
  Checkpoint checkpoint{"datarun.example/audit/node-1",
                        0,
                        merkle::EmptyRoot(),
                        {"ext one", "ext two"}};
  ASSERT_TRUE(ValidateCheckpoint(checkpoint).ok());
  std::string body = FormatBody(checkpoint);
  EXPECT_EQ(body,
            "datarun.example/audit/node-1\n0\n"
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\next two\n");
  absl::StatusOr<Checkpoint> parsed = ParseBody(body);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, checkpoint);

  checkpoint.size = ~uint64_t{0};
  parsed = ParseBody(FormatBody(checkpoint));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->size, ~uint64_t{0});
}

TEST(CheckpointTest, ErrorsNameTheLine) {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  struct Case {
    std::string body;
    std::string expected_text;
  };
  for (const Case& c : std::vector<Case>{
           {"o\n1\n" + root, "end with a newline"},
           {"", "end with a newline"},
           {"o\n1\n", "has 2 lines"},
           {"\n1\n" + root + "\n", "line 1 (origin): is empty"},
           {"o\n\n" + root + "\n", "line 2 (tree size): is empty"},
           {"o\n012\n" + root + "\n", "leading zero"},
           {"o\n-1\n" + root + "\n", "not a decimal number"},
           {"o\n+1\n" + root + "\n", "not a decimal number"},
           {"o\n1a\n" + root + "\n", "not a decimal number"},
           {"o\n 1\n" + root + "\n", "not a decimal number"},
           {"o\n18446744073709551616\n" + root + "\n", "64 bits"},
           {"o\n1\n\n", "line 3 (root hash): is empty"},
           {"o\n1\nAAAA\n", "line 3 (root hash)"},
           {"o\n1\n" + root.substr(0, 43) + "\n", "line 3 (root hash)"},
           {"o\n1\n" + root + "\n\nx\n", "line 4 (extension): is empty"},
           {"o\r\n1\n" + root + "\n", "origin"},
       }) {
    absl::Status status = ParseBody(c.body).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.body;
    EXPECT_NE(status.message().find(c.expected_text), absl::string_view::npos)
        << "body " << c.body << " gave " << status;
  }
}

TEST(CheckpointTest, ValidateRejectsWhatCannotBeFormatted) {
  Checkpoint checkpoint{"good/origin", 1, merkle::EmptyRoot(), {}};
  EXPECT_TRUE(ValidateCheckpoint(checkpoint).ok());
  checkpoint.origin = "";
  EXPECT_EQ(ValidateCheckpoint(checkpoint).code(),
            absl::StatusCode::kInvalidArgument);
  checkpoint.origin = "two\nlines";
  EXPECT_EQ(ValidateCheckpoint(checkpoint).code(),
            absl::StatusCode::kInvalidArgument);
  checkpoint.origin = "ok";
  checkpoint.extensions = {""};
  absl::Status status = ValidateCheckpoint(checkpoint);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("extension line 1"), absl::string_view::npos)
      << status;
}

}  // namespace
}  // namespace datarun::checkpoint
