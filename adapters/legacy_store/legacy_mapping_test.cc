#include "adapters/legacy_store/legacy_mapping.h"

#include <string>
#include <vector>

#include "adapters/legacy_store/sqlite_db.h"
#include "gtest/gtest.h"

namespace datarun {
namespace legacy {
namespace {

constexpr const char* kKnown[] = {"a", "b", "c"};

// Runs `sql` (one row) on an in-memory database and applies `fn` to it.
void WithRow(const std::string& sql,
             const std::function<void(const SqliteRow&)>& fn) {
  auto db = SqliteDb::Open(":memory:", SqliteDb::Mode::kCreate);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)
                  ->Query(sql, {},
                          [&](const SqliteRow& row) {
                            fn(row);
                            return absl::OkStatus();
                          })
                  .ok());
}

TEST(LegacyMappingTest, RequestedFieldsAreCheckedAndKept) {
  v1::FetchRequest request;
  request.set_dataset("x.y");
  request.set_subject("110105194912310029");
  EXPECT_TRUE(CheckRequestedFields("x.y", request, kKnown).ok());
  request.add_fields("b");
  EXPECT_TRUE(CheckRequestedFields("x.y", request, kKnown).ok());
  request.add_fields("ZJHM");
  absl::Status s = CheckRequestedFields("x.y", request, kKnown);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "x.y has no field 'ZJHM' (fields: a, b, c)");

  std::vector<v1::Record> records(2);
  for (v1::Record& r : records) {
    for (const char* f : kKnown) (*r.mutable_fields())[f].set_string_value(f);
  }
  request.clear_fields();
  KeepRequestedFields(request, &records);  // none requested: all kept
  EXPECT_EQ(records[0].fields().size(), 3u);
  request.add_fields("b");
  KeepRequestedFields(request, &records);
  for (const v1::Record& r : records) {
    ASSERT_EQ(r.fields().size(), 1u);
    EXPECT_EQ(r.fields().at("b").string_value(), "b");
  }
}

TEST(LegacyMappingTest, NullsBecomeEmptyValues) {
  WithRow("SELECT NULL, NULL, NULL, NULL", [](const SqliteRow& row) {
    adapter::RecordBuilder b;
    SetText(b, {"x.y", "t", "T.A"}, row, 0);
    EXPECT_TRUE(SetDate(b, {"x.y", "d", "T.B"}, row, 1).ok());
    SetHundredths(b, {"x.y", "h", "T.C"}, row, 2);
    EXPECT_TRUE(SetDecimalText(b, {"x.y", "m", "T.D"}, row, 3).ok());
    v1::Record r = std::move(b).Build();
    ASSERT_EQ(r.fields().size(), 4u);
    for (const auto& [name, value] : r.fields()) {
      EXPECT_EQ(value.kind_case(), v1::Value::KIND_NOT_SET) << name;
    }
  });
}

TEST(LegacyMappingTest, ValuesAreConverted) {
  WithRow("SELECT '张三', '20240229', 8950, ' 89.5 '",
          [](const SqliteRow& row) {
            adapter::RecordBuilder b;
            SetText(b, {"x.y", "t", "T.A"}, row, 0);
            EXPECT_TRUE(SetDate(b, {"x.y", "d", "T.B"}, row, 1).ok());
            SetHundredths(b, {"x.y", "h", "T.C"}, row, 2);
            EXPECT_TRUE(SetDecimalText(b, {"x.y", "m", "T.D"}, row, 3).ok());
            v1::Record r = std::move(b).Build();
            EXPECT_EQ(r.fields().at("t").string_value(), "张三");
            EXPECT_EQ(r.fields().at("d").date_value(), "2024-02-29");
            EXPECT_EQ(r.fields().at("h").decimal_value(), "89.50");
            EXPECT_EQ(r.fields().at("m").decimal_value(), "89.5");
          });
}

TEST(LegacyMappingTest, BadLegacyValuesNameDatasetFieldAndColumn) {
  WithRow("SELECT '20230230', '12,5'", [](const SqliteRow& row) {
    adapter::RecordBuilder b;
    absl::Status s = SetDate(
        b, {"land.property_title", "registered_on", "BDC_QZ.DJSJ"}, row, 0);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(s.message().find("land.property_title: field 'registered_on'"),
              std::string::npos)
        << s;
    EXPECT_NE(s.message().find("BDC_QZ.DJSJ"), std::string::npos) << s;
    s = SetDecimalText(b, {"housing.sale_contract", "area", "HT_BA.JZMJ"}, row,
                       1);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
    EXPECT_NE(s.message().find("'12,5'"), std::string::npos) << s;
  });
}

TEST(LegacyMappingTest, StoreKeyUpperCasesTheCheckCharacter) {
  EXPECT_EQ(StoreKey("11010519491231002x"), "11010519491231002X");
  EXPECT_EQ(StoreKey("91350100M000100Y43"), "91350100M000100Y43");
}

TEST(LegacyMappingTest, LegacyIdentityNumberForms) {
  SubjectForms person = StoreForms("11010519491231002x");
  EXPECT_EQ(person.current, "11010519491231002X");
  EXPECT_EQ(person.legacy, "110105491231002");
  // Born 2000 or an organisation: the only form is the current one.
  SubjectForms young = StoreForms("110105200001010015");
  EXPECT_EQ(young.legacy, young.current);
  SubjectForms company = StoreForms("91350100M000100Y43");
  EXPECT_EQ(company.legacy, "91350100M000100Y43");

  EXPECT_EQ(UpgradeIfLegacy("110105491231002"), "11010519491231002X");
  EXPECT_EQ(UpgradeIfLegacy("11010519491231002X"), "11010519491231002X");
  // Not a valid legacy number (no such region): kept as stored.
  EXPECT_EQ(UpgradeIfLegacy("990105491231002"), "990105491231002");
  EXPECT_EQ(UpgradeIfLegacy("91350100M000100Y43"), "91350100M000100Y43");

  WithRow("SELECT '20150302', '2019-04-02 10:31:00', 'sometime', NULL",
          [](const SqliteRow& row) {
            EXPECT_EQ(RegistrationBasis("DJ_NSRXX registration", row, 0),
                      "DJ_NSRXX registration 2015-03-02");
            EXPECT_EQ(RegistrationBasis("BDC_QZ registered", row, 1),
                      "BDC_QZ registered 2019-04-02");
            EXPECT_EQ(RegistrationBasis("T", row, 2), "T sometime");
            EXPECT_EQ(RegistrationBasis("T", row, 3), "T");
          });
  WithRow("SELECT '110105491231002', NULL", [](const SqliteRow& row) {
    adapter::RecordBuilder b;
    SetIdNumber(b, Source{"d", "id_number", "T.ZJHM"}, row, 0);
    SetIdNumber(b, Source{"d", "other_id", "T.X"}, row, 1);
    v1::Record r = std::move(b).Build();
    EXPECT_EQ(r.fields().at("id_number").string_value(), "11010519491231002X");
    EXPECT_EQ(r.fields().at("other_id").kind_case(), v1::Value::KIND_NOT_SET);
  });
}

}  // namespace
}  // namespace legacy
}  // namespace datarun
