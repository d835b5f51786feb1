// The case engine's unit-test fixture (case_engine_test.cc,
// case_engine_pulls_test.cc): a real CaseStore in a temporary directory, the
// deploy/local catalog, policy and case types, and fakes for the network
// that the test answers by hand (reviews) or at once (pulls).
#ifndef DATARUN_EXCHANGE_CASES_CASE_ENGINE_TEST_FIXTURE_H_
#define DATARUN_EXCHANGE_CASES_CASE_ENGINE_TEST_FIXTURE_H_

#include <stdlib.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/cases/case_engine.h"
#include "exchange/cases/case_engine_testing.h"
#include "gtest/gtest.h"

namespace datarun::cases::testing {

const std::string kSeller = TestSeller();
const std::string kBuyer = TestBuyer();

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
inline std::string FirstRecordField(const v1::ReviewRequest& request,
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
    auto store = CaseStore::Open({dir_ + "/cases", true, hasher_.get()});
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

  v1::SubmitCaseRequest Relocation(const std::string& request_id,
                                   const std::string& applicant = kBuyer) {
    v1::SubmitCaseRequest request;
    request.set_case_type("household_relocation");
    request.set_request_id(request_id);
    auto* p = request.add_parties();
    p->set_role("applicant");
    p->set_subject(applicant);
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
  // Keys the store's party index.
  std::unique_ptr<audit::SubjectHasher> hasher_ =
      audit::SubjectHasher::FromKey("case engine test key");
  absl::Duration defer_day_ = absl::Hours(24);
  absl::Duration retry_backoff_ = absl::Milliseconds(1);
  testing::CaseConfig config_;
  FakeReviews reviews_;
  FakeQueries queries_;
  std::unique_ptr<CaseStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

}  // namespace datarun::cases::testing

#endif  // DATARUN_EXCHANGE_CASES_CASE_ENGINE_TEST_FIXTURE_H_
