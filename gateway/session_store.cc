#include "gateway/session_store.h"

#include <openssl/crypto.h>

#include <utility>

#include "gateway/secure_random.h"

namespace datarun::gateway {

SessionStore::SessionStore(absl::Duration idle_timeout, size_t max_sessions,
                           std::function<absl::Time()> clock)
    : idle_timeout_(idle_timeout),
      max_sessions_(max_sessions == 0 ? 1 : max_sessions),
      clock_(std::move(clock)),
      last_sweep_(clock_()) {}

Session SessionStore::Create(SessionUser user) {
  Session session;
  session.id = RandomToken(32);
  session.csrf_token = RandomToken(32);
  session.user = std::move(user);
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_();
  session.created = now;
  session.last_used = now;
  SweepLocked(now);
  while (sessions_.size() >= max_sessions_) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[session.id] = session;
  return session;
}

absl::optional<Session> SessionStore::Touch(const std::string& id) {
  if (id.empty()) return absl::nullopt;
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_();
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return absl::nullopt;
  if (now - it->second.last_used > idle_timeout_) {
    sessions_.erase(it);
    return absl::nullopt;
  }
  it->second.last_used = now;
  return it->second;
}

void SessionStore::Remove(const std::string& id) {
  absl::MutexLock lock(&mu_);
  sessions_.erase(id);
}

size_t SessionStore::size() {
  absl::MutexLock lock(&mu_);
  last_sweep_ = absl::InfinitePast();
  SweepLocked(clock_());
  return sessions_.size();
}

void SessionStore::SweepLocked(absl::Time now) {
  // At most once a minute, drop every expired session.
  if (now - last_sweep_ < absl::Minutes(1)) return;
  last_sweep_ = now;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now - it->second.last_used > idle_timeout_) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace datarun::gateway
