// One-time sign-in codes for citizens (demo stand-in for an SMS or an
// e-ID app): 6 digits from the CSPRNG, valid for 5 minutes, burned after 5
// wrong tries. Keyed by the normalized identity number; at most one live
// code per subject (issuing again replaces it).
//
// Thread-safe.
#ifndef DATARUN_GATEWAY_CITIZEN_CODES_H_
#define DATARUN_GATEWAY_CITIZEN_CODES_H_

#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace datarun::gateway {

class CitizenCodes {
 public:
  struct Options {
    absl::Duration lifetime = absl::Minutes(5);
    int max_tries = 5;
    // Most live codes at once; issuing more drops expired ones first, then
    // refuses (RESOURCE_EXHAUSTED).
    size_t max_codes = 100000;
    // At most this many codes per subject within `issue_window` (against
    // guessing by asking for code after code).
    int max_issues = 5;
    absl::Duration issue_window = absl::Minutes(15);
    std::function<absl::Time()> clock = absl::Now;
  };

  explicit CitizenCodes(Options options);
  CitizenCodes() : CitizenCodes(Options()) {}

  // Issues a fresh code for `subject` (already validated and normalized)
  // and returns it ("042917"). RESOURCE_EXHAUSTED when too many codes are
  // live, or when the subject asked for max_issues codes within the
  // issue window.
  absl::StatusOr<std::string> Issue(const std::string& subject);

  // OK when `code` is the live code of `subject`; the code is then used up.
  // UNAUTHENTICATED "wrong or expired code" otherwise (the same message
  // for no code, an expired code, a wrong code and a burned code); the
  // max_tries-th wrong try burns the code.
  absl::Status Redeem(const std::string& subject, absl::string_view code);

  absl::Duration lifetime() const { return options_.lifetime; }

 private:
  struct Pending {
    std::string code;
    absl::Time expires;
    int wrong_tries = 0;
  };

  struct Issues {
    absl::Time window_start;
    int count = 0;
  };

  const Options options_;
  absl::Mutex mu_;
  std::map<std::string, Pending> codes_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Issues> issues_ ABSL_GUARDED_BY(mu_);
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_CITIZEN_CODES_H_
