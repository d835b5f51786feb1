// Persistence, on-disk privacy, format checks, the bounded cache,
// concurrency, the offline checker and a kill -9 test of the identity
// registry.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "exchange/identity/resident_id.h"
#include "exchange/identity_registry/identity_registry.h"
#include "exchange/identity_registry/registry_check.h"
#include "exchange/identity_registry/registry_test_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"

extern char** environ;

namespace datarun::identity {
namespace {

using testing::CompanyId;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::LegacyPersonId;
using testing::MakeLocalId;
using testing::PersonId;

// Everything a caller can observe about `subjects`, as text.
std::string Snapshot(IdentityRegistry& registry,
                     const std::vector<std::string>& subjects) {
  std::string out;
  for (const std::string& s : subjects) {
    auto resolution = registry.Resolve(s);
    if (resolution.ok()) {
      absl::StrAppend(&out, resolution->subject_fingerprint, " ",
                      resolution->merged_into, "\n");
      for (const auto& link : resolution->links) {
        absl::StrAppend(&out, link.ShortDebugString(), "\n");
      }
    } else {
      absl::StrAppend(&out, resolution.status().ToString(), "\n");
    }
    const std::vector<v1::IdentityEvent> events = *registry.History(s);
    for (const auto& event : events) {
      absl::StrAppend(&out, event.ShortDebugString(), "\n");
    }
    absl::StrAppend(&out, "tax=", *registry.PrimaryLocalId(s, "tax"), "\n");
  }
  const std::vector<v1::IdentityConflict> conflicts =
      *registry.ListConflicts(0);
  for (const auto& conflict : conflicts) {
    absl::StrAppend(&out, conflict.ShortDebugString(), "\n");
  }
  return out;
}

class StorageTest : public RegistryTest {
 protected:
  // A bit of everything, over subjects 0..9 and two companies.
  std::vector<std::string> Populate() {
    std::vector<std::string> subjects;
    for (int i = 0; i < 10; ++i) subjects.push_back(PersonId(i));
    subjects.push_back(CompanyId(1));
    subjects.push_back(CompanyId(2));
    subjects.push_back(LegacyPersonId(1));
    for (int i = 0; i < 10; ++i) {
      MustLink(subjects[i],
               MakeLocalId("tax", "taxpayer_number", absl::StrCat("T", i)),
               true);
      MustLink(subjects[i],
               MakeLocalId("registry", "person_number", absl::StrCat("P", i)),
               true);
    }
    MustLink(subjects[10], MakeLocalId("tax", "taxpayer_number", "T-ORG"),
             true);
    MustLink(subjects[11], MakeLocalId("tax", "taxpayer_number", "T-ORG"),
             true);
    MustLink(subjects[12], MakeLocalId("land", "title_certificate", "Q-1"));
    MustLink(subjects[3], MakeLocalId("tax", "taxpayer_number", "T4"));
    EXPECT_TRUE(registry_
                    ->Retract(subjects[5],
                              MakeLocalId("registry", "person_number", "P5"),
                              "registry", "dup")
                    .ok());
    EXPECT_TRUE(
        registry_->Merge(subjects[6], subjects[7], "registry", "fix").ok());
    return subjects;
  }

  std::unique_ptr<rocksdb::DB> OpenRaw() {
    rocksdb::DB* db = nullptr;
    rocksdb::Options options;
    rocksdb::Status s = rocksdb::DB::Open(options, dir_ + "/identity", &db);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return std::unique_ptr<rocksdb::DB>(db);
  }
};

TEST_F(StorageTest, SameAnswersAfterReopen) {
  std::vector<std::string> subjects = Populate();
  const std::string before = Snapshot(*registry_, subjects);
  uint64_t last_sequence = 0;
  for (const auto& s : subjects) {
    const std::vector<v1::IdentityEvent> events = *registry_->History(s);
    for (const auto& e : events) {
      last_sequence = std::max<uint64_t>(last_sequence, e.sequence());
    }
  }
  Reopen();
  EXPECT_EQ(Snapshot(*registry_, subjects), before);
  MustLink(subjects[0], MakeLocalId("land", "title_certificate", "Q-NEW"));
  EXPECT_GT(registry_->History(subjects[0])->back().sequence(), last_sequence);
}

TEST_F(StorageTest, NoRawSubjectReachesTheDisk) {
  std::vector<std::string> subjects = Populate();
  std::vector<std::string> needles;
  for (const std::string& s : subjects) {
    needles.push_back(s);
    if (s.size() == 15) {
      needles.push_back(*UpgradeLegacyResidentId(s));
    }
  }
  // Needles of 15+ bytes: no false positives from hashes.
  for (const std::string& s : std::vector<std::string>(needles)) {
    needles.push_back(absl::AsciiStrToLower(s));
  }
  registry_.reset();
  {
    std::unique_ptr<rocksdb::DB> db = OpenRaw();
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions()));
    int keys = 0;
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++keys) {
      for (const std::string& needle : needles) {
        ASSERT_EQ(it->key().ToString().find(needle), std::string::npos);
        ASSERT_EQ(it->value().ToString().find(needle), std::string::npos)
            << "value of a key with prefix "
            << it->key().ToString().substr(0, 2);
      }
    }
    EXPECT_GT(keys, 50);
  }
  // And no file in the directory (WAL, SST, MANIFEST, LOG) holds one.
  int files = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    ++files;
    for (const std::string& needle : needles) {
      EXPECT_EQ(content.find(needle), std::string::npos) << entry.path();
    }
  }
  EXPECT_GT(files, 3);
}

TEST_F(StorageTest, RefusesAnotherKeyFormatOrDatabase) {
  Populate();
  registry_.reset();
  auto other_key = audit::SubjectHasher::FromKey("another key");
  IdentityRegistry::Options options = MakeOptions();
  options.hasher = other_key.get();
  auto opened = IdentityRegistry::Open(options);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(), HasSubstr("another subject hash key"));

  {
    std::unique_ptr<rocksdb::DB> db = OpenRaw();
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "m/format", "7").ok());
  }
  opened = IdentityRegistry::Open(MakeOptions());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      opened.status().message(),
      HasSubstr("has format version \"7\"; this build reads version 1"));

  {
    std::unique_ptr<rocksdb::DB> db = OpenRaw();
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), "m/format").ok());
  }
  opened = IdentityRegistry::Open(MakeOptions());
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(opened.status().message(),
              HasSubstr("is not a datarun identity registry"));

  IdentityRegistry::Options no_hasher = MakeOptions();
  no_hasher.hasher = nullptr;
  EXPECT_EQ(IdentityRegistry::Open(no_hasher).status().code(),
            absl::StatusCode::kInvalidArgument);
  IdentityRegistry::Options bad_kind = MakeOptions();
  bad_kind.shared_kinds = {"household_number"};
  EXPECT_THAT(IdentityRegistry::Open(bad_kind).status().message(),
              HasSubstr("shared kind \"household_number\""));
}

TEST_F(StorageTest, CheckerAcceptsAGoodRegistryAndNamesAProblem) {
  Populate();
  registry_.reset();
  auto stats = CheckIdentityRegistry(dir_ + "/identity", {});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->links, 23);     // 20 + T-ORG twice + Q-1 + T4 - P5
  EXPECT_EQ(stats->conflicts, 2);  // T-ORG, T4
  EXPECT_EQ(stats->merged, 1);
  EXPECT_GT(stats->events, 25);
  {
    std::unique_ptr<rocksdb::DB> db = OpenRaw();
    // Drop one claim list: the links naming it are now unbacked.
    ASSERT_TRUE(
        db->Delete(rocksdb::WriteOptions(),
                   ClaimKey(MakeLocalId("tax", "taxpayer_number", "T1")))
            .ok());
  }
  stats = CheckIdentityRegistry(dir_ + "/identity", {});
  EXPECT_EQ(stats.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(stats.status().message(),
              HasSubstr("link tax/taxpayer_number=T1: not in the claim list"));
}

TEST_F(StorageTest, ChangingTheSharedKindsReconcilesOnOpen) {
  const v1::LocalId household =
      MakeLocalId("registry", "household_number", "H1");
  MustLink(PersonId(1), household);
  MustLink(PersonId(2), household);
  EXPECT_EQ(registry_->ListConflicts(0)->size(), 1u);

  shared_kinds_ = {"registry.household_number"};
  Reopen();
  EXPECT_THAT(*registry_->ListConflicts(0), IsEmpty());
  EXPECT_EQ(Links(PersonId(1))[0].state(), v1::LINK_STATE_ACTIVE);
  auto history = registry_->History(PersonId(2));
  EXPECT_EQ(history->back().kind(), v1::IDENTITY_EVENT_KIND_CONFLICT_CLEARED);
  EXPECT_EQ(history->back().actor(), "exchange");
  EXPECT_THAT(history->back().basis(), HasSubstr("registry.household_number"));
  auto checked = registry_->Check();
  ASSERT_TRUE(checked.ok()) << checked.status();

  shared_kinds_.clear();
  Reopen();
  EXPECT_EQ(registry_->ListConflicts(0)->size(), 1u);
  EXPECT_EQ(Links(PersonId(1))[0].state(), v1::LINK_STATE_CONFLICT);
  checked = registry_->Check();
  ASSERT_TRUE(checked.ok()) << checked.status();
  registry_.reset();
  checked = CheckIdentityRegistry(dir_ + "/identity", {});
  ASSERT_TRUE(checked.ok()) << checked.status();
}

TEST_F(StorageTest, ACacheOfTwoStaysCorrect) {
  cache_capacity_ = 2;
  Reopen();
  const int kSubjects = 20;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < kSubjects; ++i) {
      MustLink(PersonId(i),
               MakeLocalId("tax", "taxpayer_number",
                           absl::StrCat("T", round, "-", i)),
               true);
      // Read a few others in between, so entries come and go.
      for (int j : {i, (i + 7) % kSubjects, (i + 13) % kSubjects}) {
        const int expect_round = j <= i ? round : round - 1;
        EXPECT_EQ(
            Primary(PersonId(j), "tax"),
            expect_round < 0 ? "" : absl::StrCat("T", expect_round, "-", j));
      }
      EXPECT_LE(registry_->cached_subjects(), 2u);
    }
  }
  ASSERT_TRUE(
      registry_->Merge(PersonId(0), PersonId(1), "registry", "fix").ok());
  EXPECT_EQ(Primary(PersonId(0), "tax"), "T2-1");
}

TEST_F(StorageTest, ConcurrentLinksAndReadsStayConsistent) {
  cache_capacity_ = 8;  // small: fills and writes race all the time
  Reopen();
  constexpr int kWriters = 3, kReaders = 3, kSubjects = 24, kRounds = 40;
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int round = 0; round < kRounds; ++round) {
        for (int s = w; s < kSubjects; s += kWriters) {
          const std::string value = absl::StrCat("T", round, "-", s);
          auto result = registry_->Link(
              PersonId(s), MakeLocalId("tax", "taxpayer_number", value), true,
              "tax", "concurrent");
          if (!result.ok()) ++failures;
          // Read-your-write through the cache.
          auto primary = registry_->PrimaryLocalId(PersonId(s), "tax");
          if (!primary.ok() || *primary != value) ++failures;
        }
      }
    });
  }
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      int n = r;
      while (!stop.load()) {
        const int s = n++ % kSubjects;
        auto primary = registry_->PrimaryLocalId(PersonId(s), "tax");
        if (!primary.ok()) ++failures;
        if (primary.ok() && !primary->empty() &&
            !absl::EndsWith(*primary, absl::StrCat("-", s))) {
          ++failures;  // someone else's value
        }
        auto resolution = registry_->Resolve(PersonId(s));
        if (!resolution.ok() &&
            resolution.status().code() != absl::StatusCode::kNotFound) {
          ++failures;
        }
      }
    });
  }
  // A live check sees every batch whole or not at all.
  std::atomic<int> checks{0};
  threads.emplace_back([&] {
    while (!stop.load()) {
      auto checked = registry_->Check();
      if (!checked.ok()) {
        ADD_FAILURE() << checked.status();
        ++failures;
      }
      ++checks;
    }
  });
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  stop = true;
  for (size_t t = kWriters; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(checks.load(), 0);
  for (int s = 0; s < kSubjects; ++s) {
    EXPECT_EQ(Primary(PersonId(s), "tax"),
              absl::StrCat("T", kRounds - 1, "-", s));
  }
  registry_.reset();
  auto stats = CheckIdentityRegistry(dir_ + "/identity", {});
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->links, kSubjects * kRounds);
}

#ifdef DATARUN_IDENTITY_CRASH_HELPER
// The helper links until killed, printing the number of each acknowledged
// operation; after SIGKILL the registry must pass the checker and hold every
// acknowledged link.
TEST_F(StorageTest, SurvivesKillNineMidWrite) {
  registry_.reset();
  const std::string path = dir_ + "/identity";
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string helper = DATARUN_IDENTITY_CRASH_HELPER;
  std::vector<char*> argv = {helper.data(), const_cast<char*>(path.c_str()),
                             nullptr};
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv.data(),
                        environ),
            0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  FILE* in = ::fdopen(out[0], "r");
  ASSERT_NE(in, nullptr);
  int acked = -1;
  char line[64];
  while (acked < 300 && std::fgets(line, sizeof(line), in) != nullptr) {
    ASSERT_TRUE(absl::SimpleAtoi(absl::StripAsciiWhitespace(line), &acked))
        << line;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::fclose(in);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_GE(acked, 300);

  auto stats = CheckIdentityRegistry(path, {});
  ASSERT_TRUE(stats.ok()) << stats.status();
  Reopen();
  for (int i = 0; i <= acked; ++i) {
    if (i % 4 == 3) {
      const std::vector<v1::IdentityLink> links = Links(PersonId((i + 7) % 50));
      const v1::IdentityLink* link = FindLink(links, absl::StrCat("T", i - 1));
      ASSERT_NE(link, nullptr) << "op " << i;
      EXPECT_EQ(link->state(), v1::LINK_STATE_CONFLICT);
    } else {
      const std::vector<v1::IdentityLink> links = Links(PersonId(i % 50));
      ASSERT_NE(FindLink(links, absl::StrCat("T", i)), nullptr) << "op " << i;
    }
  }
  // Writing goes on with fresh sequence numbers.
  MustLink(PersonId(0), MakeLocalId("land", "title_certificate", "Q-AFTER"));
  EXPECT_GE(registry_->History(PersonId(0))->back().sequence(),
            stats->next_sequence);
}
#endif

}  // namespace
}  // namespace datarun::identity
