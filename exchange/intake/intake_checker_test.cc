#include "exchange/intake/intake_checker.h"

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "exchange/policy/test_catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::intake {
namespace {

using ::testing::HasSubstr;

constexpr char kCaseTypes[] = R"txt(
case_types {
  id: "property_transfer"
  title: "Second-hand property transfer"
  purpose: "property_transfer.title_transfer"
  parties: "seller"
  parties: "buyer"
  materials { id: "title_certificate" title: "Title" party: "seller"
              dataset: "land.property_title" }
  materials { id: "marriage_status" title: "Marriage" party: "seller"
              dataset: "registry.marriage" deferrable: true defer_days: 30
              scope: SUBJECT_SCOPE_PERSON }
  materials { id: "new_title" title: "New title" party: "seller"
              dataset: "land.property_title" issued_by_step: "transfer" }
  materials { id: "application" title: "Signed application" party: "seller"
              requires_presence: true }
  materials { id: "buyer_marriage" title: "Marriage" party: "buyer"
              dataset: "registry.marriage" scope: SUBJECT_SCOPE_PERSON }
  materials { id: "licence" title: "Business licence" party: "buyer"
              scope: SUBJECT_SCOPE_ORGANISATION }
  steps { id: "transfer" title: "Transfer" department: "land" }
}
)txt";

constexpr char kPerson[] = "11010519491231002X";        // GB 11643 example
constexpr char kOrganisation[] = "91350100M000100Y43";  // GB 32100 example

// Answers queries from a table of dataset -> result, on another thread.
class FakeQueries {
 public:
  void Set(const std::string& dataset, absl::StatusOr<int> records) {
    results_[dataset] = records;
  }

  IntakeChecker::QueryFn Fn() {
    return [this](const std::string& consumer, const v1::QueryRequest& request,
                  absl::Time, IntakeChecker::QueryDone done) {
      seen_.push_back({consumer, request});
      absl::StatusOr<v1::QueryResponse> result =
          absl::NotFoundError("no record");
      auto it = results_.find(request.dataset());
      if (it != results_.end()) {
        if (it->second.ok()) {
          v1::QueryResponse response;
          for (int i = 0; i < *it->second; ++i) response.add_records();
          response.set_grant_id("g1");
          response.mutable_receipt()->set_entry_index(41);
          result = response;
        } else {
          result = it->second.status();
        }
      }
      threads_.emplace_back([done, result] { done(result); });
    };
  }

  ~FakeQueries() {
    for (std::thread& t : threads_) t.join();
  }

  std::vector<std::pair<std::string, v1::QueryRequest>> seen_;

 private:
  std::map<std::string, absl::StatusOr<int>> results_;
  std::vector<std::thread> threads_;
};

class IntakeCheckerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = policy::LoadTestCatalog();
    ASSERT_NE(catalog_, nullptr);
    v1::Policy policy;
    policy.add_purposes()->set_code("property_transfer.title_transfer");
    auto set = cases::CaseTypeSet::FromText("case_types", kCaseTypes, *catalog_,
                                            policy);
    ASSERT_TRUE(set.ok()) << set.status();
    case_types_ = *std::move(set);
  }

  absl::StatusOr<v1::IntakeCheckResponse> Check(
      const v1::IntakeCheckRequest& request) {
    IntakeChecker checker({case_types_.get(), catalog_.get(), queries_.Fn()});
    absl::Notification finished;
    absl::StatusOr<v1::IntakeCheckResponse> out;
    checker.Check("servicehall", request, absl::Now() + absl::Seconds(5),
                  [&](absl::StatusOr<v1::IntakeCheckResponse> response) {
                    out = std::move(response);
                    finished.Notify();
                  });
    finished.WaitForNotification();
    return out;
  }

  static v1::IntakeCheckRequest Request(const std::string& subject,
                                        const std::string& party = "") {
    v1::IntakeCheckRequest request;
    request.set_case_type("property_transfer");
    request.set_subject(subject);
    request.set_party(party);
    request.mutable_context()->set_on_behalf_of("clerk-7");
    request.mutable_context()->set_request_id("r1");
    request.mutable_context()->set_purpose("ignored");
    return request;
  }

  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<cases::CaseTypeSet> case_types_;
  FakeQueries queries_;
};

TEST_F(IntakeCheckerTest, ClassifiesEveryMaterialOfTheApplicant) {
  queries_.Set("land.property_title", 1);
  queries_.Set("registry.marriage", absl::UnavailableError("registry down"));
  auto response = Check(Request(kPerson));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->party(), "seller");
  EXPECT_EQ(response->subject_kind(), "person");
  ASSERT_EQ(response->materials_size(), 4);
  const v1::MaterialCheck& title = response->materials(0);
  EXPECT_EQ(title.status(), v1::MATERIAL_STATUS_PULLED);
  EXPECT_EQ(title.department(), "land");
  EXPECT_EQ(title.records(), 1);
  EXPECT_EQ(title.audit_entry_index(), 41u);
  const v1::MaterialCheck& marriage = response->materials(1);
  EXPECT_EQ(marriage.status(), v1::MATERIAL_STATUS_MISSING_DEFERRABLE);
  EXPECT_THAT(marriage.detail(), HasSubstr("registry: UNAVAILABLE"));
  EXPECT_EQ(marriage.defer_days(), 30);
  // The new title exists already (the same dataset has a record), so it is
  // pulled; issued_by_step only matters when nothing is held yet.
  EXPECT_EQ(response->materials(2).status(), v1::MATERIAL_STATUS_PULLED);
  EXPECT_EQ(response->materials(3).status(), v1::MATERIAL_STATUS_TO_PROVIDE);
  EXPECT_TRUE(response->materials(3).requires_presence());
  EXPECT_EQ(response->required(), 4);
  EXPECT_EQ(response->from_shared_data(), 2);
  EXPECT_EQ(response->deferrable(), 1);
  EXPECT_EQ(response->to_provide(), 1);
  EXPECT_EQ(response->trips(), 1);
}

TEST_F(IntakeCheckerTest, PullsAsCallerUnderCaseTypePurpose) {
  queries_.Set("land.property_title", 2);
  ASSERT_TRUE(Check(Request(kPerson)).ok());
  ASSERT_EQ(queries_.seen_.size(), 3u);
  for (const auto& [consumer, query] : queries_.seen_) {
    EXPECT_EQ(consumer, "servicehall");
    EXPECT_EQ(query.subject(), kPerson);
    EXPECT_EQ(query.context().purpose(), "property_transfer.title_transfer");
    EXPECT_EQ(query.context().on_behalf_of(), "clerk-7");
    EXPECT_THAT(query.context().request_id(), HasSubstr("r1/"));
  }
}

TEST_F(IntakeCheckerTest, IssuedInCaseWhenNotHeldYet) {
  auto response = Check(Request(kPerson));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->materials(0).status(),
            v1::MATERIAL_STATUS_MISSING_REQUIRED);
  EXPECT_THAT(response->materials(0).detail(),
              HasSubstr("land holds no record"));
  EXPECT_EQ(response->materials(2).status(),
            v1::MATERIAL_STATUS_ISSUED_IN_CASE);
  EXPECT_THAT(response->materials(2).detail(),
              HasSubstr("step 'transfer' (land)"));
  EXPECT_EQ(response->missing_required(), 1);
  EXPECT_EQ(response->trips(), 1);
}

TEST_F(IntakeCheckerTest, OrganisationSkipsPersonMaterials) {
  auto response = Check(Request(kOrganisation, "buyer"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->subject_kind(), "organisation");
  ASSERT_EQ(response->materials_size(), 2);
  EXPECT_EQ(response->materials(0).status(),
            v1::MATERIAL_STATUS_NOT_APPLICABLE);
  EXPECT_EQ(response->materials(1).status(), v1::MATERIAL_STATUS_TO_PROVIDE);
  EXPECT_EQ(response->required(), 1);
  EXPECT_EQ(response->trips(), 0);
  EXPECT_TRUE(queries_.seen_.empty());
}

TEST_F(IntakeCheckerTest, LegacyNumberIsUpgradedBeforePulling) {
  queries_.Set("registry.marriage", 1);
  // 15-digit form of 110105491231002 -> 11010519491231002X.
  auto response = Check(Request("110105491231002", "buyer"));
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(queries_.seen_.size(), 1u);
  EXPECT_EQ(queries_.seen_[0].second.subject(), kPerson);
  EXPECT_EQ(response->trips(), 0);
}

TEST_F(IntakeCheckerTest, RejectsBadInput) {
  auto bad_subject = Check(Request("110105194912310021"));
  EXPECT_EQ(bad_subject.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_subject.status().message(), HasSubstr("check character"));
  EXPECT_THAT(bad_subject.status().message(),
              ::testing::Not(HasSubstr("110105194912310021")));
  auto bad_party = Check(Request(kPerson, "tenant"));
  EXPECT_THAT(bad_party.status().message(),
              HasSubstr("has no party 'tenant' (parties: seller, buyer)"));
  v1::IntakeCheckRequest unknown = Request(kPerson);
  unknown.set_case_type("flat_sale");
  EXPECT_EQ(Check(unknown).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(queries_.seen_.empty());
}

}  // namespace
}  // namespace datarun::intake
