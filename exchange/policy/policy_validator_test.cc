#include "exchange/policy/policy_validator.h"

#include <memory>
#include <ostream>
#include <set>
#include <string>

#include "exchange/policy/policy_engine.h"
#include "exchange/policy/test_catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::policy {
namespace {

using ::testing::HasSubstr;

// Line numbers matter: the error tests below cite them.
constexpr char kPolicy[] =
    R"txt(purposes { code: "property_transfer.contract_filing" }
purposes { code: "property_transfer.deed_tax" }
purposes { code: "household.relocation" }
grants {
  id: "housing-title"
  consumer: "housing"
  dataset: "land.property_title"
  fields: "certificate_no"
  fields: "location"
  fields: "area"
  purposes: "property_transfer.contract_filing"
  not_before: "2024-01-01"
  not_after: "2030-12-31"
  rate_limit { per_second: 5 burst: 10 }
  legal_basis: "Regulation art. 10"
}
grants {
  id: "tax-marriage"
  consumer: "tax"
  dataset: "registry.marriage"
  fields: ["marital_status", "spouse_name"]
  purposes: "property_transfer.deed_tax"
  ungranted_fields: UNGRANTED_FIELDS_MASK
}
)txt";

absl::Status LoadWith(absl::string_view from, absl::string_view to,
                      PolicyOptions options = PolicyOptions()) {
  static const catalog::Catalog* catalog = LoadTestCatalog().release();
  std::string text = kPolicy;
  size_t at = text.find(std::string(from));
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), std::string(to));
  return PolicyEngine::FromText("policy.textproto", text, *catalog, options)
      .status();
}

TEST(PolicyValidatorTest, FixtureIsValid) {
  EXPECT_TRUE(LoadWith("", "").ok()) << LoadWith("", "");
}

TEST(PolicyValidatorTest, PurposeCodes) {
  EXPECT_TRUE(IsPurposeCode("property_transfer.deed_tax"));
  EXPECT_TRUE(IsPurposeCode("audit"));
  EXPECT_FALSE(IsPurposeCode(""));
  EXPECT_FALSE(IsPurposeCode("a..b"));
  EXPECT_FALSE(IsPurposeCode(".a"));
  EXPECT_FALSE(IsPurposeCode("Deed_tax"));
  EXPECT_FALSE(IsPurposeCode("deed tax"));
}

TEST(PolicyValidatorTest, SyntaxErrorNamesFileLineColumn) {
  absl::Status status = LoadWith("legal_basis", "legal_basiss");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("policy.textproto:15:"));
}

TEST(PolicyValidatorTest, CaseBoundGrantsNameAConfiguredCaseType) {
  const std::string to = R"(id: "tax-marriage"
  case_type: "property_transfer")";
  // Loaded on its own, the case type is not checked.
  EXPECT_TRUE(LoadWith(R"(id: "tax-marriage")", to).ok());
  PolicyOptions options;
  options.case_types.emplace();
  absl::Status none = LoadWith(R"(id: "tax-marriage")", to, options);
  EXPECT_EQ(std::string(none.message()),
            "policy.textproto:19: grants[1].case_type: grant 'tax-marriage': "
            "unknown case type 'property_transfer' (configured: none; the "
            "exchange has no case_types_file)");
  options.case_types =
      std::set<std::string>{"household_relocation", "property_transfer"};
  EXPECT_TRUE(LoadWith(R"(id: "tax-marriage")", to, options).ok());
  options.case_types = std::set<std::string>{"household_relocation"};
  absl::Status unknown = LoadWith(R"(id: "tax-marriage")", to, options);
  EXPECT_EQ(std::string(unknown.message()),
            "policy.textproto:19: grants[1].case_type: grant 'tax-marriage': "
            "unknown case type 'property_transfer' (configured: "
            "household_relocation)");
}

struct ErrorCase {
  const char* name;
  const char* from;
  const char* to;
  const char* expected;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class PolicyErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(PolicyErrorTest, NamesFileLineAndFieldPath) {
  const ErrorCase& c = GetParam();
  absl::Status status = LoadWith(c.from, c.to);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(c.expected));
}

INSTANTIATE_TEST_SUITE_P(
    Rules, PolicyErrorTest,
    ::testing::Values(
        ErrorCase{"EmptyPurposeCode", R"(code: "household.relocation")", "",
                  "policy.textproto:3: purposes[2].code: purpose code is "
                  "required"},
        ErrorCase{"BadPurposeCode", R"(code: "household.relocation")",
                  R"(code: "Household Relocation")",
                  "policy.textproto:3: purposes[2].code: purpose code "
                  "'Household Relocation' must be dot-separated snake_case "
                  "words"},
        ErrorCase{"DuplicatePurpose", R"(code: "household.relocation")",
                  R"(code: "property_transfer.deed_tax")",
                  "policy.textproto:3: purposes[2].code: duplicate purpose "
                  "'property_transfer.deed_tax' (first declared at "
                  "policy.textproto:2)"},
        ErrorCase{"MissingId", R"(id: "tax-marriage")", "",
                  "policy.textproto:17: grants[1].id: grant id is required"},
        ErrorCase{"BadId", R"(id: "tax-marriage")", R"(id: "Tax Marriage")",
                  "policy.textproto:18: grants[1].id: grant id 'Tax Marriage' "
                  "must be lowercase"},
        ErrorCase{"DuplicateId", R"(id: "tax-marriage")",
                  R"(id: "housing-title")",
                  "policy.textproto:18: grants[1].id: duplicate grant id "
                  "'housing-title' (first declared at policy.textproto:4)"},
        ErrorCase{"MissingConsumer", R"(consumer: "tax")", "",
                  "policy.textproto:17: grants[1].consumer: consumer "
                  "department is required"},
        ErrorCase{"UnknownConsumer", R"(consumer: "tax")",
                  R"(consumer: "taxes")",
                  "policy.textproto:19: grants[1].consumer: consumer 'taxes' "
                  "is not a department of the catalog (did you mean 'tax'?)"},
        ErrorCase{"MissingDataset", R"(dataset: "registry.marriage")", "",
                  "policy.textproto:17: grants[1].dataset: dataset is "
                  "required"},
        ErrorCase{"UnknownDataset", R"(dataset: "registry.marriage")",
                  R"(dataset: "registry.marriages")",
                  "policy.textproto:20: grants[1].dataset: unknown dataset "
                  "'registry.marriages' (did you mean 'registry.marriage'?)"},
        ErrorCase{"NotSharedDataset", R"(dataset: "registry.marriage")",
                  R"(dataset: "land.archive")",
                  "policy.textproto:20: grants[1].dataset: dataset "
                  "'land.archive' is SHARE_TYPE_NOT_SHARED in the catalog; no "
                  "grant may release it"},
        ErrorCase{"NoFields", R"(fields: ["marital_status", "spouse_name"])",
                  "",
                  "policy.textproto:17: grants[1].fields: grant "
                  "'tax-marriage' needs at least one field"},
        ErrorCase{"UnknownFieldInList",
                  R"(fields: ["marital_status", "spouse_name"])",
                  R"(fields: ["marital_status", "spouse_nme"])",
                  "policy.textproto:21: grants[1].fields[1]: dataset "
                  "'registry.marriage' declares no field 'spouse_nme' (did "
                  "you mean 'spouse_name'?)"},
        ErrorCase{"UnknownField", R"(fields: "area")", R"(fields: "areas")",
                  "policy.textproto:10: grants[0].fields[2]: dataset "
                  "'land.property_title' declares no field 'areas' (did you "
                  "mean 'area'?)"},
        ErrorCase{"SubFieldIsNotTopLevel", R"(fields: "area")",
                  R"(fields: "name")",
                  "policy.textproto:10: grants[0].fields[2]: dataset "
                  "'land.property_title' declares no field 'name'"},
        ErrorCase{"DuplicateField", R"(fields: "area")",
                  R"(fields: "location")",
                  "policy.textproto:10: grants[0].fields[2]: 'location' is "
                  "listed twice (also fields[1])"},
        ErrorCase{"NoPurposes",
                  R"(purposes: "property_transfer.contract_filing")", "",
                  "policy.textproto:4: grants[0].purposes: grant "
                  "'housing-title' needs at least one purpose"},
        ErrorCase{"UndeclaredPurpose",
                  R"(purposes: "property_transfer.contract_filing")",
                  R"(purposes: "property_transfer.contract_filling")",
                  "policy.textproto:11: grants[0].purposes[0]: the policy "
                  "declares no purpose 'property_transfer.contract_filling' "
                  "(did you mean 'property_transfer.contract_filing'?)"},
        ErrorCase{"DuplicateGrantPurpose",
                  R"(purposes: "property_transfer.deed_tax")",
                  R"(purposes: "property_transfer.deed_tax"
  purposes: "property_transfer.deed_tax")",
                  "policy.textproto:23: grants[1].purposes[1]: "
                  "'property_transfer.deed_tax' is listed twice (also "
                  "purposes[0])"},
        ErrorCase{"BadNotBefore", R"(not_before: "2024-01-01")",
                  R"(not_before: "2024-02-30")",
                  "policy.textproto:12: grants[0].not_before: not_before: "
                  "'2024-02-30' is not a real date"},
        ErrorCase{"BadNotAfter", R"(not_after: "2030-12-31")",
                  R"(not_after: "next year")",
                  "policy.textproto:13: grants[0].not_after: not_after: 'next "
                  "year' is neither \"YYYY-MM-DD\" nor an RFC 3339 time"},
        ErrorCase{"RfcWithoutOffset", R"(not_after: "2030-12-31")",
                  R"(not_after: "2030-12-31T10:00:00")",
                  "policy.textproto:13: grants[0].not_after: not_after: "
                  "'2030-12-31T10:00:00' is neither"},
        ErrorCase{"WindowReversed", R"(not_after: "2030-12-31")",
                  R"(not_after: "2023-12-31")",
                  "policy.textproto:13: grants[0].not_after: not_after "
                  "'2023-12-31' is before not_before '2024-01-01': the grant "
                  "could never apply"},
        ErrorCase{"NegativeRate", "per_second: 5", "per_second: -1",
                  "policy.textproto:14: grants[0].rate_limit.per_second: "
                  "per_second must be a finite number >= 0 (0 means "
                  "unlimited), got -1"},
        ErrorCase{"NanRate", "per_second: 5", "per_second: nan",
                  "grants[0].rate_limit.per_second: per_second must be a "
                  "finite number >= 0"},
        ErrorCase{"NegativeBurst", "burst: 10", "burst: -2",
                  "policy.textproto:14: grants[0].rate_limit.burst: burst "
                  "must be >= 0, got -2"}),
    [](const ::testing::TestParamInfo<ErrorCase>& info) {
      return std::string(info.param.name);
    });

}  // namespace
}  // namespace datarun::policy
