#include "adapters/sdk/worker_pool.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace datarun {
namespace adapter {
namespace {

TEST(WorkerPoolTest, RunsEveryTask) {
  std::atomic<int> ran{0};
  WorkerPool pool(3, 100);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(pool.Submit([&ran] { ++ran; }).ok());
  }
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 100);
}

TEST(WorkerPoolTest, RunsTasksConcurrently) {
  // Each task waits for all three to have started: this only finishes when
  // three workers run at the same time.
  absl::Mutex mu;
  int started = 0;
  absl::BlockingCounter done(3);
  WorkerPool pool(3, 3);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(pool.Submit([&] {
                      absl::MutexLock lock(&mu);
                      ++started;
                      auto all = [&started] { return started == 3; };
                      mu.Await(absl::Condition(&all));
                      done.DecrementCount();
                    })
                    .ok());
  }
  done.Wait();
}

TEST(WorkerPoolTest, FullQueueIsResourceExhausted) {
  absl::Notification started, release;
  std::atomic<int> ran{0};
  WorkerPool pool(1, 2);
  ASSERT_TRUE(pool.Submit([&] {
                    started.Notify();
                    release.WaitForNotification();
                    ++ran;
                  })
                  .ok());
  started.WaitForNotification();
  EXPECT_EQ(pool.running(), 1);
  ASSERT_TRUE(pool.Submit([&] { ++ran; }).ok());
  ASSERT_TRUE(pool.Submit([&] { ++ran; }).ok());
  EXPECT_EQ(pool.queued(), 2);
  absl::Status full = pool.Submit([&] { ++ran; });
  EXPECT_EQ(full.code(), absl::StatusCode::kResourceExhausted) << full;
  release.Notify();
  pool.Shutdown();
  EXPECT_EQ(ran.load(), 3);
}

TEST(WorkerPoolTest, ShutdownDrainsQueuedTasksAndRejectsNewOnes) {
  absl::Notification started, release;
  std::atomic<int> ran{0};
  WorkerPool pool(1, 10);
  ASSERT_TRUE(pool.Submit([&] {
                    started.Notify();
                    release.WaitForNotification();
                    ++ran;
                  })
                  .ok());
  started.WaitForNotification();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(pool.Submit([&] { ++ran; }).ok());
  std::thread stopper([&] { pool.Shutdown(); });
  // Once shutdown has begun, new work is refused (until then the probes,
  // which do nothing, are queued or bounce off the full queue).
  while (pool.Submit([] {}).code() != absl::StatusCode::kFailedPrecondition) {
    std::this_thread::yield();
  }
  release.Notify();
  stopper.join();
  // The blocked task and the 5 queued ones all ran.
  EXPECT_EQ(ran.load(), 6);
  EXPECT_EQ(pool.Submit([] {}).code(), absl::StatusCode::kFailedPrecondition);
  pool.Shutdown();  // Idempotent.
}

}  // namespace
}  // namespace adapter
}  // namespace datarun
