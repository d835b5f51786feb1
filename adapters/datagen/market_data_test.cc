// Consistency of the market regulator's generated store with the others
// (registry, land, tax), and of the scripted market and relocation demo.
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/datagen/testing/test_data.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "exchange/identity/credit_code.h"
#include "exchange/identity/resident_id.h"
#include "gtest/gtest.h"

namespace datarun {
namespace datagen {
namespace {

using legacy::SqliteDb;
using legacy::SqliteRow;
using testing::SharedDemoSubjects;
using testing::SharedTestDataDir;

const std::string& Demo(const std::string& key) {
  return SharedDemoSubjects().at(key);
}

// market, registry, land and tax attached to one in-memory database.
std::unique_ptr<SqliteDb> OpenStores() {
  auto db = SqliteDb::Open(":memory:", SqliteDb::Mode::kCreate);
  EXPECT_TRUE(db.ok()) << db.status();
  if (!db.ok()) return nullptr;
  for (const char* name : {"market", "registry", "land", "tax"}) {
    absl::Status s =
        (*db)->Execute(absl::StrCat("ATTACH DATABASE ? AS ", name),
                       {absl::StrCat(SharedTestDataDir(), "/", name, ".db")});
    EXPECT_TRUE(s.ok()) << s;
  }
  return std::move(*db);
}

std::vector<std::vector<std::string>> Rows(
    SqliteDb* db, const std::string& sql,
    const std::vector<std::string>& params = {}) {
  std::vector<legacy::SqlValue> values(params.begin(), params.end());
  std::vector<std::vector<std::string>> rows;
  absl::Status s = db->Query(sql, values, [&](const SqliteRow& row) {
    std::vector<std::string> r;
    for (int i = 0; i < row.column_count(); ++i) {
      r.emplace_back(row.IsNull(i) ? "" : row.Text(i));
    }
    rows.push_back(std::move(r));
    return absl::OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s;
  return rows;
}

std::string Upgraded(const std::string& id) {
  if (id.size() != 15) return id;
  auto z18 = identity::UpgradeLegacyResidentId(id);
  EXPECT_TRUE(z18.ok()) << z18.status();
  return z18.ok() ? *z18 : id;
}

TEST(MarketDataTest, EntitiesAreNumberedValidlyAndUniquely) {
  auto db = OpenStores();
  const auto rows = Rows(db.get(),
                         "SELECT TYSHXYDM, ZZJGDM, ZTLX, ZTMC FROM "
                         "market.SC_ZTDJ");
  ASSERT_GT(rows.size(), 5u);
  std::set<std::string> org_codes, assigned_names;
  for (const auto& r : rows) {
    auto info = identity::ParseCreditCode(r[0]);
    ASSERT_TRUE(info.ok()) << r[0] << ": " << info.status();
    EXPECT_EQ(info->registration_authority, '9');
    EXPECT_EQ(info->organisation_type, r[2] == "9600" ? '2' : '1') << r[0];
    EXPECT_EQ(info->organisation_code, r[1]);
    EXPECT_TRUE(org_codes.insert(r[1]).second) << r[1];
    // Names the bureau assigned codes to (MA + a letter) are unique.
    if (r[1][2] >= 'A') {
      EXPECT_TRUE(assigned_names.insert(r[3]).second) << r[3];
    }
  }
}

TEST(MarketDataTest, RepresentativesAreRegisteredAdults) {
  auto db = OpenStores();
  for (const auto& r :
       Rows(db.get(), "SELECT FDDBRZJHM, FDDBR, CLRQ FROM market.SC_ZTDJ")) {
    const std::string id = Upgraded(r[0]);
    const auto person = Rows(
        db.get(), "SELECT XM, CSRQ FROM registry.HJ_RY WHERE GMSFHM = ?", {id});
    ASSERT_FALSE(person.empty()) << "representative not in the register";
    EXPECT_EQ(person[0][0], r[1]);
    // CSRQ YYYYMMDD, CLRQ YYYY/MM/DD: 18 years later at least.
    const int born = std::stoi(person[0][1].substr(0, 4));
    EXPECT_GE(std::stoi(r[2].substr(0, 4)), born + 18) << r[2];
    if (r[0].size() == 15) {
      EXPECT_LE(r[2], "2007/12/31");
      EXPECT_LT(born, 1980);
    }
  }
}

TEST(MarketDataTest, OwnedPremisesAreTitlesOfTheBusinessOrItsOperator) {
  auto db = OpenStores();
  const auto rows = Rows(db.get(),
                         "SELECT TYSHXYDM, FDDBRZJHM, ZS, CSZMBH, ZTLX FROM "
                         "market.SC_ZTDJ WHERE CSZMBH IS NOT NULL");
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    const auto title =
        Rows(db.get(),
             "SELECT f.ZL, f.GHYT FROM land.BDC_QZ z JOIN land.BDC_FW f ON "
             "f.BDCDYH = z.BDCDYH JOIN land.BDC_QLR q ON q.QZID = z.QZID WHERE "
             "z.QZH = ? AND z.QSZT = 1 AND q.ZJHM IN (?, ?)",
             {r[3], r[0], r[1]});
    ASSERT_EQ(title.size(), 1u) << r[3];
    EXPECT_EQ(title[0][0], r[2]);
    EXPECT_NE(title[0][1], "10");  // not a dwelling
  }
}

TEST(MarketDataTest, CompaniesTheTaxBureauKnowsAreRegisteredUnderTheirName) {
  auto db = OpenStores();
  const auto companies = Rows(
      db.get(), "SELECT NSRSBH, NSRMC FROM tax.DJ_NSRXX WHERE NSRLX = '2'");
  ASSERT_FALSE(companies.empty());
  for (const auto& c : companies) {
    const auto entity = Rows(
        db.get(), "SELECT ZTMC, DJZT FROM market.SC_ZTDJ WHERE TYSHXYDM = ?",
        {c[0]});
    ASSERT_EQ(entity.size(), 1u) << c[0];
    EXPECT_EQ(entity[0][0], c[1]);
    EXPECT_EQ(entity[0][1], "1");
  }
}

TEST(MarketDataTest, LicencesFollowTheRegistrationHistory) {
  auto db = OpenStores();
  for (const auto& r : Rows(
           db.get(),
           "SELECT z.ZTSFDM, z.DJZT, z.ZXRQ, "
           "(SELECT count(*) FROM market.SC_YYZZ y WHERE y.ZTSFDM = z.ZTSFDM "
           " AND y.ZZZT = '1'), "
           "(SELECT count(*) FROM market.SC_YYZZ y WHERE y.ZTSFDM = z.ZTSFDM), "
           "(SELECT count(*) FROM market.SC_DJJL j WHERE j.ZTSFDM = z.ZTSFDM "
           " AND j.YWLX = '2'), "
           "(SELECT count(*) FROM market.SC_DJJL j WHERE j.ZTSFDM = z.ZTSFDM "
           " AND j.YWLX = '3' AND j.HZRQ = z.ZXRQ) "
           "FROM market.SC_ZTDJ z")) {
    const bool ended = r[1] == "2";
    EXPECT_EQ(r[2].empty(), !ended) << r[0];
    EXPECT_EQ(r[3], ended ? "0" : "1") << r[0];  // one licence in force
    EXPECT_EQ(std::stoi(r[4]), 1 + std::stoi(r[5])) << r[0];  // reissues
    EXPECT_EQ(r[6], ended ? "1" : "0") << r[0];
  }
}

TEST(MarketDataTest, TheScriptedShopkeeperAndMover) {
  auto db = OpenStores();
  const auto shop =
      Rows(db.get(),
           "SELECT ZTLX, DJZT, FDDBRZJHM, CSZMBH FROM market.SC_ZTDJ WHERE "
           "TYSHXYDM = ?",
           {Demo("sole_proprietor_credit_code")});
  ASSERT_EQ(shop.size(), 1u);
  EXPECT_EQ(shop[0], (std::vector<std::string>{
                         "9600", "1", Demo("sole_proprietor_id"),
                         Demo("founder_premises_certificate_no")}));
  EXPECT_EQ(Demo("founder_id"), Demo("sole_proprietor_id"));

  // The mover is registered at one flat and holds the title of another.
  const auto home =
      Rows(db.get(),
           "SELECT h.HH, h.ZZ FROM registry.HJ_RY r JOIN registry.HJ_HU h ON "
           "h.HH = r.HH WHERE r.GMSFHM = ? AND r.RYZT = '0'",
           {Demo("relocation_applicant_id")});
  ASSERT_EQ(home.size(), 1u);
  EXPECT_EQ(home[0][0], Demo("relocation_from_household_no"));
  EXPECT_NE(home[0][1], Demo("relocation_target_address"));
  EXPECT_EQ(
      Rows(db.get(),
           "SELECT 1 FROM land.BDC_QLR q JOIN land.BDC_QZ z ON z.QZID = "
           "q.QZID JOIN land.BDC_FW f ON f.BDCDYH = z.BDCDYH WHERE "
           "q.ZJHM = ? AND z.QSZT = 1 AND f.ZL = ? AND f.GHYT = '10'",
           {Demo("relocation_applicant_id"), Demo("relocation_target_address")})
          .size(),
      1u);
  // Nobody is registered at the target yet.
  EXPECT_TRUE(Rows(db.get(), "SELECT 1 FROM registry.HJ_HU WHERE ZZ = ?",
                   {Demo("relocation_target_address")})
                  .empty());
}

TEST(MarketDataTest, AMoveOutNamesTheDestination) {
  auto db = OpenStores();
  const auto moved = Rows(
      db.get(),
      "SELECT r.QWDZ, h.ZZ FROM registry.HJ_RY r JOIN registry.HJ_RY n ON "
      "n.GMSFHM = r.GMSFHM AND n.RYZT = '0' JOIN registry.HJ_HU h ON h.HH = "
      "n.HH WHERE r.RYZT = '2'");
  ASSERT_FALSE(moved.empty());
  for (const auto& m : moved) EXPECT_EQ(m[0], m[1]);
}

}  // namespace
}  // namespace datagen
}  // namespace datarun
