#include "common/file_util.h"

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"

namespace datarun {
namespace {

std::string TempDir() {
  std::string tmpl = "/tmp/datarun_file_util_XXXXXX";
  char* dir = ::mkdtemp(tmpl.data());
  return dir == nullptr ? "/tmp" : std::string(dir);
}

TEST(FileUtilTest, WriteThenReadRoundTrips) {
  std::string dir = TempDir();
  std::string path = dir + "/a/b/c.txt";
  ASSERT_TRUE(MakeDirs(dir + "/a/b").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "hello\n").ok());
  auto content = ReadFile(path);
  ASSERT_TRUE(content.ok()) << content.status();
  EXPECT_EQ(*content, "hello\n");
}

TEST(FileUtilTest, MissingFileIsNotFoundAndNamesThePath) {
  auto content = ReadFile("/nonexistent/datarun/file");
  EXPECT_EQ(content.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(content.status().message().find("/nonexistent/datarun/file"),
            std::string::npos);
}

TEST(FileUtilTest, ResolvePathIsRelativeToTheConfigFile) {
  EXPECT_EQ(ResolvePath("/etc/datarun/exchange.textproto", "catalog.textproto"),
            "/etc/datarun/catalog.textproto");
  EXPECT_EQ(ResolvePath("/etc/datarun/exchange.textproto", "/abs/x"), "/abs/x");
  EXPECT_EQ(ResolvePath("exchange.textproto", "x"), "./x");
  EXPECT_EQ(ResolvePath("/etc/x.textproto", ""), "");
}

}  // namespace
}  // namespace datarun
