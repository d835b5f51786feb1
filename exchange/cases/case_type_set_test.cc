#include "exchange/cases/case_type_set.h"

#include <string>

#include "absl/strings/str_replace.h"
#include "exchange/policy/test_catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::cases {
namespace {

using ::testing::HasSubstr;

constexpr char kCaseTypes[] = R"txt(
case_types {
  id: "property_transfer"
  title: "Second-hand property transfer"
  purpose: "property_transfer.title_transfer"
  parties: "seller"
  parties: "buyer"
  materials {
    id: "title_certificate"
    title: "Title certificate"
    party: "seller"
    dataset: "land.property_title"
    fields: "certificate_no"
  }
  materials {
    id: "marriage_status"
    title: "Marriage status"
    party: "buyer"
    dataset: "registry.marriage"
    deferrable: true
    defer_days: 30
    scope: SUBJECT_SCOPE_PERSON
  }
  materials {
    id: "application"
    title: "Signed application"
    party: "seller"
    requires_presence: true
  }
  steps { id: "check_title" title: "Check title" department: "land"
          materials: "title_certificate" }
  steps { id: "check_marriage" title: "Check marriage" department: "registry"
          materials: "marriage_status" }
  steps { id: "transfer" title: "Transfer" department: "land"
          after: "check_title" after: "check_marriage" }
}
)txt";

class CaseTypeSetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = policy::LoadTestCatalog();
    ASSERT_NE(catalog_, nullptr);
    policy_.add_purposes()->set_code("property_transfer.title_transfer");
  }

  absl::StatusOr<std::unique_ptr<CaseTypeSet>> Load(const std::string& text) {
    return CaseTypeSet::FromText("case_types.textproto", text, *catalog_,
                                 policy_);
  }

  // Loads kCaseTypes with `from` replaced by `to`; expects failure.
  std::string ErrorAfter(absl::string_view from, absl::string_view to) {
    std::string text = kCaseTypes;
    EXPECT_NE(text.find(std::string(from)), std::string::npos) << from;
    text = absl::StrReplaceAll(text, {{from, to}});
    auto set = Load(text);
    EXPECT_FALSE(set.ok());
    return set.ok() ? "" : std::string(set.status().message());
  }

  std::unique_ptr<catalog::Catalog> catalog_;
  v1::Policy policy_;
};

TEST_F(CaseTypeSetTest, LoadsAndFinds) {
  auto set = Load(kCaseTypes);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_THAT((*set)->ids(), ::testing::ElementsAre("property_transfer"));
  auto type = (*set)->Find("property_transfer");
  ASSERT_TRUE(type.ok());
  EXPECT_EQ((*type)->steps_size(), 3);
  ASSERT_NE(FindMaterial(**type, "application"), nullptr);
  EXPECT_TRUE(FindMaterial(**type, "application")->requires_presence());
  EXPECT_EQ(FindMaterial(**type, "nope"), nullptr);
  ASSERT_NE(FindStep(**type, "transfer"), nullptr);
  EXPECT_EQ(FindStep(**type, "transfer")->after_size(), 2);
}

TEST_F(CaseTypeSetTest, UnknownCaseTypeSuggests) {
  auto set = Load(kCaseTypes);
  ASSERT_TRUE(set.ok());
  auto type = (*set)->Find("property_transfr");
  EXPECT_EQ(type.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(type.status().message(),
              HasSubstr("did you mean 'property_transfer'"));
  auto empty = CaseTypeSet::Empty()->Find("x");
  EXPECT_THAT(empty.status().message(), HasSubstr("no case types configured"));
}

TEST_F(CaseTypeSetTest, ErrorsNameFileLineAndField) {
  EXPECT_THAT(
      ErrorAfter("department: \"registry\"", "department: \"regsitry\""),
      HasSubstr("case_types.textproto:32: case_types[0].steps[1]."
                "department: department 'regsitry' is not a "
                "department of the catalog (did you mean "
                "'registry'?)"));
}

TEST_F(CaseTypeSetTest, RejectsCycle) {
  std::string message = ErrorAfter(
      "department: \"land\"\n          materials: \"title_certificate\"",
      "department: \"land\"\n          materials: \"title_certificate\" "
      "after: \"transfer\"");
  EXPECT_THAT(message, HasSubstr("form a cycle: check_title -> transfer -> "
                                 "check_title"));
}

TEST_F(CaseTypeSetTest, RejectsSelfDependency) {
  EXPECT_THAT(ErrorAfter("after: \"check_title\"", "after: \"transfer\""),
              HasSubstr("step 'transfer' cannot run after itself"));
}

TEST_F(CaseTypeSetTest, RejectsUnknownStepAndMaterialReferences) {
  EXPECT_THAT(
      ErrorAfter("after: \"check_marriage\"", "after: \"check_mariage\""),
      HasSubstr("step 'check_mariage' is not declared (did you mean "
                "'check_marriage'?)"));
  EXPECT_THAT(
      ErrorAfter("materials: \"marriage_status\"", "materials: \"marriage\""),
      HasSubstr("material 'marriage' is not declared"));
}

TEST_F(CaseTypeSetTest, RejectsBadMaterials) {
  EXPECT_THAT(ErrorAfter("party: \"buyer\"", "party: \"tenant\""),
              HasSubstr("party 'tenant' is not a party of 'property_transfer' "
                        "(parties: seller, buyer)"));
  EXPECT_THAT(ErrorAfter("dataset: \"land.property_title\"",
                         "dataset: \"land.archive\""),
              HasSubstr("SHARE_TYPE_NOT_SHARED"));
  EXPECT_THAT(ErrorAfter("fields: \"certificate_no\"", "fields: \"cert_no\""),
              HasSubstr("field of 'land.property_title' 'cert_no' is not "
                        "declared"));
  EXPECT_THAT(ErrorAfter("defer_days: 30", "defer_days: 0"),
              HasSubstr("needs defer_days > 0"));
  EXPECT_THAT(ErrorAfter("requires_presence: true",
                         "requires_presence: true deferrable: true "
                         "defer_days: 3"),
              HasSubstr("requires presence and so cannot be deferred"));
  EXPECT_THAT(
      ErrorAfter("id: \"marriage_status\"", "id: \"title_certificate\""),
      HasSubstr("duplicate material id 'title_certificate' (first "
                "declared at case_types.textproto:"));
}

TEST_F(CaseTypeSetTest, RejectsUndeclaredPurposeAndMissingParties) {
  EXPECT_THAT(ErrorAfter("purpose: \"property_transfer.title_transfer\"",
                         "purpose: \"property_transfer.title_transfr\""),
              HasSubstr("is not declared in the policy"));
  EXPECT_THAT(ErrorAfter("parties: \"seller\"\n  parties: \"buyer\"", ""),
              HasSubstr("needs at least one party"));
}

TEST_F(CaseTypeSetTest, IssuedByStepMustBeOwnersStep) {
  EXPECT_THAT(ErrorAfter("defer_days: 30",
                         "defer_days: 30 issued_by_step: \"transfer\""),
              HasSubstr("step 'transfer' is performed by 'land' but dataset "
                        "'registry.marriage' is owned by 'registry'"));
}

TEST_F(CaseTypeSetTest, SyntaxErrorNamesLine) {
  auto set = Load("case_types { id: \"x\" bogus: 1 }");
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(), HasSubstr("case_types.textproto:1:"));
}

}  // namespace
}  // namespace datarun::cases
