#include "exchange/cases/case_engine.h"

#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "exchange/cases/case_engine_testing.h"
#include "exchange/cases/case_metrics.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::cases {
namespace {

using ::testing::HasSubstr;

using testing::Approve;
using testing::PropertyTransferRequest;
using testing::ResidentId;

const std::string kSeller = testing::TestSeller();
const std::string kBuyer = testing::TestBuyer();

// Reviews the test answers by hand.
class FakeReviews {
 public:
  struct Call {
    std::string department;
    v1::ReviewRequest request;
    CaseEngine::ReviewDone done;
  };

  CaseEngine::ReviewFn Fn() {
    return
        [this](const std::string& department, const v1::ReviewRequest& request,
               absl::Time, CaseEngine::ReviewDone done) {
          absl::MutexLock lock(&mu_);
          pending_.push_back({department, request, std::move(done)});
          all_.push_back(request);
        };
  }

  // Waits until `n` calls are pending; returns false after 10 s.
  bool WaitPending(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return pending_.size() >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
  }

  // Removes and returns the pending call of `step` (fails if none).
  Call Take(const std::string& step) {
    absl::MutexLock lock(&mu_);
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->request.step() == step) {
        Call call = std::move(*it);
        pending_.erase(it);
        return call;
      }
    }
    ADD_FAILURE() << "no pending review of " << step;
    return {};
  }

  void Clear() {
    absl::MutexLock lock(&mu_);
    pending_.clear();
  }

  std::vector<v1::ReviewRequest> all() {
    absl::MutexLock lock(&mu_);
    return all_;
  }

 private:
  absl::Mutex mu_;
  std::deque<Call> pending_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::ReviewRequest> all_ ABSL_GUARDED_BY(mu_);
};

// Pulls the test answers: by default at once, with one record naming the
// consumer and the dataset; `set_answer` overrides the answer, `set_hold`
// keeps step pulls (request ids "<case>/<step>/<material>") until taken.
class FakeQueries {
 public:
  struct Call {
    std::string consumer;
    v1::QueryRequest request;
    CaseEngine::QueryDone done;
  };
  using Answer = std::function<absl::StatusOr<v1::QueryResponse>(
      const std::string& consumer, const v1::QueryRequest& request)>;

  CaseEngine::QueryFn Fn() {
    return [this](const std::string& consumer, const v1::QueryRequest& request,
                  absl::Time, CaseEngine::QueryDone done) {
      absl::StatusOr<v1::QueryResponse> result;
      {
        absl::MutexLock lock(&mu_);
        all_.push_back({consumer, request, nullptr});
        if (hold_ && IsStepPull(request)) {
          held_.push_back({consumer, request, std::move(done)});
          return;
        }
        result =
            answer_ ? answer_(consumer, request) : Found(consumer, request);
      }
      done(std::move(result));
    };
  }

  // One record: {"dataset": <dataset>, "consumer": <consumer>}.
  static v1::QueryResponse Found(const std::string& consumer,
                                 const v1::QueryRequest& request) {
    v1::QueryResponse response;
    auto& fields = *response.add_records()->mutable_fields();
    fields["dataset"].set_string_value(request.dataset());
    fields["consumer"].set_string_value(consumer);
    response.set_grant_id(absl::StrCat(consumer, ".grant"));
    return response;
  }

  static bool IsStepPull(const v1::QueryRequest& request) {
    const std::string& id = request.context().request_id();
    return std::count(id.begin(), id.end(), '/') == 2;
  }

  void set_answer(Answer answer) {
    absl::MutexLock lock(&mu_);
    answer_ = std::move(answer);
  }
  void set_hold(bool hold) {
    absl::MutexLock lock(&mu_);
    hold_ = hold;
  }

  // Waits until `n` step pulls are held; false after 10 s.
  bool WaitHeld(size_t n) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return held_.size() >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
  }

  std::vector<Call> TakeHeld() {
    absl::MutexLock lock(&mu_);
    std::vector<Call> out = std::move(held_);
    held_.clear();
    return out;
  }

  // Every query made, step pulls only when `steps`.
  std::vector<Call> all(bool steps = false) {
    absl::MutexLock lock(&mu_);
    std::vector<Call> out;
    for (const Call& call : all_) {
      if (!steps || IsStepPull(call.request)) out.push_back(call);
    }
    return out;
  }

 private:
  absl::Mutex mu_;
  Answer answer_ ABSL_GUARDED_BY(mu_);
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Call> held_ ABSL_GUARDED_BY(mu_);
  std::vector<Call> all_ ABSL_GUARDED_BY(mu_);
};

// The value of `field` in the first record of `material` in `request`.
std::string FirstRecordField(const v1::ReviewRequest& request,
                             absl::string_view material,
                             absl::string_view field) {
  for (const v1::StepMaterial& m : request.materials()) {
    if (m.material() != material || m.records_size() == 0) continue;
    auto it = m.records(0).fields().find(std::string(field));
    if (it != m.records(0).fields().end()) return it->second.string_value();
  }
  return "";
}

class CaseEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/case_engine_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    auto config = testing::LoadCaseConfig("deploy/local");
    ASSERT_TRUE(config.ok()) << config.status();
    config_ = *std::move(config);
    OpenEngine();
  }

  void TearDown() override {
    engine_.reset();
    store_.reset();
    std::system(absl::StrCat("rm -rf ", dir_).c_str());
  }

  void OpenEngine() {
    engine_.reset();
    store_.reset();
    auto store = CaseStore::Open({dir_ + "/cases", true});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    CaseEngine::Options options;
    options.case_types = config_.types.get();
    options.catalog = config_.catalog.get();
    options.store = store_.get();
    options.review = reviews_.Fn();
    options.query = queries_.Fn();
    options.retry_backoff = retry_backoff_;
    options.defer_day = defer_day_;
    auto engine = CaseEngine::Start(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
  }

  v1::SubmitCaseRequest Relocation(const std::string& request_id) {
    v1::SubmitCaseRequest request;
    request.set_case_type("household_relocation");
    request.set_request_id(request_id);
    auto* p = request.add_parties();
    p->set_role("applicant");
    p->set_subject(kBuyer);
    auto* u = request.add_uploaded();
    u->set_material("relocation_application");
    u->set_reference("FORM-1");
    request.add_deferred("marriage_status");
    return request;
  }

  std::string Submit(const v1::SubmitCaseRequest& request) {
    auto response = engine_->Submit("servicehall", request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->case_().case_id() : "";
  }

  // Waits until the case reaches `state`; returns the record.
  v1::CaseRecord WaitState(const std::string& id, v1::CaseState state) {
    absl::Time end = absl::Now() + absl::Seconds(10);
    absl::StatusOr<v1::CaseRecord> record;
    while (absl::Now() < end) {
      record = engine_->Get("servicehall", id);
      if (record.ok() && record->state() == state) return *record;
      absl::SleepFor(absl::Milliseconds(2));
    }
    ADD_FAILURE() << "case " << id << " never reached "
                  << v1::CaseState_Name(state) << ": "
                  << (record.ok() ? record->DebugString()
                                  : record.status().ToString());
    return record.ok() ? *record : v1::CaseRecord();
  }

  static const v1::StepRecord& StepOf(const v1::CaseRecord& record,
                                      const std::string& step) {
    for (const v1::StepRecord& s : record.steps()) {
      if (s.step() == step) return s;
    }
    static v1::StepRecord none;
    return none;
  }

  std::string dir_;
  absl::Duration defer_day_ = absl::Hours(24);
  absl::Duration retry_backoff_ = absl::Milliseconds(1);
  testing::CaseConfig config_;
  FakeReviews reviews_;
  FakeQueries queries_;
  std::unique_ptr<CaseStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

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
  for (const v1::CaseEvent& e : events) {
    if (e.kind() == v1::CASE_EVENT_KIND_MATERIAL_PULLED &&
        e.step() == "deed_tax") {
      EXPECT_THAT(e.detail(), HasSubstr("read by tax for step 'deed_tax'"));
      ++read_by_tax;
    }
  }
  EXPECT_EQ(read_by_tax, 5);
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
