#include "gateway/static_files.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

using ::testing::Contains;
using ::testing::Pair;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/static_files_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    root_ = dir_ + "/web";
    ASSERT_TRUE(MakeDirs(root_ + "/ui/js").ok());
    ASSERT_TRUE(WriteFileAtomically(root_ + "/index.html", "<html>").ok());
    ASSERT_TRUE(WriteFileAtomically(root_ + "/ui/js/app.js", "x=1").ok());
    ASSERT_TRUE(WriteFileAtomically(root_ + "/ui/index.html", "ui").ok());
    ASSERT_TRUE(WriteFileAtomically(root_ + "/ui/.secret", "s").ok());
    ASSERT_TRUE(WriteFileAtomically(dir_ + "/outside.txt", "secret").ok());
    ASSERT_EQ(symlink((dir_ + "/outside.txt").c_str(),
                      (root_ + "/ui/link.txt").c_str()),
              0);
  }
  void TearDown() override {
    ASSERT_EQ(system(absl::StrCat("rm -rf '", dir_, "'").c_str()), 0);
  }

  std::string dir_;
  std::string root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypesAndSecurityHeaders) {
  StaticFiles files(root_);
  auto index = files.Get("/");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_EQ(index->body, "<html>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  EXPECT_THAT(index->headers,
              Contains(Pair("Content-Security-Policy",
                            ::testing::HasSubstr("default-src 'self'"))));
  EXPECT_THAT(index->headers,
              Contains(Pair("Content-Security-Policy",
                            ::testing::HasSubstr("frame-ancestors 'none'"))));
  EXPECT_THAT(index->headers,
              Contains(Pair("X-Content-Type-Options", "nosniff")));
  EXPECT_THAT(index->headers, Contains(Pair("Referrer-Policy", "no-referrer")));

  auto js = files.Get("/ui/js/app.js");
  ASSERT_TRUE(js.ok());
  EXPECT_EQ(js->body, "x=1");
  EXPECT_EQ(js->content_type, "application/javascript; charset=utf-8");
  auto dir = files.Get("/ui/");
  ASSERT_TRUE(dir.ok());
  EXPECT_EQ(dir->body, "ui");
  EXPECT_EQ(files.Get("/ui/js/missing.js").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(StaticFilesTest, TraversalIsRefused) {
  StaticFiles files(root_);
  for (const char* path :
       {"/ui/../../outside.txt", "/ui/%2e%2e/%2e%2e/outside.txt",
        "/ui/%2E%2E/index.html", "/ui/./js/app.js", "/ui/.secret",
        "/ui/js%2f..%2f..%2f..%2foutside.txt", "/ui/..%5c..%5coutside.txt",
        "/ui/%00/x"}) {
    auto got = files.Get(path);
    EXPECT_FALSE(got.ok()) << path;
    if (got.ok()) {
      EXPECT_NE(got->body, "secret") << path;
    }
  }
  // A link leading out of the root is refused too.
  EXPECT_EQ(files.Get("/ui/link.txt").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(StaticFilesTest, WhichPathsAreStatic) {
  EXPECT_TRUE(StaticFiles::Handles("/"));
  EXPECT_TRUE(StaticFiles::Handles("/index.html"));
  EXPECT_TRUE(StaticFiles::Handles("/ui/app.js"));
  EXPECT_FALSE(StaticFiles::Handles("/api/v1/catalog"));
  EXPECT_FALSE(StaticFiles::Handles("/etc/passwd"));
  EXPECT_FALSE(StaticFiles::Handles("/uix"));
  StaticFiles none("");
  EXPECT_EQ(none.Get("/").status().code(), absl::StatusCode::kNotFound);
}

TEST(ContentTypeTest, KnownAndUnknown) {
  EXPECT_EQ(ContentTypeFor("a.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.mjs"), "application/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("a.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("Makefile"), "application/octet-stream");
}

}  // namespace
}  // namespace datarun::gateway
