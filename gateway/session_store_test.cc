#include "gateway/session_store.h"

#include <set>

#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

class FakeClock {
 public:
  absl::Time Now() const { return now_; }
  void Advance(absl::Duration d) { now_ += d; }
  std::function<absl::Time()> Function() {
    return [this]() { return now_; };
  }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1800000000);
};

SessionUser Clerk() {
  SessionUser user;
  user.username = "window1";
  user.role = Role::kClerk;
  return user;
}

TEST(SessionStoreTest, CreatesRandomIdsAndTokens) {
  SessionStore store(absl::Minutes(30));
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    Session session = store.Create(Clerk());
    EXPECT_EQ(session.id.size(), 43u);  // 32 bytes base64url
    EXPECT_EQ(session.csrf_token.size(), 43u);
    EXPECT_NE(session.id, session.csrf_token);
    EXPECT_TRUE(seen.insert(session.id).second);
    EXPECT_EQ(session.id.find_first_of("+/="), std::string::npos);
  }
  EXPECT_EQ(store.size(), 50u);
}

TEST(SessionStoreTest, IdleSessionsExpireAndUseKeepsThemAlive) {
  FakeClock clock;
  SessionStore store(absl::Minutes(30), 100, clock.Function());
  Session session = store.Create(Clerk());
  clock.Advance(absl::Minutes(29));
  absl::optional<Session> touched = store.Touch(session.id);
  ASSERT_TRUE(touched.has_value());
  EXPECT_EQ(touched->user.username, "window1");
  EXPECT_EQ(touched->csrf_token, session.csrf_token);
  clock.Advance(absl::Minutes(29));  // 58 minutes old, 29 idle
  EXPECT_TRUE(store.Touch(session.id).has_value());
  clock.Advance(absl::Minutes(31));
  EXPECT_FALSE(store.Touch(session.id).has_value());
  // Gone for good, even if the clock went back.
  EXPECT_FALSE(store.Touch(session.id).has_value());
  EXPECT_EQ(store.size(), 0u);
}

TEST(SessionStoreTest, UnknownAndRemovedSessionsAreNotFound) {
  SessionStore store(absl::Minutes(30));
  Session session = store.Create(Clerk());
  EXPECT_FALSE(store.Touch("").has_value());
  EXPECT_FALSE(store.Touch(session.csrf_token).has_value());
  store.Remove(session.id);
  EXPECT_FALSE(store.Touch(session.id).has_value());
}

TEST(SessionStoreTest, FullStoreEndsTheLeastRecentlyUsed) {
  FakeClock clock;
  SessionStore store(absl::Minutes(30), 2, clock.Function());
  Session a = store.Create(Clerk());
  clock.Advance(absl::Seconds(1));
  Session b = store.Create(Clerk());
  clock.Advance(absl::Seconds(1));
  ASSERT_TRUE(store.Touch(a.id).has_value());  // b is now the oldest
  Session c = store.Create(Clerk());
  EXPECT_TRUE(store.Touch(a.id).has_value());
  EXPECT_FALSE(store.Touch(b.id).has_value());
  EXPECT_TRUE(store.Touch(c.id).has_value());
}

TEST(SessionStoreTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

}  // namespace
}  // namespace datarun::gateway
