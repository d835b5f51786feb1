// Signed-in sessions: random 256-bit ids (the dr_session cookie) mapped to
// who signed in and their CSRF token, ending after an idle period.
//
// Thread-safe (one mutex; every operation is O(log n) apart from the
// occasional sweep of expired sessions).
#ifndef DATARUN_GATEWAY_SESSION_STORE_H_
#define DATARUN_GATEWAY_SESSION_STORE_H_

#include <functional>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "gateway/roles.h"

namespace datarun::gateway {

// Who a session belongs to.
struct SessionUser {
  // Account username; for a citizen the masked identity number.
  std::string username;
  std::string display_name;
  Role role = Role::kClerk;
  std::string department;
  // A citizen's normalized identity number (never logged or sent back);
  // empty for officials.
  std::string subject;
};

struct Session {
  // 43 characters of base64url (32 random bytes).
  std::string id;
  // 43 characters of base64url (32 random bytes), echoed by the client in
  // X-Datarun-CSRF.
  std::string csrf_token;
  SessionUser user;
  absl::Time created;
  absl::Time last_used;
};

class SessionStore {
 public:
  // Sessions end `idle_timeout` after their last use. At most
  // `max_sessions` live at once: creating one more ends the least recently
  // used. `clock` (default absl::Now) lets tests move time.
  explicit SessionStore(absl::Duration idle_timeout,
                        size_t max_sessions = 100000,
                        std::function<absl::Time()> clock = absl::Now);

  // Starts a session for `user`; returns it (fresh id and CSRF token).
  Session Create(SessionUser user);

  // Returns the session `id` and marks it used now; nullopt when unknown or
  // idle for longer than the timeout (then it is removed).
  absl::optional<Session> Touch(const std::string& id);

  // Ends the session `id` (no-op when unknown).
  void Remove(const std::string& id);

  // Number of live (not expired) sessions.
  size_t size();

 private:
  void SweepLocked(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration idle_timeout_;
  const size_t max_sessions_;
  const std::function<absl::Time()> clock_;
  absl::Mutex mu_;
  std::map<std::string, Session> sessions_ ABSL_GUARDED_BY(mu_);
  absl::Time last_sweep_ ABSL_GUARDED_BY(mu_);
};

// True when `a` equals `b`, in time independent of where they differ
// (for CSRF tokens and codes).
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_SESSION_STORE_H_
