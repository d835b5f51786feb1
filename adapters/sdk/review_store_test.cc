#include "adapters/sdk/review_store.h"

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace datarun {
namespace adapter {
namespace {

v1::ReviewRequest Request(const std::string& key, const std::string& case_id) {
  v1::ReviewRequest r;
  r.set_case_id(case_id);
  r.set_case_type("property_transfer");
  r.set_step("deed_tax");
  r.set_idempotency_key(key);
  v1::CaseParty* p = r.add_parties();
  p->set_role("buyer");
  p->set_subject("110105198001010018");
  return r;
}

v1::ReviewResponse Approve(const std::string& reason) {
  v1::ReviewResponse r;
  r.set_decision(v1::REVIEW_DECISION_APPROVE);
  r.set_reason(reason);
  return r;
}

class ReviewStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/datarun_review_store.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/answers.sqlite";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_, path_;
};

TEST_F(ReviewStoreTest, SecondCallReplaysTheStoredAnswerDurably) {
  int calls = 0;
  auto review = [&]() -> absl::StatusOr<v1::ReviewResponse> {
    ++calls;
    return Approve("first");
  };
  {
    auto store = ReviewStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    auto first = (*store)->Answer(Request("k1", "c1"), review);
    ASSERT_TRUE(first.ok()) << first.status();
    EXPECT_FALSE(first->replayed);
    EXPECT_EQ(first->response.reason(), "first");
  }
  // Reopened: the answer survived.
  auto store = ReviewStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  // A retry may carry re-pulled materials: still the same step.
  v1::ReviewRequest retry = Request("k1", "c1");
  retry.add_materials()->set_material("dwelling_count");
  auto second = (*store)->Answer(retry, [&] {
    ++calls;
    return absl::StatusOr<v1::ReviewResponse>(Approve("second"));
  });
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->response.reason(), "first");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(*(*store)->size(), 1);
}

TEST_F(ReviewStoreTest, ReusedKeyForAnotherRequestIsRefused) {
  auto store = ReviewStore::Open(path_);
  ASSERT_TRUE(store.ok());
  auto review = [] { return absl::StatusOr<v1::ReviewResponse>(Approve("x")); };
  ASSERT_TRUE((*store)->Answer(Request("k1", "c1"), review).ok());
  auto other = (*store)->Answer(Request("k1", "c2"), review);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find(
                "idempotency_key reused for a different request"),
            std::string::npos)
      << other.status();
  v1::ReviewRequest other_step = Request("k1", "c1");
  other_step.set_step("title_review");
  EXPECT_EQ((*store)->Answer(other_step, review).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ReviewStoreTest, ErrorsAreNotStoredAndEmptyKeyIsRefused) {
  auto store = ReviewStore::Open(path_);
  ASSERT_TRUE(store.ok());
  auto failed = (*store)->Answer(Request("k1", "c1"), [] {
    return absl::StatusOr<v1::ReviewResponse>(
        absl::UnavailableError("store down"));
  });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable);
  auto retried = (*store)->Answer(Request("k1", "c1"), [] {
    return absl::StatusOr<v1::ReviewResponse>(Approve("retried"));
  });
  ASSERT_TRUE(retried.ok());
  EXPECT_FALSE(retried->replayed);
  EXPECT_EQ(
      (*store)
          ->Answer(
              Request("", "c1"),
              [] { return absl::StatusOr<v1::ReviewResponse>(Approve("")); })
          .status()
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(ReviewStoreTest, ConcurrentSameKeyWaitsForTheFirstAnswer) {
  auto store = ReviewStore::Open(path_);
  ASSERT_TRUE(store.ok());
  absl::Notification entered, release;
  absl::Mutex mu;
  int calls = 0;
  absl::StatusOr<ReviewStore::Outcome> first, second;
  std::thread a([&] {
    first = (*store)->Answer(Request("k", "c"), [&] {
      {
        absl::MutexLock l(&mu);
        ++calls;
      }
      entered.Notify();
      release.WaitForNotification();
      return absl::StatusOr<v1::ReviewResponse>(Approve("a"));
    });
  });
  entered.WaitForNotification();
  std::thread b([&] {
    second = (*store)->Answer(Request("k", "c"), [&] {
      absl::MutexLock l(&mu);
      ++calls;
      return absl::StatusOr<v1::ReviewResponse>(Approve("b"));
    });
  });
  // A different key is not held up by the busy one.
  auto other = (*store)->Answer(Request("k2", "c"), [] {
    return absl::StatusOr<v1::ReviewResponse>(Approve("other"));
  });
  ASSERT_TRUE(other.ok());
  release.Notify();
  a.join();
  b.join();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->response.reason(), "a");
  EXPECT_EQ(second->response.reason(), "a");
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace adapter
}  // namespace datarun
