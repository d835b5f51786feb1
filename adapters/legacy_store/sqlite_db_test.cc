#include "adapters/legacy_store/sqlite_db.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun {
namespace legacy {
namespace {

using ::testing::HasSubstr;

class SqliteDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sqlite_db_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/store.db";
  }
  void TearDown() override {
    std::string cmd = "rm -rf '" + dir_ + "'";
    ASSERT_EQ(system(cmd.c_str()), 0);
  }

  std::unique_ptr<SqliteDb> CreateWithTable() {
    auto db = SqliteDb::Open(path_, SqliteDb::Mode::kCreate);
    EXPECT_TRUE(db.ok()) << db.status();
    EXPECT_TRUE((*db)
                    ->Exec("CREATE TABLE T (ID INTEGER PRIMARY KEY, "
                           "NAME TEXT NOT NULL, NOTE TEXT);")
                    .ok());
    return std::move(*db);
  }

  std::string dir_;
  std::string path_;
};

TEST_F(SqliteDbTest, ReadOnlyOpenOfMissingFileIsNotFoundNamingPath) {
  auto db = SqliteDb::Open(path_, SqliteDb::Mode::kReadOnly);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(db.status().message()), HasSubstr(path_));
}

TEST_F(SqliteDbTest, NonDatabaseFileIsDataLoss) {
  std::ofstream(path_) << "this is not a database, just some text padding it "
                          "out past the sqlite header size of one hundred "
                          "bytes so that sqlite reads it.";
  auto db = SqliteDb::Open(path_, SqliteDb::Mode::kReadOnly);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss) << db.status();
  EXPECT_THAT(std::string(db.status().message()), HasSubstr(path_));
}

TEST_F(SqliteDbTest, BoundValuesRoundTripAndNeverBecomeSql) {
  auto db = CreateWithTable();
  // A value that would break string-built SQL is stored verbatim.
  const std::string evil = "x'); DROP TABLE T; --";
  ASSERT_TRUE(db->Execute("INSERT INTO T (ID, NAME, NOTE) VALUES (?, ?, ?)",
                          {1, evil, nullptr})
                  .ok());
  ASSERT_TRUE(db->Execute("INSERT INTO T (ID, NAME, NOTE) VALUES (?, ?, ?)",
                          {2, "张三", "备注"})
                  .ok());
  std::vector<std::string> names;
  std::vector<bool> note_null;
  auto status = db->Query("SELECT NAME, NOTE FROM T ORDER BY ID", {},
                          [&](const SqliteRow& row) {
                            names.emplace_back(row.Text(0));
                            note_null.push_back(row.IsNull(1));
                            return absl::OkStatus();
                          });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(names, (std::vector<std::string>{evil, "张三"}));
  EXPECT_EQ(note_null, (std::vector<bool>{true, false}));
  auto has = db->HasTable("T");
  ASSERT_TRUE(has.ok());
  EXPECT_TRUE(*has);
}

TEST_F(SqliteDbTest, WrongParameterCountIsInvalidArgument) {
  auto db = CreateWithTable();
  auto status = db->Execute("INSERT INTO T (ID, NAME) VALUES (?, ?)", {1});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("expects 2"));
}

TEST_F(SqliteDbTest, ErrorsNameFileAndSql) {
  auto db = CreateWithTable();
  auto status = db->Query("SELECT * FROM NO_SUCH_TABLE WHERE A = ?", {1},
                          [](const SqliteRow&) { return absl::OkStatus(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(status.message()), HasSubstr(path_));
  EXPECT_THAT(std::string(status.message()), HasSubstr("NO_SUCH_TABLE"));

  ASSERT_TRUE(
      db->Execute("INSERT INTO T (ID, NAME) VALUES (?, ?)", {7, "a"}).ok());
  status = db->Execute("INSERT INTO T (ID, NAME) VALUES (?, ?)", {7, "b"});
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
}

TEST_F(SqliteDbTest, TransactionRollsBackWhenBodyFails) {
  auto db = CreateWithTable();
  auto status = db->InTransaction([&] {
    EXPECT_TRUE(
        db->Execute("INSERT INTO T (ID, NAME) VALUES (?, ?)", {1, "a"}).ok());
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  int64_t count = -1;
  ASSERT_TRUE(
      db->Query("SELECT count(*) FROM T", {}, [&](const SqliteRow& row) {
          count = row.Int(0);
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(count, 0);

  ASSERT_TRUE(db->InTransaction([&] {
                  return db->Execute("INSERT INTO T (ID, NAME) VALUES (?, ?)",
                                     {1, "a"});
                }).ok());
  ASSERT_TRUE(
      db->Query("SELECT count(*) FROM T", {}, [&](const SqliteRow& row) {
          count = row.Int(0);
          return absl::OkStatus();
        }).ok());
  EXPECT_EQ(count, 1);
}

TEST_F(SqliteDbTest, NestedQueryWithSameSqlWorks) {
  auto db = CreateWithTable();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(db->Execute("INSERT INTO T (ID, NAME) VALUES (?, ?)",
                            {i, std::to_string(i)})
                    .ok());
  }
  const char* sql = "SELECT ID FROM T WHERE ID >= ? ORDER BY ID";
  int pairs = 0;
  auto status = db->Query(sql, {1}, [&](const SqliteRow& outer) {
    int64_t from = outer.Int(0);
    return db->Query(sql, {from}, [&](const SqliteRow&) {
      ++pairs;
      return absl::OkStatus();
    });
  });
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(pairs, 3 + 2 + 1);
}

TEST_F(SqliteDbTest, ReadOnlyConnectionRefusesWrites) {
  CreateWithTable().reset();
  auto db = SqliteDb::Open(path_, SqliteDb::Mode::kReadOnly);
  ASSERT_TRUE(db.ok()) << db.status();
  auto status =
      (*db)->Execute("INSERT INTO T (ID, NAME) VALUES (?, ?)", {1, "a"});
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
}

TEST_F(SqliteDbTest, PrepareRejectsSeveralStatements) {
  auto db = CreateWithTable();
  auto statement = db->Prepare("SELECT 1; SELECT 2");
  EXPECT_EQ(statement.status().code(), absl::StatusCode::kInvalidArgument);
  auto ok = db->Prepare("SELECT ? + 1;");
  ASSERT_TRUE(ok.ok()) << ok.status();
  int64_t value = 0;
  ASSERT_TRUE((*ok)
                  ->Query({41},
                          [&](const SqliteRow& row) {
                            value = row.Int(0);
                            return absl::OkStatus();
                          })
                  .ok());
  EXPECT_EQ(value, 42);
}

TEST_F(SqliteDbTest, CallbackErrorStopsQuery) {
  auto db = CreateWithTable();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(
        db->Execute("INSERT INTO T (ID, NAME) VALUES (?, ?)", {i, "n"}).ok());
  }
  int seen = 0;
  auto status = db->Query("SELECT ID FROM T", {}, [&](const SqliteRow&) {
    ++seen;
    return absl::CancelledError("enough");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(seen, 1);
}

}  // namespace
}  // namespace legacy
}  // namespace datarun
