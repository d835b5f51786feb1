#include "gateway/citizen_codes.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/secure_random.h"
#include "gateway/session_store.h"

namespace datarun::gateway {
namespace {
constexpr char kWrongCode[] = "wrong or expired code";
}  // namespace

CitizenCodes::CitizenCodes(Options options) : options_(std::move(options)) {}

absl::StatusOr<std::string> CitizenCodes::Issue(const std::string& subject) {
  std::string code = absl::StrFormat("%06u", RandomBelow(1000000));
  absl::MutexLock lock(&mu_);
  const absl::Time now = options_.clock();
  if (codes_.size() >= options_.max_codes ||
      issues_.size() >= options_.max_codes) {
    for (auto it = codes_.begin(); it != codes_.end();) {
      it = it->second.expires <= now ? codes_.erase(it) : std::next(it);
    }
    for (auto it = issues_.begin(); it != issues_.end();) {
      it = now - it->second.window_start >= options_.issue_window
               ? issues_.erase(it)
               : std::next(it);
    }
  }
  Issues& issues = issues_[subject];
  if (issues.count == 0 ||
      now - issues.window_start >= options_.issue_window) {
    issues.window_start = now;
    issues.count = 0;
  }
  if (issues.count >= options_.max_issues) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many sign-in codes asked for this identity number; try again "
        "after ",
        absl::FormatDuration(options_.issue_window -
                             (now - issues.window_start))));
  }
  if (codes_.size() >= options_.max_codes && codes_.count(subject) == 0) {
    return absl::ResourceExhaustedError(
        "too many sign-in codes are pending; try again in a few minutes");
  }
  ++issues.count;
  codes_[subject] = Pending{code, now + options_.lifetime, 0};
  return code;
}

absl::Status CitizenCodes::Redeem(const std::string& subject,
                                  absl::string_view code) {
  absl::MutexLock lock(&mu_);
  auto it = codes_.find(subject);
  if (it == codes_.end()) return absl::UnauthenticatedError(kWrongCode);
  if (options_.clock() >= it->second.expires) {
    codes_.erase(it);
    return absl::UnauthenticatedError(kWrongCode);
  }
  if (ConstantTimeEquals(code, it->second.code)) {
    codes_.erase(it);
    return absl::OkStatus();
  }
  if (++it->second.wrong_tries >= options_.max_tries) codes_.erase(it);
  return absl::UnauthenticatedError(kWrongCode);
}

}  // namespace datarun::gateway
