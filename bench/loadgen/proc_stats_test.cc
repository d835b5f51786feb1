#include "bench/loadgen/proc_stats.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "gtest/gtest.h"

namespace datarun::bench {
namespace {

TEST(ProcStatsTest, ParsesTicksAfterACommandWithSpacesAndParens) {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt
  // majflt cmajflt utime stime ...
  auto ticks = ParseStatTicks(
      "42 (we ird) (name)) S 1 42 42 0 -1 4194560 10 0 0 0 300 45 0 0 20 0");
  ASSERT_TRUE(ticks.ok()) << ticks.status();
  EXPECT_EQ(*ticks, 345);
  EXPECT_FALSE(ParseStatTicks("garbage").ok());
  EXPECT_FALSE(ParseStatTicks("1 (x) S 1 2").ok());
}

TEST(ProcStatsTest, ReadsThisProcess) {
  auto rss = ReadStatusKb(::getpid(), "VmRSS");
  ASSERT_TRUE(rss.ok()) << rss.status();
  EXPECT_GT(*rss, 0);
  EXPECT_TRUE(ReadCpuMicros(::getpid()).ok());
  EXPECT_EQ(ReadStatusKb(::getpid(), "NoSuchKey").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ProcStatsTest, GroupsComeFromPidFilesAndSkipDeadPids) {
  std::string tmpl = "/tmp/loadgen_proc_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  ASSERT_TRUE(
      WriteFileAtomically(tmpl + "/me.pid", absl::StrCat(::getpid(), "\n"))
          .ok());
  ASSERT_TRUE(WriteFileAtomically(tmpl + "/gone.pid", "999999999\n").ok());
  ASSERT_TRUE(WriteFileAtomically(tmpl + "/me.port", "1234\n").ok());
  std::vector<ProcessGroup> groups = ReadProcessGroups(tmpl);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].name, "me");
  EXPECT_EQ(groups[0].pids.front(), ::getpid());
  ProcSample sample = SampleGroup(groups[0]);
  EXPECT_GT(sample.rss_kb, 0);
  EXPECT_GE(sample.hwm_kb, sample.rss_kb);
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace datarun::bench
