// A certificate revocation list whose signature has been checked against the
// CA: the set of revoked serial numbers (canonical hex, see pki.h).
//
// Immutable after Parse; thread-safe.
#ifndef DATARUN_EXCHANGE_SECURITY_REVOCATION_LIST_H_
#define DATARUN_EXCHANGE_SECURITY_REVOCATION_LIST_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace datarun {
namespace security {

class RevocationList {
 public:
  // Parses the PEM CRL `crl_pem` and checks that its issuer is one of the
  // CA certificates in `ca_bundle_pem` and that this CA's key signed it.
  // `crl_what` and `ca_what` name the sources in errors, e.g.
  // "CRL /etc/datarun/crl.pem" and "CA /etc/datarun/ca.pem".
  // Errors (all INVALID_ARGUMENT):
  //   "<crl_what>: not a PEM CRL" / "<ca_what>: not a PEM certificate";
  //   "<crl_what> is not issued by <ca_what> (issuer ...)";
  //   "<crl_what> has a bad signature: it was not signed by <ca_what>".
  static absl::StatusOr<std::unique_ptr<RevocationList>> Parse(
      absl::string_view crl_pem, absl::string_view crl_what,
      absl::string_view ca_bundle_pem, absl::string_view ca_what);

  RevocationList(const RevocationList&) = delete;
  RevocationList& operator=(const RevocationList&) = delete;

  // True when `serial_hex` (canonical form) is listed.
  bool IsRevoked(absl::string_view serial_hex) const {
    return serials_.contains(serial_hex);
  }
  // Every listed serial, canonical hex.
  const absl::flat_hash_set<std::string>& serials() const { return serials_; }
  // The CRL's thisUpdate and nextUpdate (InfiniteFuture when absent).
  absl::Time this_update() const { return this_update_; }
  absl::Time next_update() const { return next_update_; }

 private:
  RevocationList() = default;

  absl::flat_hash_set<std::string> serials_;
  absl::Time this_update_;
  absl::Time next_update_;
};

}  // namespace security
}  // namespace datarun

#endif  // DATARUN_EXCHANGE_SECURITY_REVOCATION_LIST_H_
