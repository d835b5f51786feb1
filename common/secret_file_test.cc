#include "common/secret_file.h"

#include <sys/stat.h>

#include <cstdlib>
#include <string>

#include "common/file_util.h"
#include "gtest/gtest.h"

namespace datarun {
namespace {

std::string TempDir() {
  std::string tmpl = "/tmp/datarun_secret_XXXXXX";
  char* dir = ::mkdtemp(tmpl.data());
  return dir == nullptr ? "/tmp" : std::string(dir);
}

TEST(SecretFileTest, CreatesOnceWithOwnerOnlyModeAndNeverReplaces) {
  std::string path = TempDir() + "/keys/k";
  int made = 0;
  auto make = [&]() -> absl::StatusOr<std::string> {
    ++made;
    return std::string("secret-") + std::to_string(made);
  };
  bool created = false;
  auto first = ReadOrCreateSecretFile(path, "test key", make, &created);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(created);
  EXPECT_EQ(*first, "secret-1");
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);

  auto second = ReadOrCreateSecretFile(path, "test key", make, &created);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(*second, "secret-1");
  EXPECT_EQ(CreateSecretFile(path, "other", "test key").code(),
            absl::StatusCode::kAlreadyExists);
}

TEST(SecretFileTest, RefusesAFileOthersCanRead) {
  std::string path = TempDir() + "/k";
  ASSERT_TRUE(WriteFileAtomically(path, "x", 0644).ok());
  auto read = ReadSecretFile(path, "audit key file");
  EXPECT_EQ(read.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(read.status().message().find("chmod 600"), std::string::npos);
  EXPECT_NE(read.status().message().find("audit key file"), std::string::npos);
}

TEST(SecretFileTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadSecretFile("/nonexistent/k", "key").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace datarun
