// `datarunctl audit` commands that need no exchange: offline verify and
// usage errors. The commands that call the exchange run against real
// processes in tests/integration/audit_integration_test.cc.
#include "tools/datarunctl/audit_command.h"

#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/audit_testing.h"
#include "exchange/checkpoint/note_signer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"

namespace datarun::ctl {
namespace {

using ::testing::HasSubstr;

class AuditCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_.dir();
    std::unique_ptr<audit::AuditLog> log = temp_.Open();
    ASSERT_NE(log, nullptr);
    for (int i = 0; i < 20; ++i) {
      v1::AuditEntry entry;
      entry.set_consumer("tax");
      entry.set_request_id(absl::StrCat("req-", i));
      ASSERT_TRUE(log->AppendAndWait(entry).ok());
    }
    verifier_key_ = log->VerifierKey();
  }

  int Run(std::vector<std::string> args, AuditFlags flags = {}) {
    out_.str("");
    err_.str("");
    CommandContext context;
    context.connection.state_dir = dir_ + "/no-stack";
    return RunAuditCommand(args, context, flags, out_, err_);
  }

  // A log in a temporary directory, removed at the end of the test.
  audit::testing::TempLog temp_;
  std::string dir_;
  std::string verifier_key_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(AuditCommandTest, VerifyPassesOnAnIntactLog) {
  AuditFlags flags;
  flags.dir = dir_ + "/log";
  ASSERT_EQ(Run({"verify"}, flags), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr(": verified"));
  EXPECT_THAT(out_.str(), HasSubstr("entries      20"));
  EXPECT_THAT(out_.str(), HasSubstr("pin one with --verifier_key"));
}

TEST_F(AuditCommandTest, VerifyWithThePinnedKeyFromAFile) {
  ASSERT_TRUE(WriteFileAtomically(dir_ + "/vkey", verifier_key_ + "\n").ok());
  AuditFlags flags;
  flags.dir = dir_ + "/log";
  flags.verifier_key = dir_ + "/vkey";
  ASSERT_EQ(Run({"verify"}, flags), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("with the pinned --verifier_key"));
}

TEST_F(AuditCommandTest, VerifyWithAnotherKeyFails) {
  auto other = checkpoint::NoteSigner::Generate("datarun.local/audit");
  ASSERT_TRUE(other.ok());
  AuditFlags flags;
  flags.dir = dir_ + "/log";
  flags.verifier_key = (*other)->VerifierKey();
  EXPECT_EQ(Run({"verify"}, flags), 1);
  EXPECT_THAT(err_.str(), HasSubstr("NOT VERIFIED"));
  EXPECT_THAT(err_.str(), HasSubstr("checkpoint"));
}

TEST_F(AuditCommandTest, VerifyNamesATamperedEntryAndExitsOne) {
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_ + "/log", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string value;
    ASSERT_TRUE(
        db->Get(rocksdb::ReadOptions(), audit::EntryKey(13), &value).ok());
    value[value.size() - 1] ^= 1;
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), audit::EntryKey(13), value).ok());
  }
  AuditFlags flags;
  flags.dir = dir_ + "/log";
  EXPECT_EQ(Run({"verify"}, flags), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: DATA_LOSS"));
  EXPECT_THAT(err_.str(), HasSubstr("entry 13"));
}

TEST_F(AuditCommandTest, VerifyJsonSummary) {
  AuditFlags flags;
  flags.dir = dir_ + "/log";
  CommandContext context;
  context.json = true;
  ASSERT_EQ(RunAuditCommand({"verify"}, context, flags, out_, err_), 0);
  EXPECT_THAT(out_.str(), HasSubstr("\"entries\":20"));
  EXPECT_THAT(out_.str(), HasSubstr("\"verified\":true"));
}

TEST_F(AuditCommandTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"prove", "3"}), 2);
  EXPECT_EQ(Run({"proof"}), 2);
  EXPECT_EQ(Run({"who-accessed"}), 2);
  EXPECT_EQ(Run({"export"}), 2);  // --out is required
  EXPECT_THAT(err_.str(), HasSubstr("usage: datarunctl audit"));
}

TEST_F(AuditCommandTest, CommandsNeedingTheExchangeSayHowToReachIt) {
  EXPECT_EQ(Run({"proof", "3"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("no exchange address"));
  EXPECT_EQ(Run({"proof", "three"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("not an entry index"));
}

}  // namespace
}  // namespace datarun::ctl
