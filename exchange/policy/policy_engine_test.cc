#include "exchange/policy/policy_engine.h"

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "exchange/policy/test_catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPolicy[] = R"txt(
purposes { code: "property_transfer.contract_filing" }
purposes { code: "property_transfer.deed_tax" }
purposes { code: "property_transfer.title_transfer" }
purposes { code: "household.relocation" }
grants {
  id: "housing-title"
  consumer: "housing"
  dataset: "land.property_title"
  fields: ["certificate_no", "location", "area", "owners", "mortgaged"]
  purposes: "property_transfer.contract_filing"
  rate_limit { per_second: 2 burst: 2 }
}
grants {
  id: "land-title-full"
  consumer: "land"
  dataset: "land.property_title"
  fields: ["certificate_no", "mortgage_holder"]
  purposes: "property_transfer.title_transfer"
}
grants {
  id: "tax-marriage-masked"
  consumer: "tax"
  dataset: "registry.marriage"
  fields: ["marital_status"]
  purposes: "property_transfer.deed_tax"
  ungranted_fields: UNGRANTED_FIELDS_MASK
}
grants {
  id: "tax-marriage-clear"
  consumer: "tax"
  dataset: "registry.marriage"
  fields: ["marital_status", "spouse_name"]
  purposes: "property_transfer.deed_tax"
  not_before: "2025-01-01"
  not_after: "2025-12-31"
}
grants {
  id: "housing-marriage-2024"
  consumer: "housing"
  dataset: "registry.marriage"
  fields: ["marital_status"]
  purposes: ["property_transfer.contract_filing", "household.relocation"]
  not_after: "2024-12-31"
}
grants {
  id: "housing-marriage-relocation"
  consumer: "housing"
  dataset: "registry.marriage"
  fields: ["marital_status"]
  purposes: "household.relocation"
}
)txt";

absl::Time Day(const char* date) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime("%Y-%m-%d %H:%M:%S %Ez",
                              std::string(date) + " 12:00:00 +08:00", &t,
                              &error))
      << error;
  return t;
}

class PolicyEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = LoadTestCatalog();
    ASSERT_NE(catalog_, nullptr);
    auto engine =
        PolicyEngine::FromText("policy.textproto", kPolicy, *catalog_);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  QueryIntent Intent(const std::string& consumer, const std::string& dataset,
                     std::vector<std::string> fields,
                     const std::string& purpose,
                     const char* day = "2024-06-01") {
    QueryIntent intent;
    intent.consumer = consumer;
    intent.dataset = dataset;
    intent.fields = std::move(fields);
    intent.purpose = purpose;
    intent.case_id = "case-1";
    intent.now = Day(day);
    return intent;
  }

  // Decides and expects a denial with `code`; returns its message.
  std::string Denied(const QueryIntent& intent, absl::StatusCode code,
                     std::string* considered = nullptr) {
    auto decision = engine_->Decide(intent, considered);
    EXPECT_FALSE(decision.ok());
    EXPECT_EQ(decision.status().code(), code) << decision.status();
    return std::string(decision.status().message());
  }

  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<PolicyEngine> engine_;
};

TEST_F(PolicyEngineTest, AllowsGrantedFieldsInRequestOrder) {
  std::string considered = "stale";
  auto decision = engine_->Decide(
      Intent("housing", "land.property_title", {"area", "certificate_no"},
             "property_transfer.contract_filing"),
      &considered);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->grant_id, "housing-title");
  EXPECT_EQ(considered, "housing-title");
  EXPECT_THAT(decision->clear_fields, ElementsAre("area", "certificate_no"));
  EXPECT_THAT(decision->fetch_fields, ElementsAre("area", "certificate_no"));
  EXPECT_THAT(decision->masked_fields, IsEmpty());
  EXPECT_THAT(decision->case_type, IsEmpty());
}

TEST_F(PolicyEngineTest, EmptyFieldsMeansAllOfTheGrant) {
  auto decision = engine_->Decide(Intent("housing", "land.property_title", {},
                                         "property_transfer.contract_filing"));
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_THAT(
      decision->clear_fields,
      ElementsAre("certificate_no", "location", "area", "owners", "mortgaged"));
  EXPECT_EQ(decision->fetch_fields, decision->clear_fields);
}

TEST_F(PolicyEngineTest, EmptyPurposeIsInvalid) {
  EXPECT_EQ(Denied(Intent("housing", "land.property_title", {}, ""),
                   absl::StatusCode::kInvalidArgument),
            "purpose is required: declare why the data is needed (e.g. "
            "'property_transfer.contract_filing')");
}

TEST_F(PolicyEngineTest, UndeclaredPurposeIsInvalid) {
  EXPECT_EQ(Denied(Intent("housing", "land.property_title", {},
                          "property_transfer.deedtax"),
                   absl::StatusCode::kInvalidArgument),
            "purpose 'property_transfer.deedtax' is not declared in the "
            "policy (did you mean 'property_transfer.deed_tax'?)");
  EXPECT_EQ(Denied(Intent("housing", "land.property_title", {}, "curiosity"),
                   absl::StatusCode::kInvalidArgument),
            "purpose 'curiosity' is not declared in the policy");
}

TEST_F(PolicyEngineTest, UnknownDatasetIsNotFound) {
  EXPECT_EQ(Denied(Intent("housing", "land.property_titles", {},
                          "property_transfer.contract_filing"),
                   absl::StatusCode::kNotFound),
            "unknown dataset 'land.property_titles' (did you mean "
            "'land.property_title'?)");
}

TEST_F(PolicyEngineTest, UnknownFieldIsInvalid) {
  EXPECT_EQ(Denied(Intent("housing", "land.property_title",
                          {"area", "mortage_holder"},
                          "property_transfer.contract_filing"),
                   absl::StatusCode::kInvalidArgument),
            "unknown field 'mortage_holder' of 'land.property_title' (did you "
            "mean 'mortgage_holder'?)");
}

TEST_F(PolicyEngineTest, DuplicateFieldIsInvalid) {
  EXPECT_EQ(Denied(Intent("housing", "land.property_title", {"area", "area"},
                          "property_transfer.contract_filing"),
                   absl::StatusCode::kInvalidArgument),
            "field 'area' of 'land.property_title' is requested twice");
}

TEST_F(PolicyEngineTest, NotSharedDatasetIsDenied) {
  std::string considered = "stale";
  EXPECT_EQ(Denied(Intent("housing", "land.archive", {},
                          "property_transfer.contract_filing"),
                   absl::StatusCode::kPermissionDenied, &considered),
            "dataset 'land.archive' is not shared (SHARE_TYPE_NOT_SHARED): it "
            "is listed for discovery only and every query is refused");
  EXPECT_EQ(considered, "");
}

TEST_F(PolicyEngineTest, NoGrantIsDenied) {
  std::string considered = "stale";
  EXPECT_EQ(Denied(Intent("registry", "registry.marriage", {},
                          "property_transfer.deed_tax"),
                   absl::StatusCode::kPermissionDenied, &considered),
            "department 'registry' holds no grant on 'registry.marriage'");
  EXPECT_EQ(considered, "");
  EXPECT_EQ(Denied(Intent("tax", "land.property_title", {},
                          "property_transfer.deed_tax"),
                   absl::StatusCode::kPermissionDenied),
            "department 'tax' holds no grant on 'land.property_title'");
}

TEST_F(PolicyEngineTest, PurposeNotCoveredNamesGrantAndAllowedPurposes) {
  std::string considered;
  EXPECT_EQ(Denied(Intent("housing", "land.property_title", {},
                          "property_transfer.deed_tax"),
                   absl::StatusCode::kPermissionDenied, &considered),
            "purpose 'property_transfer.deed_tax' is not allowed by grant "
            "'housing-title' (allowed: property_transfer.contract_filing)");
  EXPECT_EQ(considered, "housing-title");
}

TEST_F(PolicyEngineTest, UngrantedFieldRefusedUnderRefuse) {
  std::string considered;
  EXPECT_EQ(
      Denied(
          Intent("housing", "land.property_title", {"area", "mortgage_holder"},
                 "property_transfer.contract_filing"),
          absl::StatusCode::kPermissionDenied, &considered),
      "field 'mortgage_holder' of 'land.property_title' is not granted to "
      "'housing' (grant 'housing-title' allows: certificate_no, location, "
      "area, owners, mortgaged)");
  EXPECT_EQ(considered, "housing-title");
}

TEST_F(PolicyEngineTest, SeveralUngrantedFieldsAreAllNamed) {
  EXPECT_THAT(Denied(Intent("land", "land.property_title",
                            {"area", "location", "certificate_no"},
                            "property_transfer.title_transfer"),
                     absl::StatusCode::kPermissionDenied),
              HasSubstr("fields 'area', 'location' of 'land.property_title' "
                        "are not granted to 'land' (grant 'land-title-full'"));
}

TEST_F(PolicyEngineTest, UngrantedFieldsMaskedUnderMask) {
  std::string considered;
  auto decision = engine_->Decide(
      Intent("tax", "registry.marriage",
             {"spouse_name", "marital_status", "spouse_id_number"},
             "property_transfer.deed_tax"),
      &considered);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->grant_id, "tax-marriage-masked");
  EXPECT_EQ(considered, "tax-marriage-masked");
  EXPECT_THAT(decision->clear_fields, ElementsAre("marital_status"));
  EXPECT_THAT(decision->masked_fields,
              ElementsAre("spouse_name", "spouse_id_number"));
  EXPECT_THAT(decision->fetch_fields,
              ElementsAre("marital_status", "spouse_name", "spouse_id_number"));
}

TEST_F(PolicyEngineTest, BestGrantReleasesFewestMaskedFields) {
  // In 2025 "tax-marriage-clear" is in force and releases spouse_name in
  // clear, so it beats the masking grant listed before it.
  auto decision = engine_->Decide(
      Intent("tax", "registry.marriage", {"spouse_name", "marital_status"},
             "property_transfer.deed_tax", "2025-03-01"));
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->grant_id, "tax-marriage-clear");
  EXPECT_THAT(decision->masked_fields, IsEmpty());
  // With no masking needed both qualify; file order wins.
  auto first =
      engine_->Decide(Intent("tax", "registry.marriage", {"marital_status"},
                             "property_transfer.deed_tax", "2025-03-01"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->grant_id, "tax-marriage-masked");
}

TEST_F(PolicyEngineTest, ValidityWindowNamesTheDates) {
  // housing-marriage-2024 ended on 2024-12-31; the relocation grant does not
  // cover contract filing, so the closest grant is the expired one.
  std::string considered;
  EXPECT_EQ(Denied(Intent("housing", "registry.marriage", {"marital_status"},
                          "property_transfer.contract_filing", "2025-01-01"),
                   absl::StatusCode::kPermissionDenied, &considered),
            "grant 'housing-marriage-2024' expired: it was valid until "
            "2024-12-31 (query made at 2025-01-01 12:00:00 +08:00)");
  EXPECT_EQ(considered, "housing-marriage-2024");
  // ... while a purpose both grants cover falls through to the live one.
  auto relocation =
      engine_->Decide(Intent("housing", "registry.marriage", {"marital_status"},
                             "household.relocation", "2025-01-01"));
  ASSERT_TRUE(relocation.ok()) << relocation.status();
  EXPECT_EQ(relocation->grant_id, "housing-marriage-relocation");
}

TEST_F(PolicyEngineTest, NotYetInForceNamesTheDate) {
  const std::string policy = R"txt(
purposes { code: "property_transfer.deed_tax" }
grants {
  id: "later"
  consumer: "tax"
  dataset: "registry.marriage"
  fields: "marital_status"
  purposes: "property_transfer.deed_tax"
  not_before: "2025-01-01"
}
)txt";
  auto engine = PolicyEngine::FromText("p", policy, *catalog_);
  ASSERT_TRUE(engine.ok()) << engine.status();
  QueryIntent intent = Intent("tax", "registry.marriage", {},
                              "property_transfer.deed_tax", "2024-12-31");
  auto early = (*engine)->Decide(intent);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(early.status().message()),
            "grant 'later' is not in force before 2025-01-01 (query made at "
            "2024-12-31 12:00:00 +08:00)");
  // Midnight China time on the first day is inside the window.
  intent.now = absl::FromCivil(absl::CivilDay(2025, 1, 1),
                               absl::FixedTimeZone(8 * 3600));
  EXPECT_TRUE((*engine)->Decide(intent).ok());
  intent.now -= absl::Nanoseconds(1);
  EXPECT_FALSE((*engine)->Decide(intent).ok());
}

TEST_F(PolicyEngineTest, RateLimitConsumesOnlyAllowedQueries) {
  QueryIntent intent = Intent("housing", "land.property_title", {"area"},
                              "property_transfer.contract_filing");
  // Denied queries take no token.
  QueryIntent denied = intent;
  denied.fields = {"mortgage_holder"};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(engine_->Decide(denied).status().code(),
              absl::StatusCode::kPermissionDenied);
  }
  EXPECT_TRUE(engine_->Decide(intent).ok());
  EXPECT_TRUE(engine_->Decide(intent).ok());
  std::string considered;
  auto third = engine_->Decide(intent, &considered);
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(third.status().message()),
              HasSubstr("grant 'housing-title' allows 2 queries/s for "
                        "'housing'"));
  EXPECT_EQ(considered, "housing-title");
  // Half a second later one token (2/s) is back.
  intent.now += absl::Milliseconds(500);
  EXPECT_TRUE(engine_->Decide(intent).ok());
  EXPECT_EQ(engine_->Decide(intent).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(PolicyEngineTest, RateLimitedGrantFallsBackToAnotherMatchingGrant) {
  const std::string policy = R"txt(
purposes { code: "property_transfer.deed_tax" }
grants {
  id: "fast"
  consumer: "tax"
  dataset: "registry.marriage"
  fields: "marital_status"
  purposes: "property_transfer.deed_tax"
  rate_limit { per_second: 1 }
}
grants {
  id: "slow"
  consumer: "tax"
  dataset: "registry.marriage"
  fields: "marital_status"
  purposes: "property_transfer.deed_tax"
  rate_limit { per_second: 0.5 burst: 1 }
}
)txt";
  auto engine = PolicyEngine::FromText("p", policy, *catalog_);
  ASSERT_TRUE(engine.ok()) << engine.status();
  QueryIntent intent =
      Intent("tax", "registry.marriage", {}, "property_transfer.deed_tax");
  EXPECT_EQ((*engine)->Decide(intent)->grant_id, "fast");
  EXPECT_EQ((*engine)->Decide(intent)->grant_id, "slow");
  auto exhausted = (*engine)->Decide(intent);
  EXPECT_EQ(exhausted.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(exhausted.status().message()),
              HasSubstr("grant 'fast' allows 1 queries/s for 'tax'"));
}

TEST_F(PolicyEngineTest, ConcurrentDecisionsShareOneBucket) {
  const std::string policy = R"txt(
purposes { code: "property_transfer.deed_tax" }
grants {
  id: "busy"
  consumer: "tax"
  dataset: "registry.marriage"
  fields: "marital_status"
  purposes: "property_transfer.deed_tax"
  rate_limit { per_second: 1 burst: 100 }
}
)txt";
  auto engine = PolicyEngine::FromText("p", policy, *catalog_);
  ASSERT_TRUE(engine.ok()) << engine.status();
  const QueryIntent intent =
      Intent("tax", "registry.marriage", {}, "property_transfer.deed_tax");
  std::atomic<int> allowed{0};
  std::atomic<int> exhausted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto decision = (*engine)->Decide(intent);
        if (decision.ok()) {
          ++allowed;
        } else if (decision.status().code() ==
                   absl::StatusCode::kResourceExhausted) {
          ++exhausted;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 100);
  EXPECT_EQ(exhausted.load(), 300);
}

TEST_F(PolicyEngineTest, CaseBoundGrantNeedsACase) {
  const std::string policy = R"txt(
purposes { code: "property_transfer.deed_tax" }
grants {
  id: "in-case"
  consumer: "tax"
  dataset: "registry.marriage"
  fields: "marital_status"
  purposes: "property_transfer.deed_tax"
  case_type: "property_transfer"
}
)txt";
  auto engine = PolicyEngine::FromText("p", policy, *catalog_);
  ASSERT_TRUE(engine.ok()) << engine.status();
  QueryIntent intent =
      Intent("tax", "registry.marriage", {}, "property_transfer.deed_tax");
  // Without a way to check the case, a case-bound grant never matches.
  auto unchecked = (*engine)->Decide(intent);
  EXPECT_EQ(unchecked.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(unchecked.status().message()),
              HasSubstr("no case engine to check it"));

  std::vector<std::string> asked;
  intent.check_case = [&asked](absl::string_view case_type) {
    asked.emplace_back(case_type);
    return absl::OkStatus();
  };
  auto decision = (*engine)->Decide(intent);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->case_type, "property_transfer");
  EXPECT_THAT(asked, ElementsAre("property_transfer"));

  intent.check_case = [](absl::string_view) {
    return absl::FailedPreconditionError("case 'case-1' is finished");
  };
  auto finished = (*engine)->Decide(intent);
  EXPECT_EQ(finished.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(finished.status().message()),
            "grant 'in-case' applies only within an open case of type "
            "'property_transfer' in which the subject is a party: case "
            "'case-1' is finished");
  intent.case_id.clear();
  auto no_case = (*engine)->Decide(intent);
  EXPECT_EQ(no_case.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(std::string(no_case.status().message()),
            "grant 'in-case' applies only within a case of type "
            "'property_transfer', and the query names no case");
}

TEST_F(PolicyEngineTest, ProtoAndFindGrant) {
  EXPECT_EQ(engine_->proto().grants_size(), 6);
  EXPECT_EQ(engine_->proto().purposes_size(), 4);
  const v1::Grant* grant = engine_->FindGrant("tax-marriage-masked");
  ASSERT_NE(grant, nullptr);
  EXPECT_EQ(grant->ungranted_fields(), v1::UNGRANTED_FIELDS_MASK);
  EXPECT_EQ(engine_->FindGrant("nope"), nullptr);
}

TEST_F(PolicyEngineTest, LoadFileReadsAndReportsMissingFile) {
  char dir_template[] = "/tmp/policy_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string path = dir + "/policy.textproto";
  {
    std::ofstream out(path);
    out << kPolicy;
  }
  auto engine = PolicyEngine::LoadFile(path, *catalog_);
  ASSERT_TRUE(engine.ok()) << engine.status();
  EXPECT_EQ((*engine)->proto().grants_size(), 6);
  auto missing = PolicyEngine::LoadFile(dir + "/absent.textproto", *catalog_);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  unlink(path.c_str());
  rmdir(dir.c_str());
}

}  // namespace
}  // namespace datarun::policy
