// The case engine's step pulls: each step's dataset-backed materials are
// read by the step's department, for that step, inside the open case, before
// its review is sent (case_engine_pulls.cc).
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "exchange/cases/case_engine.h"
#include "exchange/cases/case_engine_test_fixture.h"
#include "exchange/cases/case_metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::cases {
namespace {

using ::testing::HasSubstr;

using testing::Approve;
using testing::CaseEngineTest;
using testing::FakeQueries;
using testing::FakeReviews;
using testing::FirstRecordField;
using testing::kBuyer;
using testing::kSeller;
using testing::PropertyTransferRequest;
using testing::ResidentId;

TEST_F(CaseEngineTest, EachStepsMaterialsAreReadByItsDepartmentForThatStep) {
  v1::SubmitCaseRequest request = PropertyTransferRequest("p1");
  request.set_on_behalf_of("SH-0042");
  const std::string id = Submit(request);
  ASSERT_TRUE(reviews_.WaitPending(3));
  const v1::CaseType& type = *config_.types->Find("property_transfer").value();
  // At submission the service hall checks existence only, asking each
  // material's identifying fields.
  int checks = 0;
  for (const FakeQueries::Call& call : queries_.all()) {
    if (FakeQueries::IsStepPull(call.request)) continue;
    ++checks;
    EXPECT_EQ(call.consumer, "servicehall");
    EXPECT_GT(call.request.fields_size(), 0) << call.request.dataset();
  }
  EXPECT_GT(checks, 5);
  // Before the steps start, each department reads what its step lists.
  std::set<std::string> pulled;
  for (const FakeQueries::Call& call : queries_.all(/*steps=*/true)) {
    const std::string& request_id = call.request.context().request_id();
    const std::vector<std::string> parts = absl::StrSplit(request_id, '/');
    ASSERT_EQ(parts.size(), 3u) << request_id;
    EXPECT_EQ(parts[0], id);
    const v1::Step* step = FindStep(type, parts[1]);
    ASSERT_NE(step, nullptr) << request_id;
    EXPECT_EQ(call.consumer, step->department()) << request_id;
    EXPECT_EQ(call.request.dataset(), FindMaterial(type, parts[2])->dataset());
    EXPECT_EQ(call.request.fields_size(), 0) << "the grant names the fields";
    EXPECT_EQ(call.request.context().purpose(), type.purpose());
    EXPECT_EQ(call.request.context().case_id(), id);
    EXPECT_EQ(call.request.context().on_behalf_of(), "SH-0042");
    EXPECT_TRUE(pulled.insert(absl::StrCat(parts[1], "/", parts[2])).second)
        << request_id << " pulled twice";
  }
  EXPECT_THAT(
      pulled,
      ::testing::UnorderedElementsAre(
          "contract_review/sale_contract", "contract_review/title_certificate",
          "deed_tax/buyer_sale_contract", "deed_tax/dwelling_count",
          "deed_tax/buyer_identity", "deed_tax/title_certificate",
          "deed_tax/seller_dwelling_count", "title_review/title_certificate"));
  // Each review carries the records read for its step, by its department.
  FakeReviews::Call tax = reviews_.Take("deed_tax");
  EXPECT_EQ(FirstRecordField(tax.request, "buyer_sale_contract", "consumer"),
            "tax");
  EXPECT_EQ(FirstRecordField(tax.request, "title_certificate", "consumer"),
            "tax");
  FakeReviews::Call land = reviews_.Take("title_review");
  EXPECT_EQ(FirstRecordField(land.request, "title_certificate", "consumer"),
            "land");
  FakeReviews::Call housing = reviews_.Take("contract_review");
  EXPECT_EQ(FirstRecordField(housing.request, "title_certificate", "consumer"),
            "housing");
  // The events name who read what for which step.
  int read_by_tax = 0;
  const std::vector<v1::CaseEvent> events = store_->Events(id, 0).value();
  int checked_by_servicehall = 0;
  for (const v1::CaseEvent& e : events) {
    if (e.kind() != v1::CASE_EVENT_KIND_MATERIAL_PULLED) continue;
    // The same facts as structured fields, for the web UI and the CLI.
    EXPECT_FALSE(e.dataset().empty()) << e.material();
    EXPECT_FALSE(e.owner().empty()) << e.material();
    EXPECT_EQ(e.records(), 1) << e.material();
    EXPECT_TRUE(e.has_audit_entry_index()) << e.material();
    if (e.step().empty()) {
      EXPECT_EQ(e.reader(), "servicehall") << e.material();
      EXPECT_EQ(e.grant_id(), "servicehall.grant") << e.material();
      ++checked_by_servicehall;
    } else if (e.step() == "deed_tax") {
      EXPECT_THAT(e.detail(), HasSubstr("read by tax for step 'deed_tax'"));
      EXPECT_EQ(e.reader(), "tax");
      EXPECT_EQ(e.grant_id(), "tax.grant");
      ++read_by_tax;
    }
  }
  EXPECT_EQ(read_by_tax, 5);
  EXPECT_EQ(checked_by_servicehall, checks);
  // The transfer pulls nothing: its materials are issued or uploaded.
  tax.done(Approve("deed_tax_certificate"));
  land.done(Approve());
  housing.done(Approve());
  ASSERT_TRUE(reviews_.WaitPending(1));
  reviews_.Take("transfer").done(Approve("new_title"));
  v1::CaseRecord done = WaitState(id, v1::CASE_STATE_COMPLETED);
  EXPECT_EQ(queries_.all(/*steps=*/true).size(), 8u);
  // Materials pulled versus uploaded keep counting materials, not reads.
  EXPECT_EQ(done.metrics().materials_uploaded(), 2);
  EXPECT_EQ(done.metrics().materials_pulled(), checks);
}

TEST_F(CaseEngineTest, StepsReadyTogetherPullInParallel) {
  queries_.set_hold(true);
  const std::string id = Submit(PropertyTransferRequest("p2"));
  // Every pull of the three ready steps is out at once, and no review is
  // sent before its step's pulls are answered.
  ASSERT_TRUE(queries_.WaitHeld(8));
  std::vector<FakeQueries::Call> held = queries_.TakeHeld();
  std::set<std::string> steps;
  for (const FakeQueries::Call& call : held) {
    const std::vector<std::string> parts =
        absl::StrSplit(call.request.context().request_id(), '/');
    steps.insert(parts[1]);
  }
  EXPECT_THAT(steps, ::testing::UnorderedElementsAre(
                         "contract_review", "deed_tax", "title_review"));
  EXPECT_TRUE(reviews_.all().empty());
  v1::CaseRecord record = engine_->Get("servicehall", id).value();
  EXPECT_EQ(StepOf(record, "deed_tax").state(), v1::STEP_STATE_PENDING);
  // They start together, in one batch, once the last of their pulls is in:
  // answering the land review's pull alone starts nothing.
  for (FakeQueries::Call& call : held) {
    if (absl::StrContains(call.request.context().request_id(),
                          "/title_review/")) {
      call.done(FakeQueries::Found(call.consumer, call.request));
    }
  }
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_TRUE(reviews_.all().empty());
  for (FakeQueries::Call& call : held) {
    if (!absl::StrContains(call.request.context().request_id(),
                           "/title_review/")) {
      call.done(FakeQueries::Found(call.consumer, call.request));
    }
  }
  ASSERT_TRUE(reviews_.WaitPending(3));
  int started = 0;
  uint64_t last_started = 0, first_started = 0;
  const std::vector<v1::CaseEvent> events = store_->Events(id, 0).value();
  for (const v1::CaseEvent& e : events) {
    if (e.kind() != v1::CASE_EVENT_KIND_STEP_STARTED) continue;
    if (++started == 1) first_started = e.sequence();
    last_started = e.sequence();
  }
  EXPECT_EQ(started, 3);
  EXPECT_EQ(last_started - first_started, 2u);
}

TEST_F(CaseEngineTest, AStepPullRefusedFailsTheCaseNamingIt) {
  queries_.set_answer(
      [](const std::string& consumer,
         const v1::QueryRequest& request) -> absl::StatusOr<v1::QueryResponse> {
        if (consumer == "tax" && request.dataset() == "housing.sale_contract") {
          return absl::PermissionDeniedError(
              "department 'tax' holds no grant on 'housing.sale_contract'");
        }
        return FakeQueries::Found(consumer, request);
      });
  const std::string id = Submit(PropertyTransferRequest("p3"));
  v1::CaseRecord record = WaitState(id, v1::CASE_STATE_FAILED);
  EXPECT_THAT(record.reason(), HasSubstr("step 'deed_tax' (tax)"));
  EXPECT_THAT(record.reason(), HasSubstr("material 'buyer_sale_contract'"));
  EXPECT_THAT(record.reason(), HasSubstr("dataset 'housing.sale_contract'"));
  EXPECT_THAT(record.reason(), HasSubstr("PERMISSION_DENIED"));
  EXPECT_EQ(StepOf(record, "deed_tax").state(), v1::STEP_STATE_FAILED);
  EXPECT_EQ(StepOf(record, "transfer").state(), v1::STEP_STATE_SKIPPED);
  for (const v1::ReviewRequest& review : reviews_.all()) {
    EXPECT_NE(review.step(), "deed_tax");
  }
}

TEST_F(CaseEngineTest, TransientStepPullsAreRetriedLikeReviews) {
  std::atomic<int> count_calls{0};
  queries_.set_answer(
      [&](const std::string& consumer, const v1::QueryRequest& request)
          -> absl::StatusOr<v1::QueryResponse> {
        if (absl::EndsWith(request.context().request_id(),
                           "/deed_tax/dwelling_count") &&
            count_calls.fetch_add(1) == 0) {
          return absl::UnavailableError("housing is restarting");
        }
        return FakeQueries::Found(consumer, request);
      });
  const std::string id = Submit(PropertyTransferRequest("p4"));
  ASSERT_TRUE(reviews_.WaitPending(3));
  // The dwelling count was read on its second attempt.
  EXPECT_EQ(count_calls.load(), 2);
  FakeReviews::Call tax = reviews_.Take("deed_tax");
  EXPECT_EQ(FirstRecordField(tax.request, "dwelling_count", "consumer"), "tax");
  bool noted = false;
  const std::vector<v1::CaseEvent> events = store_->Events(id, 0).value();
  for (const v1::CaseEvent& e : events) {
    noted = noted || (e.material() == "dwelling_count" &&
                      absl::StrContains(e.detail(), "after 2 attempts"));
  }
  EXPECT_TRUE(noted);
}

TEST_F(CaseEngineTest, AStepWhosePullIsRetriedDoesNotHoldBackTheOthers) {
  retry_backoff_ = absl::Seconds(60);
  OpenEngine();
  queries_.set_answer(
      [](const std::string& consumer,
         const v1::QueryRequest& request) -> absl::StatusOr<v1::QueryResponse> {
        if (absl::EndsWith(request.context().request_id(),
                           "/deed_tax/dwelling_count")) {
          return absl::UnavailableError("housing is restarting");
        }
        return FakeQueries::Found(consumer, request);
      });
  const std::string id = Submit(PropertyTransferRequest("p9"));
  // The housing and land reviews go out; the tax review waits for its
  // department's retry (a minute away) alone.
  ASSERT_TRUE(reviews_.WaitPending(2));
  absl::SleepFor(absl::Milliseconds(20));
  std::set<std::string> sent;
  for (const v1::ReviewRequest& review : reviews_.all()) {
    sent.insert(review.step());
  }
  EXPECT_THAT(
      sent, ::testing::UnorderedElementsAre("contract_review", "title_review"));
  v1::CaseRecord record = engine_->Get("servicehall", id).value();
  EXPECT_EQ(StepOf(record, "contract_review").state(), v1::STEP_STATE_RUNNING);
  EXPECT_EQ(StepOf(record, "title_review").state(), v1::STEP_STATE_RUNNING);
  EXPECT_EQ(StepOf(record, "deed_tax").state(), v1::STEP_STATE_PENDING);
}

TEST_F(CaseEngineTest, AStepPullFailingEveryAttemptFailsTheCase) {
  std::atomic<int> title_calls{0};
  queries_.set_answer(
      [&](const std::string& consumer, const v1::QueryRequest& request)
          -> absl::StatusOr<v1::QueryResponse> {
        if (FakeQueries::IsStepPull(request) && consumer == "land") {
          ++title_calls;
          return absl::DeadlineExceededError("land is slow");
        }
        return FakeQueries::Found(consumer, request);
      });
  const std::string id = Submit(PropertyTransferRequest("p7"));
  v1::CaseRecord record = WaitState(id, v1::CASE_STATE_FAILED);
  EXPECT_EQ(title_calls.load(), 3);
  EXPECT_THAT(record.reason(), HasSubstr("step 'title_review' (land)"));
  EXPECT_THAT(record.reason(), HasSubstr("'title_certificate'"));
  EXPECT_THAT(record.reason(), HasSubstr("after 3 attempts"));
  EXPECT_EQ(StepOf(record, "title_review").state(), v1::STEP_STATE_FAILED);
}

TEST_F(CaseEngineTest, ADeferrableMaterialTheStepCannotReadMakesItWait) {
  queries_.set_answer(
      [](const std::string& consumer,
         const v1::QueryRequest& request) -> absl::StatusOr<v1::QueryResponse> {
        if (FakeQueries::IsStepPull(request) &&
            request.dataset() == "registry.marriage") {
          return absl::NotFoundError("registry holds no record");
        }
        return FakeQueries::Found(consumer, request);
      });
  v1::SubmitCaseRequest request = Relocation("p5");
  request.clear_deferred();
  const std::string id = Submit(request);
  ASSERT_TRUE(reviews_.WaitPending(1));
  reviews_.Take("dwelling_review").done(Approve());
  v1::CaseRecord record = WaitState(id, v1::CASE_STATE_WAITING);
  EXPECT_EQ(StepOf(record, "relocation").state(), v1::STEP_STATE_WAITING);
  EXPECT_THAT(StepOf(record, "relocation").reason(),
              HasSubstr("marriage_status"));
  for (const v1::MaterialRecord& m : record.materials()) {
    if (m.material() == "marriage_status") {
      EXPECT_EQ(m.source(), "deferred");
    }
  }
  v1::SupplementRequest supplement;
  supplement.set_case_id(id);
  supplement.mutable_material()->set_material("marriage_status");
  supplement.mutable_material()->set_reference("SCAN-8");
  ASSERT_TRUE(engine_->Supplement("servicehall", supplement).ok());
  ASSERT_TRUE(reviews_.WaitPending(1));
  FakeReviews::Call relocation = reviews_.Take("relocation");
  EXPECT_EQ(FirstRecordField(relocation.request, "dwelling_title", "consumer"),
            "registry");
  bool supplied = false;
  for (const auto& m : relocation.request.materials()) {
    supplied = supplied ||
               (m.material() == "marriage_status" && m.reference() == "SCAN-8");
  }
  EXPECT_TRUE(supplied);
  // The dwelling title was read once: not again after the supplement.
  int title_pulls = 0;
  for (const FakeQueries::Call& call : queries_.all(/*steps=*/true)) {
    title_pulls += call.request.dataset() == "land.property_title";
  }
  EXPECT_EQ(title_pulls, 1);
  relocation.done(Approve());
  WaitState(id, v1::CASE_STATE_COMPLETED);
}

TEST_F(CaseEngineTest, APullInFlightAtACrashIsRepeatedThenSentOnce) {
  queries_.set_hold(true);
  const std::string id = Submit(PropertyTransferRequest("p6"));
  ASSERT_TRUE(queries_.WaitHeld(8));
  // "Crash" with every step pull unanswered: nothing of them was stored.
  std::vector<FakeQueries::Call> lost = queries_.TakeHeld();
  queries_.set_hold(false);
  OpenEngine();
  for (FakeQueries::Call& call : lost) {
    call.done(FakeQueries::Found(call.consumer, call.request));  // dropped
  }
  ASSERT_TRUE(reviews_.WaitPending(3));
  EXPECT_EQ(queries_.all(/*steps=*/true).size(), 16u);
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(reviews_.all().size(), 3u);
  for (const char* step : {"contract_review", "title_review"}) {
    reviews_.Take(step).done(Approve());
  }
  reviews_.Take("deed_tax").done(Approve("deed_tax_certificate"));
  ASSERT_TRUE(reviews_.WaitPending(1));
  reviews_.Take("transfer").done(Approve());
  WaitState(id, v1::CASE_STATE_COMPLETED);
}

TEST(CaseMetricsTest, CriticalPathVersusSerialSum) {
  v1::CaseType type;
  type.set_id("t");
  type.add_steps()->set_id("a");
  type.add_steps()->set_id("b");
  v1::Step* c = type.add_steps();
  c->set_id("c");
  c->add_after("a");
  c->add_after("b");
  v1::CaseRecord record;
  record.set_case_type("t");
  record.set_submitted_at_micros(1000000);
  auto add = [&](const char* id, int64_t start_ms, int64_t end_ms) {
    v1::StepRecord* s = record.add_steps();
    s->set_step(id);
    s->set_started_at_micros(1000000 + start_ms * 1000);
    s->set_finished_at_micros(1000000 + end_ms * 1000);
  };
  add("a", 0, 100);
  add("b", 0, 300);
  add("c", 300, 400);
  record.set_finished_at_micros(1000000 + 401 * 1000);
  v1::CaseMetrics m = ComputeMetrics(type, record, 0);
  EXPECT_EQ(m.serial_sum_ms(), 500);
  EXPECT_EQ(m.critical_path_ms(), 400);
  EXPECT_EQ(m.elapsed_ms(), 401);
  EXPECT_EQ(m.trips(), 0);
  record.add_materials()->set_source("deferred");
  EXPECT_EQ(ComputeMetrics(type, record, 0).trips(), 1);
}

}  // namespace
}  // namespace datarun::cases
