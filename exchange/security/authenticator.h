// Who is calling: turns the TLS peer of a gRPC call into a datarun identity.
//
// The identity is the SPIFFE id in the URI SAN of the peer's certificate:
//   spiffe://<trust-domain>/exchange        the exchange
//   spiffe://<trust-domain>/dept/<id>       department <id>
// never anything the request says. The handshake (tls_credentials.h) has
// already verified the certificate chain; Authenticate additionally checks
// the trust domain, the path, membership and revocation.
//
// Revocation: the CRL (optional) is loaded and its signature verified
// against the CA at Create. Afterwards the file is re-read at most once per
// Options::crl_check_interval and, when its content changed, parsed and
// verified again, so a newly revoked certificate is rejected on the next
// call without a restart. A broken or unsigned new CRL, or a missing file,
// keeps the previous list and logs a warning ("crl_reload_failed") once per
// change.
//
// Thread-safe: Authenticate may be called concurrently from any thread.
#ifndef DATARUN_EXCHANGE_SECURITY_AUTHENTICATOR_H_
#define DATARUN_EXCHANGE_SECURITY_AUTHENTICATOR_H_

#include <grpcpp/security/auth_context.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "exchange/security/openssl_types.h"
#include "exchange/security/revocation_list.h"

namespace datarun {
namespace security {

// An authenticated caller.
struct PeerIdentity {
  // e.g. "spiffe://datarun.local/dept/tax".
  std::string spiffe_id;
  // True for spiffe://<td>/exchange (then `department` is empty).
  bool is_exchange = false;
  // Department id, e.g. "tax"; empty for the exchange.
  std::string department;
  // Serial of the peer certificate, canonical hex (see pki.h).
  std::string serial_hex;
};

class Authenticator {
 public:
  struct Options {
    // Trust domain every identity must belong to, e.g. "datarun.local".
    std::string trust_domain;
    // PEM file of the CA certificate(s) that issue member certificates.
    std::string ca_cert_path;
    // PEM CRL issued by that CA; empty disables revocation checks.
    std::string crl_path;
    // Departments that are members of the exchange. Any other department is
    // refused; an empty list refuses every department (an adapter that only
    // serves the exchange). The exchange identity is always accepted.
    std::vector<std::string> known_departments;
    // How often at most the CRL file is checked for changes. Zero checks on
    // every call (tests).
    absl::Duration crl_check_interval = absl::Seconds(1);
  };

  // Loads the CA and the CRL. Errors:
  //   INVALID_ARGUMENT  bad trust domain or department id (named); the CA
  //                     or CRL file does not parse; the CRL is not issued
  //                     or not signed by the CA ("CRL <path> ...").
  //   NOT_FOUND / PERMISSION_DENIED  a file cannot be read (path named).
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(
      const Options& options);

  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  // Returns the caller's identity from the call's auth context
  // (context->auth_context() on the server). The SPIFFE id comes from the
  // `peer_spiffe_id` property, else from the spiffe:// URI entries of
  // `x509_subject_alternative_name`; the serial from `x509_pem_cert`.
  // Every refusal is UNAUTHENTICATED with a message for people, e.g.
  //   "no client certificate: call over mutual TLS with a department
  //    certificate"
  //   "client certificate (serial 5A..) has no SPIFFE id ..."
  //   "certificate trust domain 'evil.org' is not 'datarun.local'"
  //   "certificate SPIFFE id 'spiffe://datarun.local/x' has a malformed
  //    path '/x': expected /exchange or /dept/<department>"
  //   "department 'foo' is not a member of the exchange"
  //   "certificate serial 5A.. of department 'tax' is revoked by CRL <path>"
  absl::StatusOr<PeerIdentity> Authenticate(
      const grpc::AuthContext& context) const;

  // The member department calling `service` (named in messages) over a
  // server call whose auth context is `auth` (may be null): Authenticate's
  // errors, UNAUTHENTICATED when there is no auth context, and
  // PERMISSION_DENIED when the caller is the exchange itself rather than a
  // department. Thread-safe.
  absl::StatusOr<std::string> CallingDepartment(
      const std::shared_ptr<const grpc::AuthContext>& auth,
      absl::string_view service) const;

 private:
  explicit Authenticator(const Options& options) : options_(options) {}

  // Parses and verifies `pem`, the content of the CRL file.
  absl::StatusOr<std::unique_ptr<RevocationList>> ParseCrl(
      const std::string& pem) const;
  // True when `serial_hex` is in the current CRL; reloads it first when due.
  bool IsRevoked(const std::string& serial_hex) const;
  // OK when `cert` was signed by one of the CA certificates.
  bool IssuedByCa(X509* cert) const;
  // The serial of the client certificate `pem` after checking that the CA
  // issued it; remembered per certificate so that repeated calls on a
  // connection do not parse and verify it again. Refusal status otherwise.
  absl::StatusOr<std::string> CheckedSerial(absl::string_view pem) const;

  const Options options_;
  std::string ca_pem_;
  X509StackPtr ca_certs_;
  absl::flat_hash_set<std::string> members_;

  mutable absl::Mutex mu_;
  mutable std::unique_ptr<RevocationList> crl_ ABSL_GUARDED_BY(mu_);
  // Content of the CRL file when last read ("" when unreadable).
  mutable std::string crl_pem_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time next_crl_check_ ABSL_GUARDED_BY(mu_);

  // Certificates (PEM) already verified as issued by the CA -> serial.
  // Bounded: cleared when it reaches kMaxVerifiedCertificates.
  static constexpr size_t kMaxVerifiedCertificates = 4096;
  mutable absl::Mutex verified_mu_;
  mutable absl::flat_hash_map<std::string, std::string> verified_
      ABSL_GUARDED_BY(verified_mu_);
};

}  // namespace security
}  // namespace datarun

#endif  // DATARUN_EXCHANGE_SECURITY_AUTHENTICATOR_H_
