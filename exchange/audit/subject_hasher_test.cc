#include "exchange/audit/subject_hasher.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "common/file_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::audit {
namespace {

using ::testing::HasSubstr;

// A mkdtemp directory removed (with its content) when the test ends.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string tmpl = "/tmp/datarun_subject_hasher_XXXXXX";
    char* dir = ::mkdtemp(tmpl.data());
    if (dir != nullptr) path_ = dir;
  }
  ~ScopedTempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(SubjectHasherTest, Rfc4231TestCase2) {
  auto hasher = SubjectHasher::FromKey("Jefe");
  EXPECT_EQ(hasher->Hash("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SubjectHasherTest, Rfc4231TestCase1) {
  auto hasher = SubjectHasher::FromKey(std::string(20, '\x0b'));
  EXPECT_EQ(hasher->Hash("Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(SubjectHasherTest, RepeatedAndInterleavedHashersOnOneThread) {
  // Each thread reuses one MAC context per hasher: a second hash on the same
  // thread, and switching between hashers (and to a new hasher after one is
  // destroyed), must each give the vector's answer.
  auto jefe = SubjectHasher::FromKey("Jefe");
  auto tens = SubjectHasher::FromKey(std::string(20, '\x0b'));
  const std::string jefe_expected =
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  const std::string tens_expected =
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(jefe->Hash("what do ya want for nothing?"), jefe_expected);
    EXPECT_EQ(jefe->Hash("what do ya want for nothing?"), jefe_expected);
    EXPECT_EQ(tens->Hash("Hi There"), tens_expected);
  }
  jefe.reset();
  auto again = SubjectHasher::FromKey(std::string(20, '\x0b'));
  EXPECT_EQ(again->Hash("Hi There"), tens_expected);
  EXPECT_EQ(tens->Hash("Hi There"), tens_expected);
}

TEST(SubjectHasherTest, HashingIsThreadSafe) {
  auto hasher = SubjectHasher::FromKey("Jefe");
  const std::string expected =
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (hasher->Hash("what do ya want for nothing?") != expected) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(SubjectHasherTest, CreatesAPrivateKeyFileAndReusesIt) {
  ScopedTempDir temp;
  const std::string& dir = temp.path();
  ASSERT_FALSE(dir.empty());
  std::string key_file = dir + "/secrets/audit.key";
  auto first = SubjectHasher::OpenOrCreate(key_file);
  ASSERT_TRUE(first.ok()) << first.status();

  struct stat st;
  ASSERT_EQ(::stat(key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_size, 32);

  const std::string subject = "110101199003070011";
  std::string hash = (*first)->Hash(subject);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find(subject), std::string::npos);

  auto again = SubjectHasher::OpenOrCreate(key_file);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ((*again)->Hash(subject), hash);

  // Another key file is another key.
  auto other = SubjectHasher::OpenOrCreate(dir + "/other.key");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE((*other)->Hash(subject), hash);
}

TEST(SubjectHasherTest, RefusesAKeyFileOthersCanRead) {
  ScopedTempDir temp;
  const std::string& dir = temp.path();
  ASSERT_FALSE(dir.empty());
  std::string key_file = dir + "/audit.key";
  ASSERT_TRUE(WriteFileAtomically(key_file, std::string(32, 'k'), 0600).ok());
  ASSERT_EQ(::chmod(key_file.c_str(), 0640), 0);
  auto hasher = SubjectHasher::OpenOrCreate(key_file);
  EXPECT_EQ(hasher.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(hasher.status().message()), HasSubstr(key_file));
  EXPECT_THAT(std::string(hasher.status().message()), HasSubstr("chmod 600"));
}

TEST(SubjectHasherTest, RefusesAKeyFileOfTheWrongSize) {
  ScopedTempDir temp;
  const std::string& dir = temp.path();
  ASSERT_FALSE(dir.empty());
  std::string key_file = dir + "/audit.key";
  ASSERT_TRUE(WriteFileAtomically(key_file, std::string(16, 'k'), 0600).ok());
  auto hasher = SubjectHasher::OpenOrCreate(key_file);
  EXPECT_EQ(hasher.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(hasher.status().message()),
              HasSubstr("holds 16 bytes, expected 32"));
}

}  // namespace
}  // namespace datarun::audit
