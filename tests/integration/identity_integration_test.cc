// The identity registry and the intake check end to end with real
// processes: the exchange pulls every department's local identifiers from
// its adapter (Identity.Sync), resolves subjects for the callers the policy
// allows, flags conflicts, follows legacy numbers and changed households,
// and the service hall's intake check pulls a property transfer's materials
// for the seller and the buyer from shared data.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "datarun/v1/identity.grpc.pb.h"
#include "datarun/v1/intake.grpc.pb.h"
#include "exchange/identity/resident_id.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/stack_fixture.h"

namespace datarun::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

template <typename Stub, typename Request, typename Response, typename Method>
grpc::Status Call(Stub& stub, Method method, const Request& request,
                  Response* response, int seconds = 30) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(seconds));
  return (stub.*method)(&context, request, response);
}

class IdentityIntegrationTest : public StackFixture {
 protected:
  std::unique_ptr<v1::Identity::Stub> IdentityAs(const std::string& dept) {
    return v1::Identity::NewStub(ChannelAs(dept));
  }

  // Syncs every reference department as the steward; expects success.
  void SyncAll() {
    auto steward = IdentityAs("registry");
    for (const char* department : {"tax", "registry", "housing", "land"}) {
      v1::SyncIdentityRequest request;
      request.set_department(department);
      v1::SyncIdentityResponse response;
      grpc::Status status =
          Call(*steward, &v1::Identity::Stub::Sync, request, &response, 120);
      ASSERT_TRUE(status.ok()) << department << ": " << status.error_message();
      EXPECT_GT(response.links_added(), 0) << department;
      EXPECT_EQ(response.assertions_rejected(), 0)
          << department << ": "
          << (response.rejection_samples().empty()
                  ? ""
                  : response.rejection_samples(0));
    }
  }

  absl::StatusOr<v1::ResolveIdentityResponse> Resolve(
      const std::string& as, const std::string& subject) {
    v1::ResolveIdentityRequest request;
    request.set_subject(subject);
    v1::ResolveIdentityResponse response;
    grpc::Status status =
        Call(*IdentityAs(as), &v1::Identity::Stub::Resolve, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return response;
  }

  // The value of `department`'s link of `kind` in `response`, or "".
  static std::string LinkValue(const v1::ResolveIdentityResponse& response,
                               const std::string& department,
                               const std::string& kind) {
    for (const v1::IdentityLink& link : response.links()) {
      if (link.local_id().department() == department &&
          link.local_id().kind() == kind) {
        return link.local_id().value();
      }
    }
    return "";
  }

  absl::StatusOr<v1::IntakeCheckResponse> Intake(const std::string& subject,
                                                 const std::string& party) {
    v1::IntakeCheckRequest request;
    request.set_case_type("property_transfer");
    request.set_subject(subject);
    request.set_party(party);
    request.mutable_context()->set_on_behalf_of("SH-0042");
    v1::IntakeCheckResponse response;
    grpc::Status status = Call(*v1::Intake::NewStub(ChannelAs("servicehall")),
                               &v1::Intake::Stub::Check, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return response;
  }
};

TEST_F(IdentityIntegrationTest, SyncResolvesEveryDepartmentsKeys) {
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  const std::string seller = Subject("seller_id");
  auto all = Resolve("servicehall", seller);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->subject_kind(), "person");
  EXPECT_FALSE(LinkValue(*all, "registry", "person_number").empty());
  EXPECT_EQ(LinkValue(*all, "registry", "household_number"),
            Subject("seller_household_no"));
  EXPECT_FALSE(LinkValue(*all, "housing", "family_number").empty());
  EXPECT_EQ(LinkValue(*all, "land", "title_certificate"),
            Subject("property_certificate_no"));

  // A department without the resolver role sees only its own keys. The
  // seller is no taxpayer; the buyer of the completed transfer is.
  const std::string taxpayer = Subject("transfer_buyer_id");
  auto everything = Resolve("servicehall", taxpayer);
  ASSERT_TRUE(everything.ok()) << everything.status();
  EXPECT_FALSE(LinkValue(*everything, "tax", "taxpayer_number").empty());
  auto own = Resolve("tax", taxpayer);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_LT(own->links_size(), everything->links_size());
  for (const v1::IdentityLink& link : own->links()) {
    EXPECT_EQ(link.local_id().department(), "tax");
  }
  EXPECT_EQ(own->subject_fingerprint(), everything->subject_fingerprint());
  EXPECT_EQ(Resolve("tax", seller).status().code(),
            absl::StatusCode::kNotFound);

  // The query path now hands the tax bureau its own key for the subject
  // (its adapter logs that it got one, never the key).
  v1::QueryResponse certificates;
  grpc::Status queried =
      Query(*StubAs("land"), "tax.payment_certificate", taxpayer,
            "property_transfer.title_transfer", {}, &certificates);
  ASSERT_TRUE(queried.ok()) << queried.error_message();
  StopStack();
  auto tax_log = ReadFile(state_dir() + "/logs/adapter-tax.log");
  ASSERT_TRUE(tax_log.ok()) << tax_log.status();
  EXPECT_THAT(*tax_log, HasSubstr("\"local_id\":true"));
  EXPECT_THAT(*tax_log, ::testing::Not(HasSubstr(
                            LinkValue(*everything, "tax", "taxpayer_number"))));
}

TEST_F(IdentityIntegrationTest, ResyncChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  // Syncing again changes nothing.
  v1::SyncIdentityRequest again;
  again.set_department("tax");
  v1::SyncIdentityResponse stats;
  ASSERT_TRUE(
      Call(*IdentityAs("tax"), &v1::Identity::Stub::Sync, again, &stats, 120)
          .ok());
  EXPECT_EQ(stats.links_added(), 0);
  EXPECT_EQ(stats.links_unchanged(), stats.assertions_read());
}

TEST_F(IdentityIntegrationTest, AccessRulesAreEnforced) {
  auto tax = IdentityAs("tax");
  v1::LinkIdentityRequest link;
  link.set_subject(Subject("seller_id"));
  link.mutable_local_id()->set_department("housing");
  link.mutable_local_id()->set_kind("family_number");
  link.mutable_local_id()->set_value("F1");
  link.set_basis("test");
  v1::LinkIdentityResponse linked;
  grpc::Status status = Call(*tax, &v1::Identity::Stub::Link, link, &linked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("only assert its own"));

  v1::SyncIdentityRequest sync;
  sync.set_department("land");
  v1::SyncIdentityResponse synced;
  status = Call(*tax, &v1::Identity::Stub::Sync, sync, &synced);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  v1::MergeIdentityRequest merge;
  merge.set_from_subject(Subject("unknown_id"));
  merge.set_into_subject(Subject("seller_id"));
  merge.set_basis("test");
  v1::MergeIdentityResponse merged;
  status = Call(*IdentityAs("servicehall"), &v1::Identity::Stub::Merge, merge,
                &merged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  v1::IdentityHistoryRequest history;
  history.set_subject(Subject("seller_id"));
  v1::IdentityHistoryResponse events;
  status = Call(*tax, &v1::Identity::Stub::History, history, &events);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // Bad subjects are named, never echoed.
  v1::ResolveIdentityRequest bad;
  bad.set_subject("110105194912310021");
  v1::ResolveIdentityResponse resolved;
  status = Call(*tax, &v1::Identity::Stub::Resolve, bad, &resolved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("check character"));
  EXPECT_THAT(status.error_message(),
              ::testing::Not(HasSubstr("110105194912310021")));
}

TEST_F(IdentityIntegrationTest, ConflictsAreFlaggedNotResolved) {
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  const std::string owner = Subject("transfer_buyer_id");
  auto before = Resolve("tax", owner);
  ASSERT_TRUE(before.ok()) << before.status();
  const std::string taxpayer = LinkValue(*before, "tax", "taxpayer_number");
  ASSERT_FALSE(taxpayer.empty());

  // The tax bureau claims the seller's taxpayer number for another person.
  v1::LinkIdentityRequest link;
  link.set_subject(Subject("unknown_id"));
  link.mutable_local_id()->set_department("tax");
  link.mutable_local_id()->set_kind("taxpayer_number");
  link.mutable_local_id()->set_value(taxpayer);
  link.set_basis("counter registration typo");
  v1::LinkIdentityResponse linked;
  ASSERT_TRUE(
      Call(*IdentityAs("tax"), &v1::Identity::Stub::Link, link, &linked).ok());
  EXPECT_EQ(linked.link().state(), v1::LINK_STATE_CONFLICT);

  auto after = Resolve("tax", owner);
  ASSERT_TRUE(after.ok());
  bool conflicted = false;
  for (const v1::IdentityLink& l : after->links()) {
    if (l.local_id().value() == taxpayer) {
      conflicted = l.state() == v1::LINK_STATE_CONFLICT;
    }
  }
  EXPECT_TRUE(conflicted);

  v1::ListIdentityConflictsRequest list;
  v1::ListIdentityConflictsResponse conflicts;
  ASSERT_TRUE(Call(*IdentityAs("registry"), &v1::Identity::Stub::ListConflicts,
                   list, &conflicts)
                  .ok());
  ASSERT_EQ(conflicts.conflicts_size(), 1);
  EXPECT_EQ(conflicts.conflicts(0).subjects_size(), 2);

  // A query still succeeds while the key is in conflict: the adapter finds
  // the taxpayer by identity number instead.
  v1::QueryResponse response;
  grpc::Status status = Query(
      *StubAs("land"), "tax.payment_certificate", Subject("transfer_buyer_id"),
      "property_transfer.title_transfer", {}, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();

  // The steward retracts the wrong claim; the conflict clears.
  v1::RetractIdentityRequest retract;
  retract.set_subject(Subject("unknown_id"));
  *retract.mutable_local_id() = link.local_id();
  retract.set_basis("ticket 2026-118: typo at the counter");
  v1::RetractIdentityResponse retracted;
  ASSERT_TRUE(Call(*IdentityAs("registry"), &v1::Identity::Stub::Retract,
                   retract, &retracted)
                  .ok());
  ASSERT_TRUE(Call(*IdentityAs("registry"), &v1::Identity::Stub::ListConflicts,
                   list, &conflicts)
                  .ok());
  EXPECT_EQ(conflicts.conflicts_size(), 0);

  v1::IdentityHistoryRequest history;
  history.set_subject(Subject("unknown_id"));
  v1::IdentityHistoryResponse events;
  ASSERT_TRUE(Call(*IdentityAs("servicehall"), &v1::Identity::Stub::History,
                   history, &events)
                  .ok());
  ASSERT_GE(events.events_size(), 3);  // linked, conflict, retracted (+cleared)
  EXPECT_EQ(events.events(0).kind(), v1::IDENTITY_EVENT_KIND_LINKED);
  EXPECT_EQ(events.events(0).actor(), "tax");
}

TEST_F(IdentityIntegrationTest, LegacyNumbersAndChangedHouseholds) {
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  const std::string person = Subject("legacy15_person_id");
  const std::string legacy = Subject("legacy15_form");
  ASSERT_EQ(legacy.size(), 15u);
  ASSERT_EQ(*identity::UpgradeLegacyResidentId(legacy), person);
  auto by_legacy = Resolve("servicehall", legacy);
  ASSERT_TRUE(by_legacy.ok()) << by_legacy.status();
  EXPECT_TRUE(by_legacy->upgraded_from_legacy());
  auto by_new = Resolve("servicehall", person);
  ASSERT_TRUE(by_new.ok());
  EXPECT_EQ(by_legacy->subject_fingerprint(), by_new->subject_fingerprint());
  EXPECT_EQ(by_legacy->links_size(), by_new->links_size());

  auto moved = Resolve("servicehall", Subject("relocated_person_id"));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(LinkValue(*moved, "registry", "household_number"),
            Subject("relocated_new_household_no"));
}

TEST_F(IdentityIntegrationTest, IntakePullsAllButTheSignedApplication) {
  ASSERT_NO_FATAL_FAILURE(SyncAll());
  for (const auto& [key, party] :
       std::vector<std::pair<std::string, std::string>>{
           {"seller_id", "seller"}, {"buyer_id", "buyer"}}) {
    auto intake = Intake(Subject(key), party);
    ASSERT_TRUE(intake.ok()) << party << ": " << intake.status();
    std::string detail;
    for (const v1::MaterialCheck& m : intake->materials()) {
      absl::StrAppend(&detail, m.material(), "=", m.status(), " ", m.detail(),
                      "; ");
    }
    EXPECT_EQ(intake->from_shared_data(), intake->required() - 1)
        << party << ": " << detail;
    EXPECT_EQ(intake->to_provide(), 1) << detail;
    EXPECT_EQ(intake->missing_required(), 0) << detail;
    EXPECT_EQ(intake->trips(), 1);
  }

  // A company buyer: person-only materials do not apply.
  auto company = Intake(Subject("company_buyer_credit_code"), "buyer");
  ASSERT_TRUE(company.ok()) << company.status();
  EXPECT_EQ(company->subject_kind(), "organisation");
  int not_applicable = 0;
  for (const v1::MaterialCheck& m : company->materials()) {
    if (m.status() == v1::MATERIAL_STATUS_NOT_APPLICABLE) ++not_applicable;
  }
  EXPECT_GE(not_applicable, 4);

  auto unknown = Intake(Subject("seller_id"), "notary");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);

  // The pulls are audited; no raw identity number reaches the exchange's
  // stores or logs.
  StopStack();
  EXPECT_THAT(FilesContaining(state_dir() + "/identity", Subject("seller_id")),
              IsEmpty());
  EXPECT_THAT(FilesContaining(state_dir() + "/audit", Subject("seller_id")),
              IsEmpty());
  EXPECT_THAT(FilesContaining(state_dir() + "/logs", Subject("seller_id")),
              IsEmpty());
}

}  // namespace
}  // namespace datarun::testing
