// Consistency of the generated data across the four departments' stores.
#include "adapters/datagen/generator.h"

#include <stdlib.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "exchange/identity/subject_id.h"
#include "gtest/gtest.h"

namespace datarun {
namespace datagen {
namespace {

using legacy::SqliteDb;
using legacy::SqliteRow;
using testing::SharedDemoSubjects;
using testing::SharedTestDataDir;

std::unique_ptr<SqliteDb> OpenStore(const std::string& name) {
  auto db = SqliteDb::Open(absl::StrCat(SharedTestDataDir(), "/", name, ".db"),
                           SqliteDb::Mode::kReadOnly);
  EXPECT_TRUE(db.ok()) << db.status();
  return db.ok() ? std::move(*db) : nullptr;
}

// Runs `sql` and returns the first column of every row as text.
std::vector<std::string> Column(SqliteDb* db, const std::string& sql,
                                std::vector<std::string> params = {}) {
  std::vector<legacy::SqlValue> values(params.begin(), params.end());
  std::vector<std::string> out;
  absl::Status s = db->Query(sql, values, [&](const SqliteRow& row) {
    out.emplace_back(row.Text(0));
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return out;
}

int64_t Count(SqliteDb* db, const std::string& sql,
              std::vector<std::string> params = {}) {
  std::vector<std::string> v = Column(db, sql, std::move(params));
  return v.empty() ? -1 : std::stoll(v[0]);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(GeneratorTest, RejectsBadOptions) {
  GeneratorOptions options;
  options.out_dir = "";
  EXPECT_EQ(Generate(options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.out_dir = "/tmp/unused";
  options.households = 9;
  auto r = Generate(options);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--households"), std::string::npos);
}

TEST(GeneratorTest, SameSeedGivesSameBytesOtherSeedDiffers) {
  char tmpl[] = "/tmp/datagen_test.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  GeneratorOptions options;
  options.households = 25;
  options.seed = 3;
  options.out_dir = dir + "/a";
  ASSERT_TRUE(Generate(options).ok());
  options.out_dir = dir + "/b";
  ASSERT_TRUE(Generate(options).ok());
  options.seed = 4;
  options.out_dir = dir + "/c";
  ASSERT_TRUE(Generate(options).ok());
  for (const char* f : {"land.db", "tax.db", "housing.db", "registry.db",
                        "demo_subjects.txt"}) {
    std::string a = ReadAll(dir + "/a/" + f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_EQ(a, ReadAll(dir + "/b/" + f)) << f;
  }
  EXPECT_NE(ReadAll(dir + "/a/demo_subjects.txt"),
            ReadAll(dir + "/c/demo_subjects.txt"));
  // Re-running into the same directory replaces the stores.
  options.seed = 3;
  options.out_dir = dir + "/c";
  ASSERT_TRUE(Generate(options).ok());
  EXPECT_EQ(ReadAll(dir + "/a/land.db"), ReadAll(dir + "/c/land.db"));
  ASSERT_EQ(system(("rm -rf '" + dir + "'").c_str()), 0);
}

TEST(GeneratorTest, EveryIdentifierIsValidAndPeopleAreUnique) {
  auto registry = OpenStore("registry");
  auto land = OpenStore("land");
  auto tax = OpenStore("tax");
  std::vector<std::string> ids =
      Column(registry.get(), "SELECT GMSFHM FROM HJ_RY");
  ASSERT_GT(ids.size(), 100u);
  std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
  for (const char* sql : {"SELECT GMSFHM FROM HJ_RY", "SELECT NFSFZ FROM HY_DJ",
                          "SELECT NVSFZ FROM HY_DJ"}) {
    for (const std::string& id : Column(registry.get(), sql)) {
      EXPECT_TRUE(
          identity::ValidateSubjectAs(id, identity::SubjectKind::kPerson).ok())
          << sql << ": " << id;
    }
  }
  for (const std::string& id : Column(land.get(), "SELECT ZJHM FROM BDC_QLR")) {
    EXPECT_TRUE(identity::ValidateSubject(id).ok()) << id;
  }
  std::vector<std::string> codes =
      Column(tax.get(), "SELECT ZJHM FROM DJ_NSRXX WHERE NSRLX = '2'");
  EXPECT_GE(codes.size(), 3u);
  for (const std::string& code : codes) {
    auto kind = identity::ValidateSubject(code);
    ASSERT_TRUE(kind.ok()) << code << ": " << kind.status();
    EXPECT_EQ(*kind, identity::SubjectKind::kOrganisation);
  }
}

TEST(GeneratorTest, SharesAddUpAndEachUnitHasOneTitleInForce) {
  auto land = OpenStore("land");
  // 按份共有: whole percentages adding to 100; 单独所有: 100%; 共同共有: none.
  EXPECT_EQ(
      Count(
          land.get(),
          "SELECT count(*) FROM (SELECT q.QZID, sum(CAST(rtrim(FE, '%') AS "
          "INTEGER)) s "
          "FROM BDC_QLR q JOIN BDC_QZ z ON z.QZID = q.QZID WHERE z.GYFS = '2' "
          "GROUP BY q.QZID HAVING s != 100)"),
      0);
  EXPECT_EQ(
      Count(land.get(),
            "SELECT count(*) FROM BDC_QLR q JOIN BDC_QZ z ON z.QZID = q.QZID "
            "WHERE (z.GYFS = '0' AND FE != '100%') OR (z.GYFS = '1' AND FE IS "
            "NOT NULL)"),
      0);
  EXPECT_GT(Count(land.get(), "SELECT count(*) FROM BDC_QZ WHERE GYFS = '2'"),
            0);
  EXPECT_GT(Count(land.get(), "SELECT count(*) FROM BDC_QZ WHERE GYFS = '1'"),
            0);
  EXPECT_EQ(
      Count(land.get(),
            "SELECT count(*) FROM (SELECT BDCDYH FROM BDC_QZ WHERE QSZT = 1 "
            "GROUP BY BDCDYH HAVING count(*) > 1)"),
      0);
  EXPECT_EQ(Count(land.get(),
                  "SELECT count(*) FROM BDC_QZ z LEFT JOIN BDC_FW f ON "
                  "f.BDCDYH = z.BDCDYH "
                  "LEFT JOIN BDC_ZD d ON d.ZDDM = f.ZDDM WHERE d.ZDDM IS NULL"),
            0);
}

TEST(GeneratorTest, MarriedPeopleAgreeWithTheirSpouses) {
  auto registry = OpenStore("registry");
  // For every living married resident, the latest registration is a
  // marriage, and the spouse, when registered here, is married too.
  std::vector<std::string> married = Column(
      registry.get(),
      "SELECT GMSFHM FROM HJ_RY WHERE RYZT = '0' AND HYZK IN ('20', '22')");
  ASSERT_GT(married.size(), 10u);
  for (const std::string& id : married) {
    std::vector<std::string> latest = Column(
        registry.get(),
        "SELECT YWLB || ':' || CASE WHEN NFSFZ = ?1 THEN NVSFZ ELSE NFSFZ END "
        "FROM HY_DJ WHERE NFSFZ = ?1 OR NVSFZ = ?1 ORDER BY DJRQ DESC, DJID "
        "DESC LIMIT 1",
        {id});
    ASSERT_EQ(latest.size(), 1u) << id;
    ASSERT_EQ(latest[0].substr(0, 2), "1:") << id;
    std::string spouse = latest[0].substr(2);
    std::vector<std::string> status = Column(
        registry.get(),
        "SELECT HYZK FROM HJ_RY WHERE GMSFHM = ? AND RYZT = '0'", {spouse});
    ASSERT_EQ(status.size(), 1u)
        << "spouse of married resident is not registered";
    EXPECT_TRUE(status[0] == "20" || status[0] == "22") << status[0];
  }
  // Widowed residents have a deceased spouse on the register.
  EXPECT_EQ(
      Count(
          registry.get(),
          "SELECT count(*) FROM HJ_RY w WHERE w.HYZK = '30' AND w.RYZT = '0' "
          "AND NOT EXISTS ("
          "SELECT 1 FROM HY_DJ m JOIN HJ_RY d ON d.GMSFHM = "
          "CASE WHEN m.NFSFZ = w.GMSFHM THEN m.NVSFZ ELSE m.NFSFZ END "
          "WHERE (m.NFSFZ = w.GMSFHM OR m.NVSFZ = w.GMSFHM) AND d.RYZT = '1')"),
      0);
}

TEST(GeneratorTest, DwellingCountsMatchTitlesInForce) {
  auto housing = OpenStore("housing");
  ASSERT_TRUE(housing
                  ->Execute("ATTACH DATABASE ? AS land",
                            {absl::StrCat(SharedTestDataDir(), "/land.db")})
                  .ok());
  EXPECT_EQ(Count(housing.get(),
                  "SELECT count(*) FROM FW_TJ t WHERE t.TS != ("
                  "SELECT count(DISTINCT z.QZID) FROM FW_TJ_CY c "
                  "JOIN land.BDC_QLR q ON q.ZJHM = c.ZJHM "
                  "JOIN land.BDC_QZ z ON z.QZID = q.QZID AND z.QSZT = 1 "
                  "JOIN land.BDC_FW f ON f.BDCDYH = z.BDCDYH AND f.GHYT = '10' "
                  "WHERE c.JTBH = t.JTBH)"),
            0);
  EXPECT_GT(Count(housing.get(), "SELECT count(*) FROM FW_TJ WHERE TS = 0"), 0);
  EXPECT_GT(Count(housing.get(), "SELECT count(*) FROM FW_TJ WHERE TS >= 2"),
            0);
}

TEST(GeneratorTest, SalesAgreeAcrossHousingLandAndTax) {
  auto housing = OpenStore("housing");
  auto tax = OpenStore("tax");
  std::string dir = SharedTestDataDir();
  ASSERT_TRUE(
      housing->Execute("ATTACH DATABASE ? AS land", {dir + "/land.db"}).ok());
  // Every seller holds or held a title to the unit sold.
  EXPECT_EQ(
      Count(housing.get(),
            "SELECT count(*) FROM HT_JYF j JOIN HT_BA b ON b.BAID = j.BAID "
            "WHERE j.JYFLB = '1' AND NOT EXISTS (SELECT 1 FROM land.BDC_QZ z "
            "JOIN land.BDC_QLR q ON q.QZID = z.QZID "
            "WHERE z.BDCDYH = b.BDCDYH AND q.ZJHM = j.ZJHM)"),
      0);
  // A transferred unit's title in force is held by the contract's buyers.
  EXPECT_EQ(
      Count(housing.get(),
            "SELECT count(*) FROM HT_BA b JOIN land.BDC_QZ z ON z.BDCDYH = "
            "b.BDCDYH "
            "AND z.QSZT = 1 AND z.DJLX = '转移登记' JOIN land.BDC_QLR q ON "
            "q.QZID = z.QZID "
            "WHERE b.BAZT = '1' AND NOT EXISTS (SELECT 1 FROM HT_JYF j "
            "WHERE j.BAID = b.BAID AND j.JYFLB = '2' AND j.ZJHM = q.ZJHM)"),
      0);
  EXPECT_GT(Count(housing.get(), "SELECT count(*) FROM HT_BA WHERE BAZT = '9'"),
            -1);
  // Deed tax: price from the contract, tax = price x rate, paid in full.
  ASSERT_TRUE(
      tax->Execute("ATTACH DATABASE ? AS housing", {dir + "/housing.db"}).ok());
  EXPECT_GT(Count(tax.get(), "SELECT count(*) FROM QS_SBXX"), 0);
  EXPECT_EQ(Count(tax.get(),
                  "SELECT count(*) FROM QS_SBXX s LEFT JOIN housing.HT_BA b ON "
                  "b.HTBH = s.HTBH "
                  "WHERE b.CJJG IS NULL OR b.CJJG != s.JSJG OR b.BAZT != '1' "
                  "OR s.YNSE != (s.JSJG * s.SL + 5000) / 10000"),
            0);
  EXPECT_EQ(
      Count(
          tax.get(),
          "SELECT count(*) FROM QS_SBXX s LEFT JOIN WSZM w ON w.SBXH = s.SBXH "
          "WHERE w.SJJE IS NULL OR w.SJJE != s.YNSE OR w.NSRSBH != s.NSRSBH"),
      0);
  // First-home relief only at the first-home rates.
  EXPECT_EQ(Count(tax.get(),
                  "SELECT count(*) FROM QS_SBXX WHERE SFSTFW = 'Y' AND SL NOT "
                  "IN (100, 150)"),
            0);
}

TEST(GeneratorTest, DemoSubjectsDescribeTheDemoScenario) {
  const auto& demo = SharedDemoSubjects();
  for (const char* key : {"seller_id", "seller_spouse_id", "property_unit_no",
                          "property_certificate_no", "contract_no", "buyer_id",
                          "buyer_dwelling_count", "transfer_buyer_id",
                          "transfer_payment_certificate_no",
                          "company_credit_code", "unknown_id"}) {
    ASSERT_TRUE(demo.count(key) == 1 && !demo.at(key).empty()) << key;
  }
  // deploy/local/demo.sh sources the file: keys are shell names and values
  // contain nothing a shell would interpret.
  for (const auto& [key, value] : demo) {
    EXPECT_EQ(key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_"),
              std::string::npos)
        << key;
    EXPECT_EQ(value.find_first_of(" \t'\"$`\\()<>|;&*?[]{}!#~"),
              std::string::npos)
        << key << "=" << value;
  }
  const std::string& seller = demo.at("seller_id");
  auto land = OpenStore("land");
  EXPECT_EQ(
      Count(land.get(),
            "SELECT count(*) FROM BDC_QZ z JOIN BDC_QLR q ON q.QZID = z.QZID "
            "WHERE q.ZJHM = ? AND z.QSZT = 1 AND z.GYFS = '2' AND z.BDCDYH = ? "
            "AND z.QZH = ?",
            {seller, demo.at("property_unit_no"),
             demo.at("property_certificate_no")}),
      1);
  EXPECT_EQ(
      Count(land.get(),
            "SELECT count(*) FROM BDC_DYA WHERE BDCDYH = ? AND ZXSJ IS NULL",
            {demo.at("property_unit_no")}),
      0);
  auto registry = OpenStore("registry");
  EXPECT_EQ(Column(registry.get(), "SELECT HYZK FROM HJ_RY WHERE GMSFHM = ?",
                   {seller}),
            std::vector<std::string>{"20"});
  auto housing = OpenStore("housing");
  EXPECT_EQ(
      Count(housing.get(),
            "SELECT count(*) FROM HT_BA b JOIN HT_JYF s ON s.BAID = b.BAID AND "
            "s.JYFLB = '1' "
            "JOIN HT_JYF p ON p.BAID = b.BAID AND p.JYFLB = '2' "
            "WHERE b.HTBH = ? AND b.BAZT = '1' AND s.ZJHM = ? AND p.ZJHM = ?",
            {demo.at("contract_no"), seller, demo.at("buyer_id")}),
      1);
  EXPECT_EQ(Column(housing.get(),
                   "SELECT t.TS FROM FW_TJ t JOIN FW_TJ_CY c ON c.JTBH = "
                   "t.JTBH WHERE c.ZJHM = ?",
                   {demo.at("buyer_id")}),
            std::vector<std::string>{demo.at("buyer_dwelling_count")});
  // The unknown subject is in no store.
  const std::string& unknown = demo.at("unknown_id");
  EXPECT_TRUE(identity::ValidateSubject(unknown).ok());
  EXPECT_EQ(Count(registry.get(), "SELECT count(*) FROM HJ_RY WHERE GMSFHM = ?",
                  {unknown}),
            0);
  EXPECT_EQ(Count(land.get(), "SELECT count(*) FROM BDC_QLR WHERE ZJHM = ?",
                  {unknown}),
            0);
}

}  // namespace
}  // namespace datagen
}  // namespace datarun
