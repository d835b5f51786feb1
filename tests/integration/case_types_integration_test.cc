// The other reference case types end to end with real processes (the
// exchange and the five department adapters): business establishment
// registers a company in the market regulator's store, household
// relocation moves the registration in the registry's store, and
// sole-proprietor deregistration cancels the licence, or is refused for
// someone who holds none; the market regulator's keys sync into the
// identity registry, and a company party's licence is pulled at intake.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "adapters/legacy_store/sqlite_db.h"
#include "datarun/v1/case.grpc.pb.h"
#include "datarun/v1/identity.grpc.pb.h"
#include "datarun/v1/intake.grpc.pb.h"
#include "exchange/identity/credit_code.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/stack_fixture.h"

namespace datarun::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kCompanyName[] = "北京云测数联科技有限公司";

std::string Text(const v1::Record& r, const std::string& field) {
  auto it = r.fields().find(field);
  if (it == r.fields().end()) return "";
  return it->second.has_date_value() ? it->second.date_value()
                                     : it->second.string_value();
}

class CaseTypesIntegrationTest : public StackFixture {
 protected:
  int submitted_ = 0;

  void Customize(local::LocalStack::Options& options) override {
    options.adapter_review_delay_ms = 50;
  }

  // Submits a case of `type` with one party and `uploads` (material ->
  // reference) as the service hall, and waits until it finishes.
  v1::CaseRecord Run(
      const std::string& type, const std::string& role,
      const std::string& subject,
      const std::vector<std::pair<std::string, std::string>>& uploads) {
    v1::SubmitCaseRequest request;
    request.set_case_type(type);
    // Request ids are logged: never build them from identity numbers.
    request.set_request_id(absl::StrCat("it-", type, "-", ++submitted_));
    request.set_on_behalf_of("SH-0042");
    v1::CasePartyInput* party = request.add_parties();
    party->set_role(role);
    party->set_subject(subject);
    for (const auto& [material, reference] : uploads) {
      v1::UploadedMaterial* upload = request.add_uploaded();
      upload->set_material(material);
      upload->set_reference(reference);
    }
    auto cases = v1::Case::NewStub(ChannelAs("servicehall"));
    v1::SubmitCaseResponse submitted;
    {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(30));
      grpc::Status status = cases->Submit(&context, request, &submitted);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return v1::CaseRecord();
    }
    return WaitCaseSettled(submitted.case_().case_id());
  }

  // The market.business_licence record of `credit_code`, as the tax bureau
  // reads it for `purpose`.
  v1::Record Licence(const std::string& credit_code,
                     const std::string& purpose) {
    v1::QueryResponse response;
    grpc::Status status =
        Query(*StubAs("tax"), "market.business_licence", credit_code, purpose,
              {"credit_code", "name", "status", "deregistered_on"}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.records_size(), 1);
    return response.records_size() == 1 ? response.records(0) : v1::Record();
  }

  // Rows of `sql` on a department's store in the stack's data directory.
  std::vector<std::vector<std::string>> StoreRows(
      const std::string& department, const std::string& sql,
      const std::vector<std::string>& params) {
    std::vector<std::vector<std::string>> rows;
    auto db = legacy::SqliteDb::Open(
        absl::StrCat(stack().data_dir(), "/", department, ".db"),
        legacy::SqliteDb::Mode::kReadOnly);
    EXPECT_TRUE(db.ok()) << db.status();
    if (!db.ok()) return rows;
    std::vector<legacy::SqlValue> values(params.begin(), params.end());
    absl::Status s =
        (*db)->Query(sql, values, [&](const legacy::SqliteRow& row) {
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
};

TEST_F(CaseTypesIntegrationTest, BusinessEstablishmentIssuesANewLicence) {
  v1::CaseRecord done =
      Run("business_establishment", "founder", Subject("founder_id"),
          {{"name_declaration", kCompanyName},
           {"articles_of_association", "ESIGN-AOA-0001"}});
  ASSERT_EQ(done.state(), v1::CASE_STATE_COMPLETED) << done.DebugString();
  for (const char* id : {"premises_review", "licence", "tax_registration"}) {
    const v1::StepRecord* step = StepOf(done, id);
    ASSERT_NE(step, nullptr) << id;
    EXPECT_EQ(step->state(), v1::STEP_STATE_APPROVED) << id << step->reason();
  }
  const v1::StepRecord* licence = StepOf(done, "licence");
  ASSERT_EQ(licence->issued_size(), 1);
  EXPECT_EQ(licence->issued(0).material(), "business_licence");
  ASSERT_EQ(licence->issued(0).records_size(), 1);
  const v1::Record& issued = licence->issued(0).records(0);
  EXPECT_EQ(Text(issued, "name"), kCompanyName);
  const std::string credit = Text(issued, "credit_code");
  auto info = identity::ParseCreditCode(credit);
  ASSERT_TRUE(info.ok()) << credit << ": " << info.status();
  EXPECT_EQ(info->registration_authority, '9');
  EXPECT_EQ(info->organisation_type, '1');
  // The tax registration ran after the licence and saw it.
  EXPECT_GE(StepOf(done, "tax_registration")->started_at_micros(),
            licence->finished_at_micros());
  // The new company is in the market regulator's store, shared as data.
  v1::Record shared = Licence(credit, "business.establishment");
  EXPECT_EQ(Text(shared, "name"), kCompanyName);
  EXPECT_EQ(Text(shared, "status"), "存续");
  EXPECT_EQ(
      StoreRows("market", "SELECT FDDBRZJHM FROM SC_ZTDJ WHERE TYSHXYDM = ?",
                {credit}),
      (std::vector<std::vector<std::string>>{{Subject("founder_id")}}));
  // ... and registered as a taxpayer by the tax bureau, once.
  EXPECT_EQ(
      StoreRows("tax",
                "SELECT NSRMC, NSRLX, ZJLX FROM DJ_NSRXX WHERE "
                "NSRSBH = ?",
                {credit}),
      (std::vector<std::vector<std::string>>{{kCompanyName, "2", "800"}}));
  EXPECT_EQ(
      Text(StepOf(done, "tax_registration")->findings(), "taxpayer_number"),
      credit);
  EXPECT_EQ(done.metrics().trips(), 0);
  // The founder's identity and the premises' title were read by the market
  // regulator for the licence, inside the case; the service hall only
  // checked that they exist.
  bool market_read = false;
  for (const v1::AuditEntry& e : AccessesTo(Subject("founder_id"))) {
    if (e.case_id() != done.case_id()) continue;
    if (e.consumer() == "market") {
      EXPECT_THAT(e.grant_id(), ::testing::EndsWith(".case"));
      EXPECT_THAT(e.request_id(), HasSubstr("/licence/"));
      market_read = true;
    } else {
      EXPECT_EQ(e.consumer(), "servicehall") << e.DebugString();
      EXPECT_THAT(e.grant_id(), ::testing::EndsWith(".intake"));
    }
  }
  EXPECT_TRUE(market_read);
}

TEST_F(CaseTypesIntegrationTest, HouseholdRelocationMovesTheRegistration) {
  const std::string applicant = Subject("relocation_applicant_id");
  v1::CaseRecord done = Run("household_relocation", "applicant", applicant,
                            {{"relocation_application", "FORM-0001"}});
  ASSERT_EQ(done.state(), v1::CASE_STATE_COMPLETED) << done.DebugString();
  const v1::StepRecord* relocation = StepOf(done, "relocation");
  ASSERT_NE(relocation, nullptr);
  EXPECT_EQ(Text(relocation->findings(), "old_household_no"),
            Subject("relocation_from_household_no"));
  const std::string moved_to = Text(relocation->findings(), "new_household_no");
  EXPECT_NE(moved_to, Subject("relocation_from_household_no"));
  // The registry's store: the old registration moved out to the dwelling,
  // the new one current in a household at the dwelling.
  EXPECT_EQ(StoreRows("registry",
                      "SELECT HH, QWDZ FROM HJ_RY WHERE GMSFHM = ? AND "
                      "RYZT = '2'",
                      {applicant}),
            (std::vector<std::vector<std::string>>{
                {Subject("relocation_from_household_no"),
                 Subject("relocation_target_address")}}));
  EXPECT_EQ(StoreRows("registry",
                      "SELECT r.HH, h.ZZ FROM HJ_RY r JOIN HJ_HU h ON "
                      "h.HH = r.HH WHERE r.GMSFHM = ? AND r.RYZT = '0'",
                      {applicant}),
            (std::vector<std::vector<std::string>>{
                {moved_to, Subject("relocation_target_address")}}));
  // Shared data follows: the household the service hall now sees.
  v1::QueryResponse household;
  grpc::Status status =
      Query(*StubAs("servicehall"), "registry.household", applicant,
            "household.intake", {"household_no"}, &household);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(household.records_size(), 1);
  EXPECT_EQ(Text(household.records(0), "household_no"), moved_to);
  // The registry read the dwelling's title for the relocation, under its
  // case-bound grant.
  bool registry_read = false;
  for (const v1::AuditEntry& e : AccessesTo(applicant)) {
    if (e.case_id() == done.case_id() && e.consumer() == "registry" &&
        e.dataset() == "land.property_title") {
      EXPECT_EQ(e.grant_id(), "registry.property_title.case");
      EXPECT_EQ(e.request_id(), done.case_id() + "/relocation/dwelling_title");
      registry_read = true;
    }
  }
  EXPECT_TRUE(registry_read);
  // No process logged the applicant's identity number (request ids, review
  // lines, the registry's write).
  EXPECT_THAT(FilesContaining(state_dir() + "/logs", applicant), IsEmpty());
}

TEST_F(CaseTypesIntegrationTest,
       SoleProprietorDeregistrationCancelsTheLicence) {
  const std::string credit = Subject("sole_proprietor_credit_code");
  v1::CaseRecord done =
      Run("sole_proprietor_deregistration", "proprietor",
          Subject("sole_proprietor_id"), {{"licence_original", credit}});
  ASSERT_EQ(done.state(), v1::CASE_STATE_COMPLETED) << done.DebugString();
  const v1::StepRecord* clearance = StepOf(done, "tax_clearance");
  ASSERT_NE(clearance, nullptr);
  ASSERT_EQ(clearance->issued_size(), 1);
  EXPECT_EQ(clearance->issued(0).material(), "tax_clearance");
  const v1::StepRecord* deregistration = StepOf(done, "deregistration");
  ASSERT_NE(deregistration, nullptr);
  EXPECT_EQ(Text(deregistration->findings(), "tax_clearance_no"),
            Text(clearance->issued(0).records(0), "certificate_no"));
  v1::Record shared = Licence(credit, "sole_proprietor.deregistration");
  EXPECT_EQ(Text(shared, "status"), "注销");
  EXPECT_FALSE(Text(shared, "deregistered_on").empty());
  EXPECT_EQ(StoreRows("market",
                      "SELECT y.ZZZT FROM SC_YYZZ y JOIN SC_ZTDJ z ON "
                      "z.ZTSFDM = y.ZTSFDM WHERE z.TYSHXYDM = ? AND "
                      "y.ZZZT = '1'",
                      {credit}),
            (std::vector<std::vector<std::string>>{}));
}

TEST_F(CaseTypesIntegrationTest, DeregistrationWithoutALicenceIsRejected) {
  v1::CaseRecord done =
      Run("sole_proprietor_deregistration", "proprietor", Subject("buyer_id"),
          {{"licence_original", "ESIGN-SURRENDER-0001"}});
  ASSERT_EQ(done.state(), v1::CASE_STATE_REJECTED) << done.DebugString();
  EXPECT_THAT(done.reason(),
              HasSubstr("holds no sole-proprietor business licence"));
  const v1::StepRecord* deregistration = StepOf(done, "deregistration");
  ASSERT_NE(deregistration, nullptr);
  EXPECT_EQ(deregistration->state(), v1::STEP_STATE_REJECTED);
  EXPECT_EQ(StepOf(done, "tax_clearance")->state(), v1::STEP_STATE_APPROVED);
}

TEST_F(CaseTypesIntegrationTest, MarketIdentifiersSyncIntoTheRegistry) {
  auto deadline = [] {
    return std::chrono::system_clock::now() + std::chrono::seconds(60);
  };
  v1::SyncIdentityRequest sync;
  sync.set_department("market");
  v1::SyncIdentityResponse synced;
  {
    grpc::ClientContext context;
    context.set_deadline(deadline());
    grpc::Status status = v1::Identity::NewStub(ChannelAs("registry"))
                              ->Sync(&context, sync, &synced);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_GT(synced.links_added(), 0);
  EXPECT_EQ(synced.assertions_rejected(), 0)
      << (synced.rejection_samples().empty() ? ""
                                             : synced.rejection_samples(0));
  // The operator and the business resolve to the same entity id.
  auto value_of = [&](const std::string& subject, const std::string& kind) {
    v1::ResolveIdentityRequest request;
    request.set_subject(subject);
    v1::ResolveIdentityResponse response;
    grpc::ClientContext context;
    context.set_deadline(deadline());
    grpc::Status status = v1::Identity::NewStub(ChannelAs("servicehall"))
                              ->Resolve(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    for (const v1::IdentityLink& link : response.links()) {
      if (link.local_id().department() == "market" &&
          link.local_id().kind() == kind) {
        return link.local_id().value();
      }
    }
    return std::string();
  };
  const std::string operated =
      value_of(Subject("sole_proprietor_id"), "sole_proprietorship");
  EXPECT_FALSE(operated.empty());
  EXPECT_EQ(operated,
            value_of(Subject("sole_proprietor_credit_code"), "entity_id"));
}

TEST_F(CaseTypesIntegrationTest, ACompanyBuyersLicenceIsPulledNotUploaded) {
  v1::IntakeCheckRequest request;
  request.set_case_type("property_transfer");
  request.set_subject(Subject("company_buyer_credit_code"));
  request.set_party("buyer");
  request.mutable_context()->set_on_behalf_of("SH-0042");
  v1::IntakeCheckResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  grpc::Status status = v1::Intake::NewStub(ChannelAs("servicehall"))
                            ->Check(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  bool checked = false;
  for (const v1::MaterialCheck& m : response.materials()) {
    if (m.material() != "buyer_business_licence") continue;
    checked = true;
    EXPECT_EQ(m.status(), v1::MATERIAL_STATUS_PULLED) << m.detail();
    EXPECT_EQ(m.department(), "market");
    EXPECT_EQ(m.records(), 1);
  }
  EXPECT_TRUE(checked);
}

}  // namespace
}  // namespace datarun::testing
