#include "exchange/audit/ordered_runner.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace datarun::audit {
namespace {

TEST(OrderedRunnerTest, RunsTasksInOrderOnAnotherThreadAndDrainsOnDestruction) {
  std::vector<int> order;
  std::thread::id caller = std::this_thread::get_id();
  std::atomic<bool> other_thread{true};
  {
    OrderedRunner runner(2);
    for (int i = 0; i < 100; ++i) {
      runner.Post([i, &order, &other_thread, caller] {
        if (std::this_thread::get_id() == caller) other_thread = false;
        order.push_back(i);  // one task at a time: no lock needed
      });
    }
  }  // every task ran before the destructor returned
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
  EXPECT_TRUE(other_thread);
}

TEST(OrderedRunnerTest, PostBlocksWhileTheQueueIsFull) {
  OrderedRunner runner(1);
  absl::Notification started, release;
  runner.Post([&] {
    started.Notify();
    release.WaitForNotification();
  });
  started.WaitForNotification();
  runner.Post([] {});  // waits in the queue (1 of 1)
  std::atomic<bool> third_posted{false};
  std::thread poster([&] {
    runner.Post([] {});
    third_posted = true;
  });
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(third_posted) << "the queue holds at most one waiting task";
  release.Notify();
  poster.join();
  EXPECT_TRUE(third_posted);
}

}  // namespace
}  // namespace datarun::audit
