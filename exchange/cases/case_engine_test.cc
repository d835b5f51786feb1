#include "exchange/cases/case_engine.h"

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
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

TEST_F(CaseEngineTest, StartsReviewsInParallelJoinsThenTransfers) {
  const std::string id = Submit(PropertyTransferRequest("r1"));
  ASSERT_TRUE(reviews_.WaitPending(3));
  v1::CaseRecord record = engine_->Get("servicehall", id).value();
  EXPECT_EQ(StepOf(record, "contract_review").state(), v1::STEP_STATE_RUNNING);
  EXPECT_EQ(StepOf(record, "deed_tax").state(), v1::STEP_STATE_RUNNING);
  EXPECT_EQ(StepOf(record, "title_review").state(), v1::STEP_STATE_RUNNING);
  EXPECT_EQ(StepOf(record, "transfer").state(), v1::STEP_STATE_PENDING);

  FakeReviews::Call tax = reviews_.Take("deed_tax");
  EXPECT_EQ(tax.department, "tax");
  EXPECT_EQ(tax.request.idempotency_key(), id + "/deed_tax");
  EXPECT_EQ(tax.request.materials_size(), 5);
  tax.done(Approve("deed_tax_certificate"));
  reviews_.Take("contract_review").done(Approve());
  // The transfer waits for the third review.
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_EQ(StepOf(engine_->Get("servicehall", id).value(), "transfer").state(),
            v1::STEP_STATE_PENDING);
  reviews_.Take("title_review").done(Approve());
  ASSERT_TRUE(reviews_.WaitPending(1));
  FakeReviews::Call transfer = reviews_.Take("transfer");
  EXPECT_EQ(transfer.department, "land");
  ASSERT_EQ(transfer.request.issued_before_size(), 1);
  EXPECT_EQ(transfer.request.issued_before(0).material(),
            "deed_tax_certificate");
  transfer.done(Approve("new_title"));
  record = WaitState(id, v1::CASE_STATE_COMPLETED);
  EXPECT_EQ(record.metrics().trips(), 1);  // the signed applications
  EXPECT_GT(record.metrics().materials_pulled(), 5);
  EXPECT_EQ(record.metrics().materials_uploaded(), 2);
  // Evicted from memory once finished (right after the commit).
  for (int i = 0; i < 1000 && engine_->open_cases() > 0; ++i) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(engine_->open_cases(), 0);
  // Readers: submitter, step departments; others are refused.
  EXPECT_TRUE(engine_->Get("land", id).ok());
  EXPECT_EQ(engine_->Get("market", id).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(CaseEngineTest, RejectFinishesCaseAndSkipsTransfer) {
  const std::string id = Submit(PropertyTransferRequest("r1"));
  ASSERT_TRUE(reviews_.WaitPending(3));
  v1::ReviewResponse reject;
  reject.set_decision(v1::REVIEW_DECISION_REJECT);
  reject.set_reason("the unit is seized");
  reviews_.Take("contract_review").done(reject);
  v1::CaseRecord record = WaitState(id, v1::CASE_STATE_REJECTED);
  EXPECT_THAT(record.reason(), HasSubstr("the unit is seized"));
  EXPECT_THAT(record.reason(), HasSubstr("contract_review"));
  EXPECT_EQ(StepOf(record, "transfer").state(), v1::STEP_STATE_SKIPPED);
  // Late answers are recorded, not acted on.
  reviews_.Take("deed_tax").done(Approve("deed_tax_certificate"));
  reviews_.Take("title_review").done(Approve());
  absl::SleepFor(absl::Milliseconds(20));
  record = engine_->Get("servicehall", id).value();
  EXPECT_EQ(record.state(), v1::CASE_STATE_REJECTED);
  EXPECT_EQ(StepOf(record, "deed_tax").state(), v1::STEP_STATE_APPROVED);
}

TEST_F(CaseEngineTest, CaseBindingHoldsOnlyForPartiesOfAnOpenCase) {
  const std::string id = Submit(PropertyTransferRequest("b1"));
  ASSERT_TRUE(reviews_.WaitPending(3));
  EXPECT_TRUE(engine_->CheckCaseBinding(id, "property_transfer", kBuyer).ok());
  EXPECT_TRUE(engine_->CheckCaseBinding(id, "property_transfer", kSeller).ok());
  absl::Status other_type =
      engine_->CheckCaseBinding(id, "household_relocation", kBuyer);
  EXPECT_EQ(other_type.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(other_type.message(), HasSubstr("not household_relocation"));
  const std::string stranger = ResidentId("11010519900303003");
  absl::Status not_party =
      engine_->CheckCaseBinding(id, "property_transfer", stranger);
  EXPECT_THAT(not_party.message(), HasSubstr("not a party"));
  EXPECT_EQ(std::string(not_party.message()).find(stranger), std::string::npos);
  EXPECT_THAT(
      engine_->CheckCaseBinding("nope", "property_transfer", kBuyer).message(),
      HasSubstr("is not open"));

  v1::ReviewResponse reject;
  reject.set_decision(v1::REVIEW_DECISION_REJECT);
  reject.set_reason("no");
  reviews_.Take("contract_review").done(reject);
  WaitState(id, v1::CASE_STATE_REJECTED);
  EXPECT_EQ(engine_->CheckCaseBinding(id, "property_transfer", kBuyer).code(),
            absl::StatusCode::kFailedPrecondition);
  reviews_.Take("deed_tax").done(Approve("deed_tax_certificate"));
  reviews_.Take("title_review").done(Approve());
}

TEST_F(CaseEngineTest, RetriesWithTheSameKey) {
  const std::string id = Submit(PropertyTransferRequest("r1"));
  ASSERT_TRUE(reviews_.WaitPending(3));
  reviews_.Take("deed_tax").done(absl::UnavailableError("tax is down"));
  ASSERT_TRUE(reviews_.WaitPending(3));
  FakeReviews::Call again = reviews_.Take("deed_tax");
  EXPECT_EQ(again.request.idempotency_key(), id + "/deed_tax");
  EXPECT_EQ(
      StepOf(engine_->Get("servicehall", id).value(), "deed_tax").attempts(),
      2);
  again.done(absl::DeadlineExceededError("slow"));
  ASSERT_TRUE(reviews_.WaitPending(3));
  reviews_.Take("deed_tax").done(absl::UnavailableError("still down"));
  v1::CaseRecord record = WaitState(id, v1::CASE_STATE_FAILED);
  EXPECT_THAT(record.reason(), HasSubstr("failed after 3 attempt(s)"));
}

TEST_F(CaseEngineTest, DeferredMaterialWaitsThenSupplementContinues) {
  const std::string id = Submit(Relocation("r1"));
  ASSERT_TRUE(reviews_.WaitPending(1));
  reviews_.Take("dwelling_review").done(Approve());
  v1::CaseRecord record = WaitState(id, v1::CASE_STATE_WAITING);
  EXPECT_EQ(StepOf(record, "relocation").state(), v1::STEP_STATE_WAITING);
  EXPECT_THAT(StepOf(record, "relocation").reason(),
              HasSubstr("marriage_status"));
  EXPECT_EQ(record.metrics().trips(), 1);

  v1::SupplementRequest supplement;
  supplement.set_case_id(id);
  supplement.mutable_material()->set_material("relocation_application");
  supplement.mutable_material()->set_reference("X");
  EXPECT_EQ(engine_->Supplement("servicehall", supplement).status().code(),
            absl::StatusCode::kFailedPrecondition);
  supplement.mutable_material()->set_material("marriage_status");
  supplement.mutable_material()->set_reference("SCAN-7");
  EXPECT_EQ(engine_->Supplement("land", supplement).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(engine_->Supplement("servicehall", supplement).ok());
  ASSERT_TRUE(reviews_.WaitPending(1));
  FakeReviews::Call relocation = reviews_.Take("relocation");
  bool has = false;
  for (const auto& m : relocation.request.materials()) {
    has =
        has || (m.material() == "marriage_status" && m.reference() == "SCAN-7");
  }
  EXPECT_TRUE(has);
  relocation.done(Approve());
  WaitState(id, v1::CASE_STATE_COMPLETED);
}

TEST_F(CaseEngineTest, ExpiredDeferralFailsTheCase) {
  defer_day_ = absl::Milliseconds(2);
  OpenEngine();
  const std::string id = Submit(Relocation("r1"));
  v1::CaseRecord record = WaitState(id, v1::CASE_STATE_FAILED);
  EXPECT_THAT(record.reason(),
              HasSubstr("deferred material 'marriage_status'"));
  EXPECT_THAT(record.reason(), HasSubstr("not supplied by its deadline"));
}

TEST_F(CaseEngineTest, SubmitIsIdempotentAndValidates) {
  auto first = engine_->Submit("servicehall", PropertyTransferRequest("same"));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->created());
  auto second = engine_->Submit("servicehall", PropertyTransferRequest("same"));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created());
  EXPECT_EQ(first->case_().case_id(), second->case_().case_id());

  v1::SubmitCaseRequest bad = PropertyTransferRequest("b1");
  bad.mutable_uploaded()->RemoveLast();
  auto missing = engine_->Submit("servicehall", bad);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("buyer_application"));
  bad = PropertyTransferRequest("b2");
  bad.mutable_parties(0)->set_subject("110105197001010010");
  EXPECT_EQ(engine_->Submit("servicehall", bad).status().code(),
            absl::StatusCode::kInvalidArgument);
  bad = PropertyTransferRequest("b3");
  bad.add_deferred("title_certificate");
  EXPECT_EQ(engine_->Submit("servicehall", bad).status().code(),
            absl::StatusCode::kFailedPrecondition);
  bad.set_case_type("nope");
  EXPECT_EQ(engine_->Submit("servicehall", bad).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CaseEngineTest, ResumesRunningStepsWithTheSameKeys) {
  const std::string id = Submit(PropertyTransferRequest("r1"));
  ASSERT_TRUE(reviews_.WaitPending(3));
  reviews_.Take("title_review").done(Approve());
  WaitState(id, v1::CASE_STATE_RUNNING);
  absl::SleepFor(absl::Milliseconds(20));
  // "Crash": the engine goes away with two reviews unanswered.
  FakeReviews::Call lost = reviews_.Take("deed_tax");
  reviews_.Clear();
  const size_t pulls_before = queries_.all().size();
  OpenEngine();
  lost.done(Approve("deed_tax_certificate"));  // dropped: old engine
  ASSERT_TRUE(reviews_.WaitPending(2));
  FakeReviews::Call tax = reviews_.Take("deed_tax");
  EXPECT_EQ(tax.request.idempotency_key(), id + "/deed_tax");
  // Re-sent with the records its department read before the crash: nothing
  // is pulled again.
  EXPECT_EQ(queries_.all().size(), pulls_before);
  EXPECT_EQ(tax.request.materials_size(), lost.request.materials_size());
  EXPECT_EQ(FirstRecordField(tax.request, "buyer_sale_contract", "consumer"),
            "tax");
  FakeReviews::Call contract = reviews_.Take("contract_review");
  EXPECT_EQ(contract.request.idempotency_key(), id + "/contract_review");
  tax.done(Approve("deed_tax_certificate"));
  contract.done(Approve());
  ASSERT_TRUE(reviews_.WaitPending(1));
  reviews_.Take("transfer").done(Approve());
  WaitState(id, v1::CASE_STATE_COMPLETED);
  // title_review was not sent again: it had finished before the crash.
  int title_reviews = 0;
  for (const auto& r : reviews_.all()) {
    title_reviews += r.step() == "title_review";
  }
  EXPECT_EQ(title_reviews, 1);
  auto events = store_->Events(id, 0).value();
  int resumed = 0, finished = 0;
  for (const auto& e : events) {
    resumed += e.kind() == v1::CASE_EVENT_KIND_RESUMED;
    finished += e.kind() == v1::CASE_EVENT_KIND_FINISHED;
  }
  EXPECT_EQ(resumed, 1);
  EXPECT_EQ(finished, 1);
}

TEST_F(CaseEngineTest, OnlyTheSubmitterChangesAnOpenCase) {
  const std::string id = Submit(PropertyTransferRequest("c1"));
  ASSERT_TRUE(reviews_.WaitPending(3));
  v1::CancelCaseRequest cancel;
  cancel.set_case_id(id);
  v1::SupplementRequest supplement;
  supplement.set_case_id(id);
  supplement.mutable_material()->set_material("seller_application");
  supplement.mutable_material()->set_reference("ESIGN-9");
  absl::Status status = engine_->Cancel("land", cancel).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "only the submitting department 'servicehall' "
            "may cancel case '" +
                id + "'");
  status = engine_->Supplement("land", supplement).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status.message(),
            "only the submitting department 'servicehall' "
            "may supplement case '" +
                id + "'");
  ASSERT_TRUE(engine_->Cancel("servicehall", cancel).ok());

  // Finished, first while its reviews are still out (held in memory), then
  // once they are answered (read from the store): the same errors.
  for (int pass = 0; pass < 2; ++pass) {
    SCOPED_TRACE(pass == 0 ? "in memory" : "from the store");
    status = engine_->Cancel("servicehall", cancel).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(status.message(),
              "case '" + id + "' is already finished (CASE_STATE_CANCELLED)");
    status = engine_->Supplement("servicehall", supplement).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(status.message(),
              "case '" + id + "' is finished (CASE_STATE_CANCELLED)");
    if (pass == 0) {
      EXPECT_EQ(engine_->open_cases(), 1);
      for (const char* step : {"contract_review", "deed_tax", "title_review"}) {
        reviews_.Take(step).done(Approve());
      }
      for (int i = 0; i < 1000 && engine_->open_cases() > 0; ++i) {
        absl::SleepFor(absl::Milliseconds(5));
      }
      ASSERT_EQ(engine_->open_cases(), 0);
    }
  }
  // A department that may not read the case, and an unknown case.
  EXPECT_EQ(engine_->Cancel("market", cancel).status().code(),
            absl::StatusCode::kPermissionDenied);
  cancel.set_case_id("case-unknown");
  EXPECT_EQ(engine_->Cancel("servicehall", cancel).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(CaseEngineTest, WatchDeliversPastAndLiveEventsUntilFinished) {
  const std::string id = Submit(Relocation("w1"));
  absl::Mutex mu;
  std::vector<v1::CaseEvent> seen;
  auto start =
      engine_->Watch("servicehall", id, 0, [&](const v1::CaseEvent& e) {
        absl::MutexLock lock(&mu);
        seen.push_back(e);
      });
  ASSERT_TRUE(start.ok());
  // A watcher that claims to have seen more than exists gets nothing older.
  int beyond = 0;
  ASSERT_TRUE(engine_
                  ->Watch("servicehall", id, 100,
                          [&](const v1::CaseEvent&) {
                            absl::MutexLock lock(&mu);
                            ++beyond;
                          })
                  .ok());
  ASSERT_TRUE(reviews_.WaitPending(1));
  v1::CancelCaseRequest cancel;
  cancel.set_case_id(id);
  ASSERT_TRUE(engine_->Cancel("servicehall", cancel).ok());
  EXPECT_EQ(engine_->Cancel("servicehall", cancel).status().code(),
            absl::StatusCode::kFailedPrecondition);
  absl::MutexLock lock(&mu);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().kind(), v1::CASE_EVENT_KIND_SUBMITTED);
  EXPECT_EQ(seen.back().kind(), v1::CASE_EVENT_KIND_FINISHED);
  EXPECT_EQ(seen.back().case_state(), v1::CASE_STATE_CANCELLED);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i].sequence(), i + 1);
  EXPECT_EQ(beyond, 0);
}

}  // namespace
}  // namespace datarun::cases
