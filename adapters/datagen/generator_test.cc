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
#include "exchange/identity/resident_id.h"
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

// All four stores attached to one in-memory database (as land, tax,
// housing, registry), plus main.legacy_ids(z15, z18) upgrading every
// 15-digit number the stores hold, so that queries can compare people
// across stores with COALESCE(z18, <column>).
std::unique_ptr<SqliteDb> OpenAll() {
  auto db = SqliteDb::Open(":memory:", SqliteDb::Mode::kCreate);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return nullptr;
  for (const char* name : {"land", "tax", "housing", "registry"}) {
    absl::Status s =
        (*db)->Execute(absl::StrCat("ATTACH DATABASE ? AS ", name),
                       {absl::StrCat(SharedTestDataDir(), "/", name, ".db")});
    EXPECT_TRUE(s.ok()) << s;
  }
  EXPECT_TRUE(
      (*db)
          ->Exec("CREATE TABLE legacy_ids (z15 TEXT PRIMARY KEY, z18 TEXT)")
          .ok());
  std::vector<std::string> legacy =
      Column(db->get(),
             "SELECT ZJHM FROM land.BDC_QLR WHERE length(ZJHM) = 15 UNION "
             "SELECT ZJHM FROM tax.DJ_NSRXX WHERE length(ZJHM) = 15");
  for (const std::string& z15 : legacy) {
    auto z18 = identity::UpgradeLegacyResidentId(z15);
    EXPECT_TRUE(z18.ok()) << z18.status();
    if (!z18.ok()) continue;
    EXPECT_TRUE(
        (*db)
            ->Execute("INSERT INTO legacy_ids VALUES (?, ?)", {z15, *z18})
            .ok());
  }
  return std::move(*db);
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
                        "market.db", "demo_subjects.txt"}) {
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
  // One current registration per person (someone who moved keeps an old,
  // ended row).
  std::vector<std::string> ids =
      Column(registry.get(), "SELECT GMSFHM FROM HJ_RY WHERE RYZT = '0'");
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
  // Land and tax hold 18-character subjects, or 15-digit legacy numbers
  // (checked in LegacyNumbersOnlyInOldRecordsOfOldPeople).
  for (const std::string& id : Column(land.get(), "SELECT ZJHM FROM BDC_QLR")) {
    EXPECT_TRUE(identity::ValidateSubject(id).ok() ||
                identity::UpgradeLegacyResidentId(id).ok())
        << id;
  }
  for (const std::string& id : Column(tax.get(), "SELECT ZJHM FROM DJ_NSRXX")) {
    EXPECT_TRUE(identity::ValidateSubject(id).ok() ||
                identity::UpgradeLegacyResidentId(id).ok())
        << id;
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
  auto all = OpenAll();
  // Land may hold a member under the 15-digit number.
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM housing.FW_TJ t WHERE t.TS != ("
                  "SELECT count(DISTINCT z.QZID) FROM housing.FW_TJ_CY c "
                  "JOIN land.BDC_QLR q LEFT JOIN legacy_ids u ON u.z15 = "
                  "q.ZJHM "
                  "JOIN land.BDC_QZ z ON z.QZID = q.QZID AND z.QSZT = 1 "
                  "JOIN land.BDC_FW f ON f.BDCDYH = z.BDCDYH AND f.GHYT = '10' "
                  "WHERE c.JTBH = t.JTBH AND COALESCE(u.z18, q.ZJHM) = "
                  "c.ZJHM)"),
            0);
  EXPECT_GT(Count(all.get(), "SELECT count(*) FROM housing.FW_TJ WHERE TS = 0"),
            0);
  EXPECT_GT(
      Count(all.get(), "SELECT count(*) FROM housing.FW_TJ WHERE TS >= 2"), 0);
}

TEST(GeneratorTest, SalesAgreeAcrossHousingLandAndTax) {
  auto housing = OpenStore("housing");
  auto tax = OpenStore("tax");
  std::string dir = SharedTestDataDir();
  ASSERT_TRUE(
      housing->Execute("ATTACH DATABASE ? AS land", {dir + "/land.db"}).ok());
  // Every seller holds or held a title to the unit sold (perhaps recorded
  // under the 15-digit number).
  auto all = OpenAll();
  EXPECT_EQ(
      Count(all.get(),
            "SELECT count(*) FROM housing.HT_JYF j "
            "JOIN housing.HT_BA b ON b.BAID = j.BAID "
            "WHERE j.JYFLB = '1' AND NOT EXISTS (SELECT 1 FROM land.BDC_QZ z "
            "JOIN land.BDC_QLR q ON q.QZID = z.QZID "
            "LEFT JOIN legacy_ids u ON u.z15 = q.ZJHM "
            "WHERE z.BDCDYH = b.BDCDYH AND COALESCE(u.z18, q.ZJHM) = j.ZJHM)"),
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
  for (const char* key :
       {"legacy15_person_id", "legacy15_form", "legacy15_certificate_no",
        "company_buyer_credit_code", "company_buyer_name",
        "company_buyer_contract_no", "company_buyer_property_unit_no",
        "company_buyer_seller_id", "relocated_person_id",
        "relocated_old_household_no", "relocated_new_household_no"}) {
    ASSERT_TRUE(demo.count(key) == 1 && !demo.at(key).empty()) << key;
  }
  // deploy/local/demo.sh sources the file: keys are shell names and values
  // contain nothing a shell would interpret.
  for (const auto& [key, value] : demo) {
    EXPECT_EQ(key.find_first_not_of("abcdefghijklmnopqrstuvwxyz_0123456789"),
              std::string::npos)
        << key;
    EXPECT_FALSE(key.empty() || (key[0] >= '0' && key[0] <= '9')) << key;
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

TEST(GeneratorTest, LegacyNumbersOnlyInOldRecordsOfOldPeople) {
  auto all = OpenAll();
  // Land titles and tax registrations up to 2007 may hold a 15-digit
  // number: always the legacy form of a registered person born before 1980.
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM land.BDC_QLR q "
                  "JOIN land.BDC_QZ z ON z.QZID = q.QZID "
                  "WHERE length(q.ZJHM) = 15 AND z.DJSJ >= '2008'"),
            0);
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM tax.DJ_NSRXX WHERE length(ZJHM) = 15 "
                  "AND DJRQ >= '2008'"),
            0);
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM legacy_ids u WHERE NOT EXISTS ("
                  "SELECT 1 FROM registry.HJ_RY r WHERE r.GMSFHM = u.z18 "
                  "AND r.CSRQ < '19800101')"),
            0);
  // Nobody is held under both forms in one store.
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM legacy_ids u WHERE EXISTS ("
                  "SELECT 1 FROM tax.DJ_NSRXX n WHERE n.ZJHM = u.z18)"),
            0);
  // Housing and the registry (newer systems) hold 18 characters only.
  EXPECT_EQ(Count(all.get(),
                  "SELECT (SELECT count(*) FROM housing.HT_JYF "
                  "WHERE length(ZJHM) != 18) + (SELECT count(*) FROM "
                  "housing.FW_TJ_CY WHERE length(ZJHM) != 18) + (SELECT "
                  "count(*) FROM registry.HJ_RY WHERE length(GMSFHM) != 18)"),
            0);

  // The demo's legacy person: 15 digits in land and tax, 18 in the
  // registry; the land title is old, the tax registration too, with the
  // deed tax certificate of then.
  const auto& demo = SharedDemoSubjects();
  const std::string& id18 = demo.at("legacy15_person_id");
  const std::string& id15 = demo.at("legacy15_form");
  ASSERT_EQ(id15.size(), 15u);
  auto upgraded = identity::UpgradeLegacyResidentId(id15);
  ASSERT_TRUE(upgraded.ok()) << upgraded.status();
  EXPECT_EQ(*upgraded, id18);
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM land.BDC_QLR q JOIN land.BDC_QZ z ON "
                  "z.QZID = q.QZID WHERE q.ZJHM = ? AND z.QZH = ? AND "
                  "z.QSZT = 1 AND z.DJSJ < '2008'",
                  {id15, demo.at("legacy15_certificate_no")}),
            1);
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM tax.DJ_NSRXX n JOIN tax.WSZM w ON "
                  "w.NSRSBH = n.NSRSBH WHERE n.ZJHM = ? AND n.DJRQ < '2008' "
                  "AND w.SBXH IS NULL AND w.ZSXM = '10119'",
                  {id15}),
            1);
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM registry.HJ_RY WHERE GMSFHM = ? AND "
                  "RYZT = '0'",
                  {id18}),
            1);
}

TEST(GeneratorTest, CompanyBuyerAgreesAcrossHousingTaxAndLand) {
  const auto& demo = SharedDemoSubjects();
  const std::string& code = demo.at("company_buyer_credit_code");
  auto kind = identity::ValidateSubject(code);
  ASSERT_TRUE(kind.ok()) << kind.status();
  EXPECT_EQ(*kind, identity::SubjectKind::kOrganisation);
  auto all = OpenAll();
  // The contract names the company as its only buyer.
  EXPECT_EQ(Column(all.get(),
                   "SELECT j.ZJHM || ':' || j.XM FROM housing.HT_JYF j JOIN "
                   "housing.HT_BA b ON b.BAID = j.BAID WHERE b.HTBH = ? AND "
                   "j.JYFLB = '2'",
                   {demo.at("company_buyer_contract_no")}),
            std::vector<std::string>{
                absl::StrCat(code, ":", demo.at("company_buyer_name"))});
  // Tax: an organisation taxpayer under its credit code, deed tax at 3%.
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM tax.DJ_NSRXX WHERE NSRSBH = ?1 AND "
                  "ZJHM = ?1 AND NSRLX = '2' AND ZJLX = '800'",
                  {code}),
            1);
  EXPECT_EQ(Count(all.get(),
                  "SELECT count(*) FROM tax.QS_SBXX s JOIN tax.WSZM w ON "
                  "w.SBXH = s.SBXH WHERE s.NSRSBH = ? AND s.HTBH = ? AND "
                  "s.SL = 300 AND s.SFSTFW = 'N' AND w.SJJE = s.YNSE",
                  {code, demo.at("company_buyer_contract_no")}),
            1);
  // Land: after the transfer the company holds the unit's title in force.
  EXPECT_EQ(Column(all.get(),
                   "SELECT q.ZJHM || ':' || q.ZJZL || ':' || z.DJLX FROM "
                   "land.BDC_QZ z JOIN land.BDC_QLR q ON q.QZID = z.QZID "
                   "WHERE z.BDCDYH = ? AND z.QSZT = 1",
                   {demo.at("company_buyer_property_unit_no")}),
            std::vector<std::string>{absl::StrCat(code, ":7:转移登记")});
  // Companies own no dwelling count.
  EXPECT_EQ(
      Count(all.get(), "SELECT count(*) FROM housing.FW_TJ_CY WHERE ZJHM = ?",
            {code}),
      0);
}

TEST(GeneratorTest, RelocatedPersonKeepsTheOldRegistration) {
  const auto& demo = SharedDemoSubjects();
  auto registry = OpenStore("registry");
  const std::string& person = demo.at("relocated_person_id");
  // Old household: ended by moving out (迁出注销) on the day the new
  // registration starts; the new household is headed by the person.
  std::vector<std::string> rows = Column(
      registry.get(),
      "SELECT HH || ':' || RYZT || ':' || IFNULL(ZXRQ, '') || ':' || QRRQ "
      "FROM HJ_RY WHERE GMSFHM = ? ORDER BY QRRQ",
      {person});
  ASSERT_EQ(rows.size(), 2u);
  const std::string old_prefix =
      absl::StrCat(demo.at("relocated_old_household_no"), ":2:");
  const std::string new_prefix =
      absl::StrCat(demo.at("relocated_new_household_no"), ":0::");
  ASSERT_EQ(rows[0].substr(0, old_prefix.size()), old_prefix);
  ASSERT_EQ(rows[1].substr(0, new_prefix.size()), new_prefix);
  std::string moved_out = rows[0].substr(old_prefix.size(), 8);
  EXPECT_EQ(rows[1].substr(new_prefix.size()), moved_out);
  EXPECT_EQ(Count(registry.get(),
                  "SELECT count(*) FROM HJ_HU h JOIN HJ_RY r ON r.RYID = "
                  "h.HZRYID WHERE h.HH = ? AND r.GMSFHM = ? AND r.RYZT = '0'",
                  {demo.at("relocated_new_household_no"), person}),
            1);
  // The parents still live in the old household.
  EXPECT_GE(Count(registry.get(),
                  "SELECT count(*) FROM HJ_RY WHERE HH = ? AND RYZT = '0'",
                  {demo.at("relocated_old_household_no")}),
            2);
}

}  // namespace
}  // namespace datagen
}  // namespace datarun
