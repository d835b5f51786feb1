// Test helpers for the dev PKI (dev_pki.h): identities the exchange and the
// adapters must reject. Only tests link them in spirit; nothing stops a
// tool from using them, and nothing here touches the real identities.
//
// Each helper writes <dir>/<name>.pem and <dir>/<name>.key next to an
// existing dev PKI (FAILED_PRECONDITION without one; INVALID_ARGUMENT for a
// bad name, trust domain or department) and returns TlsFiles with those,
// the dev CA as ca_cert and crl.pem as crl, so a client using them still
// trusts the real servers. Credentials built from them need
// CredentialChecks::kParseOnly (tls_credentials.h): the normal checks refuse
// such identities before any handshake.
//
// Not safe to run concurrently on the same directory.
#ifndef DATARUN_EXCHANGE_SECURITY_DEV_PKI_TESTING_H_
#define DATARUN_EXCHANGE_SECURITY_DEV_PKI_TESTING_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/config.pb.h"
#include "exchange/security/pki.h"

namespace datarun {
namespace security {
namespace dev_pki {

// A certificate signed by the dev CA for an arbitrary spec, e.g. an unknown
// department or a foreign trust domain. `name` is a file base name
// ([a-z0-9._-], no '/').
absl::StatusOr<v1::TlsFiles> IssueTestCertificate(absl::string_view dir,
                                                  absl::string_view name,
                                                  const CertificateSpec& spec);

// A department certificate with the real names that expired a day ago.
absl::StatusOr<v1::TlsFiles> IssueExpired(absl::string_view dir,
                                          absl::string_view trust_domain,
                                          absl::string_view department,
                                          absl::string_view name);

// A department certificate with the usual DNS/IP names but no URI SAN.
absl::StatusOr<v1::TlsFiles> IssueWithoutSpiffe(absl::string_view dir,
                                                absl::string_view trust_domain,
                                                absl::string_view department,
                                                absl::string_view name);

// A department certificate with the real names signed by a second, foreign
// CA that has the same subject name as the dev CA but its own key, so only
// signature checks tell them apart. The foreign CA is written to
// <dir>/<name>-ca.pem/.key (created once, reused afterwards).
absl::StatusOr<v1::TlsFiles> IssueForeign(absl::string_view dir,
                                          absl::string_view trust_domain,
                                          absl::string_view department,
                                          absl::string_view name);

}  // namespace dev_pki
}  // namespace security
}  // namespace datarun

#endif  // DATARUN_EXCHANGE_SECURITY_DEV_PKI_TESTING_H_
