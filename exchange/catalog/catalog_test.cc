#include "exchange/catalog/catalog.h"

#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <ostream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Line numbers matter: the error tests below cite them.
constexpr char kCatalog[] = R"txt(departments { id: "land" name: "Land" }
departments { id: "tax" name: "Tax" }
departments { id: "servicehall" name: "Service hall" }
datasets {
  id: "land.property_title"
  owner: "land"
  version: 1
  share_type: SHARE_TYPE_CONDITIONAL
  subject_kind: SUBJECT_KIND_ANY
  fields { name: "certificate_no" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_KEEP_ENDS }
  fields { name: "area" type: FIELD_TYPE_DECIMAL sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_REDACT }
  fields {
    name: "owners"
    type: FIELD_TYPE_RECORD_LIST
    sensitivity: SENSITIVITY_SENSITIVE
    masking: MASKING_RULE_REDACT
    fields { name: "name" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_NAME }
    fields { name: "share" type: FIELD_TYPE_DECIMAL sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_REDACT }
  }
  fields { name: "mortgaged" type: FIELD_TYPE_BOOL sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_REDACT }
}
datasets {
  id: "land.parcel"
  owner: "land"
  version: 2
  share_type: SHARE_TYPE_UNCONDITIONAL
  subject_kind: SUBJECT_KIND_ANY
  fields { name: "parcel_no" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PUBLIC }
}
datasets {
  id: "tax.payment_certificate"
  owner: "tax"
  version: 1
  share_type: SHARE_TYPE_CONDITIONAL
  subject_kind: SUBJECT_KIND_PERSON
  fields { name: "paid_on" type: FIELD_TYPE_DATE sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_YEAR_ONLY }
}
)txt";

std::unique_ptr<Catalog> MustLoad(absl::string_view text) {
  auto catalog = Catalog::FromText("catalog.textproto", text);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  return catalog.ok() ? std::move(*catalog) : nullptr;
}

// Loads kCatalog with `from` replaced by `to` and returns the error.
absl::Status LoadWith(absl::string_view from, absl::string_view to) {
  std::string text = kCatalog;
  size_t at = text.find(std::string(from));
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), std::string(to));
  return Catalog::FromText("catalog.textproto", text).status();
}

TEST(CatalogTest, LoadsAndLooksUp) {
  auto catalog = MustLoad(kCatalog);
  ASSERT_NE(catalog, nullptr);
  auto dataset = catalog->FindDataset("land.property_title");
  ASSERT_TRUE(dataset.ok()) << dataset.status();
  EXPECT_EQ((*dataset)->owner(), "land");
  const v1::FieldSchema* area = catalog->FindField(**dataset, "area");
  ASSERT_NE(area, nullptr);
  EXPECT_EQ(area->type(), v1::FIELD_TYPE_DECIMAL);
  EXPECT_EQ(catalog->FindField(**dataset, "share"), nullptr)
      << "sub-fields are not top-level fields";
  EXPECT_TRUE(catalog->HasDepartment("servicehall"));
  EXPECT_FALSE(catalog->HasDepartment("housing"));
  EXPECT_THAT(catalog->DepartmentIds(),
              ElementsAre("land", "tax", "servicehall"));
  EXPECT_EQ(catalog->ListDatasets().size(), 3u);
  auto land = catalog->ListDatasets("land");
  ASSERT_EQ(land.size(), 2u);
  EXPECT_EQ(land[0]->id(), "land.property_title");
  EXPECT_EQ(land[1]->id(), "land.parcel");
  EXPECT_TRUE(catalog->ListDatasets("servicehall").empty());
  EXPECT_TRUE(catalog->ListDatasets("nobody").empty());
  EXPECT_EQ(catalog->proto().datasets_size(), 3);
}

TEST(CatalogTest, FindFieldWorksForACopiedDataset) {
  auto catalog = MustLoad(kCatalog);
  ASSERT_NE(catalog, nullptr);
  v1::Dataset copy = catalog->proto().datasets(0);
  EXPECT_NE(catalog->FindField(copy, "owners"), nullptr);
  EXPECT_EQ(catalog->FindField(copy, "nope"), nullptr);
}

TEST(CatalogTest, UnknownDatasetSuggestsClosestId) {
  auto catalog = MustLoad(kCatalog);
  ASSERT_NE(catalog, nullptr);
  auto typo = catalog->FindDataset("land.property_titel");
  EXPECT_EQ(typo.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(typo.status().message(),
            "unknown dataset 'land.property_titel' (did you mean "
            "'land.property_title'?)");
  auto prefix = catalog->FindDataset("tax.payment");
  EXPECT_THAT(std::string(prefix.status().message()),
              HasSubstr("did you mean 'tax.payment_certificate'"));
  auto far = catalog->FindDataset("registry.marriage");
  EXPECT_EQ(far.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(far.status().message(), "unknown dataset 'registry.marriage'");
}

TEST(CatalogTest, LoadFileReadsAndReportsMissingFile) {
  char dir_template[] = "/tmp/catalog_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string path = dir + "/catalog.textproto";
  {
    std::ofstream out(path);
    out << kCatalog;
  }
  auto catalog = Catalog::LoadFile(path);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_EQ((*catalog)->proto().departments_size(), 3);

  auto missing = Catalog::LoadFile(dir + "/absent.textproto");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("absent.textproto"));
  unlink(path.c_str());
  rmdir(dir.c_str());
}

TEST(CatalogTest, SyntaxErrorNamesFileLineColumn) {
  absl::Status status = LoadWith("version: 2", "versoin: 2");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("catalog.textproto:25:"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("versoin"));
}

struct ErrorCase {
  const char* name;
  const char* from;
  const char* to;
  const char* expected;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class CatalogErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(CatalogErrorTest, NamesFileLineAndFieldPath) {
  const ErrorCase& c = GetParam();
  absl::Status status = LoadWith(c.from, c.to);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(c.expected)) << status;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, CatalogErrorTest,
    ::testing::Values(
        ErrorCase{
            "DuplicateDepartment", R"(id: "servicehall")", R"(id: "tax")",
            "catalog.textproto:3: departments[2].id: duplicate "
            "department id 'tax' (first declared at catalog.textproto:2)"},
        ErrorCase{"UppercaseDepartment", R"(id: "tax" name)",
                  R"(id: "Tax" name)",
                  "catalog.textproto:2: departments[1].id: department id "
                  "'Tax' must be a lowercase letter"},
        ErrorCase{"EmptyDepartment", R"(id: "servicehall" )", "",
                  "catalog.textproto:3: departments[2].id: department id is "
                  "required"},
        ErrorCase{"BadDatasetId", R"(id: "land.parcel")", R"(id: "landparcel")",
                  "catalog.textproto:23: datasets[1].id: dataset id "
                  "'landparcel' must be '<owner>.<name>'"},
        ErrorCase{"DatasetNameNotSnakeCase", R"(id: "land.parcel")",
                  R"(id: "land.Parcel")",
                  "datasets[1].id: dataset id 'land.Parcel' must be"},
        ErrorCase{"DuplicateDataset", R"(id: "land.parcel")",
                  R"(id: "land.property_title")",
                  "catalog.textproto:23: datasets[1].id: duplicate dataset id "
                  "'land.property_title' (first declared at "
                  "catalog.textproto:4)"},
        ErrorCase{"UndeclaredOwner", R"(id: "tax.payment_certificate"
  owner: "tax")",
                  R"(id: "taxx.payment_certificate"
  owner: "taxx")",
                  "catalog.textproto:32: datasets[2].owner: owner 'taxx' of "
                  "'taxx.payment_certificate' is not a declared department "
                  "(declared: land, tax, servicehall) (did you mean 'tax'?)"},
        ErrorCase{
            "OwnerNotPrefix", R"(owner: "tax")", R"(owner: "land")",
            "catalog.textproto:32: datasets[2].owner: owner 'land' does "
            "not match the prefix of dataset id 'tax.payment_certificate'"},
        ErrorCase{"MissingOwner", R"(owner: "tax")", "",
                  "catalog.textproto:30: datasets[2].owner: owner of "
                  "'tax.payment_certificate' is required"},
        ErrorCase{"VersionZero", "version: 2", "version: 0",
                  "catalog.textproto:25: datasets[1].version: version of "
                  "'land.parcel' must be >= 1, got 0"},
        ErrorCase{"NegativeVersion", "version: 2", "version: -3",
                  "catalog.textproto:25: datasets[1].version: version of "
                  "'land.parcel' must be >= 1, got -3"},
        ErrorCase{"NoShareType", "share_type: SHARE_TYPE_UNCONDITIONAL", "",
                  "catalog.textproto:22: datasets[1].share_type: share_type of "
                  "'land.parcel' is required"},
        ErrorCase{"NoSubjectKind", R"(subject_kind: SUBJECT_KIND_PERSON)", "",
                  "catalog.textproto:30: datasets[2].subject_kind: "
                  "subject_kind of 'tax.payment_certificate' is required"},
        ErrorCase{
            "NoFields",
            R"(fields { name: "parcel_no" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PUBLIC })",
            "",
            "catalog.textproto:22: datasets[1].fields: dataset "
            "'land.parcel' needs at least one field"},
        ErrorCase{"FieldNotSnakeCase", R"(name: "parcel_no")",
                  R"(name: "ParcelNo")",
                  "catalog.textproto:28: datasets[1].fields[0].name: field "
                  "name 'ParcelNo' must be lowercase snake_case"},
        ErrorCase{"FieldWithoutName", R"(name: "parcel_no" )", "",
                  "catalog.textproto:28: datasets[1].fields[0].name: name is "
                  "required"},
        ErrorCase{"DuplicateField", R"(name: "mortgaged")", R"(name: "area")",
                  "catalog.textproto:20: datasets[0].fields[3].name: duplicate "
                  "field name 'area' (first declared at catalog.textproto:11)"},
        ErrorCase{"DuplicateSubField", R"(name: "share")", R"(name: "name")",
                  "catalog.textproto:18: datasets[0].fields[2].fields[1].name: "
                  "duplicate field name 'name'"},
        ErrorCase{"NoType", R"(name: "parcel_no" type: FIELD_TYPE_STRING)",
                  R"(name: "parcel_no")",
                  "catalog.textproto:28: datasets[1].fields[0].type: type of "
                  "field 'parcel_no' is required"},
        ErrorCase{
            "RecordListWithoutSubFields",
            R"(fields { name: "name" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_NAME }
    fields { name: "share" type: FIELD_TYPE_DECIMAL sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_REDACT })",
            "",
            "catalog.textproto:12: datasets[0].fields[2].fields: "
            "FIELD_TYPE_RECORD_LIST field 'owners' needs sub-fields"},
        ErrorCase{"SubFieldsOnScalar", "type: FIELD_TYPE_RECORD_LIST",
                  "type: FIELD_TYPE_STRING",
                  "catalog.textproto:17: datasets[0].fields[2].fields[0]: "
                  "field 'owners' is FIELD_TYPE_STRING; only "
                  "FIELD_TYPE_RECORD_LIST fields may have sub-fields"},
        ErrorCase{"NoSensitivity",
                  R"(type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PUBLIC)",
                  "type: FIELD_TYPE_STRING",
                  "catalog.textproto:28: datasets[1].fields[0].sensitivity: "
                  "sensitivity of field 'parcel_no' is required"},
        ErrorCase{"PersonalWithoutMasking",
                  R"(SENSITIVITY_PERSONAL masking: MASKING_RULE_YEAR_ONLY)",
                  "SENSITIVITY_PERSONAL",
                  "catalog.textproto:36: datasets[2].fields[0].masking: field "
                  "'paid_on' is SENSITIVITY_PERSONAL and needs a masking rule"},
        ErrorCase{
            "SensitiveSubFieldWithoutMasking",
            R"(name: "name" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_NAME)",
            R"(name: "name" type: FIELD_TYPE_STRING sensitivity: SENSITIVITY_SENSITIVE)",
            "catalog.textproto:17: datasets[0].fields[2].fields[0]."
            "masking: field 'name' is SENSITIVITY_SENSITIVE and needs a "
            "masking rule"},
        ErrorCase{"YearOnlyOnString", "MASKING_RULE_KEEP_ENDS",
                  "MASKING_RULE_YEAR_ONLY",
                  "catalog.textproto:10: datasets[0].fields[0].masking: "
                  "MASKING_RULE_YEAR_ONLY applies only to FIELD_TYPE_DATE "
                  "fields, but 'certificate_no' is FIELD_TYPE_STRING"},
        ErrorCase{
            "NameOnDecimal",
            R"(name: "area" type: FIELD_TYPE_DECIMAL sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_REDACT)",
            R"(name: "area" type: FIELD_TYPE_DECIMAL sensitivity: SENSITIVITY_PERSONAL masking: MASKING_RULE_NAME)",
            "catalog.textproto:11: datasets[0].fields[1].masking: "
            "MASKING_RULE_NAME applies only to FIELD_TYPE_STRING fields, "
            "but 'area' is FIELD_TYPE_DECIMAL"},
        ErrorCase{"KeepEndsOnDate", "MASKING_RULE_YEAR_ONLY",
                  "MASKING_RULE_KEEP_ENDS",
                  "catalog.textproto:36: datasets[2].fields[0].masking: "
                  "MASKING_RULE_KEEP_ENDS applies only to FIELD_TYPE_STRING "
                  "fields, but 'paid_on' is FIELD_TYPE_DATE"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) {
      return std::string(info.param.name);
    });

TEST(CatalogTest, ReportsEveryErrorOneLineEach) {
  std::string text = kCatalog;
  text.replace(text.find("version: 2"), 10, "version: 0");
  text.replace(text.find("MASKING_RULE_KEEP_ENDS"), 22,
               "MASKING_RULE_YEAR_ONLY");
  absl::Status status = Catalog::FromText("c.textproto", text).status();
  EXPECT_EQ(std::string(status.message()),
            "c.textproto:10: datasets[0].fields[0].masking: "
            "MASKING_RULE_YEAR_ONLY applies only to FIELD_TYPE_DATE fields, "
            "but 'certificate_no' is FIELD_TYPE_STRING\n"
            "c.textproto:25: datasets[1].version: version of 'land.parcel' "
            "must be >= 1, got 0");
}

TEST(CatalogTest, CapsTheNumberOfReportedErrors) {
  std::string text;
  for (int i = 0; i < 30; ++i) text += "departments { id: \"X\" }\n";
  absl::Status status = Catalog::FromText("c.textproto", text).status();
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("c.textproto:20: departments[19]"));
  EXPECT_THAT(std::string(status.message()),
              ::testing::Not(HasSubstr("departments[20]")));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("... and 10 more errors in c.textproto"));
}

TEST(CatalogTest, EmptyCatalogIsValid) {
  auto catalog = Catalog::FromText("empty.textproto", "");
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  EXPECT_TRUE((*catalog)->ListDatasets().empty());
}

}  // namespace
}  // namespace datarun::catalog
