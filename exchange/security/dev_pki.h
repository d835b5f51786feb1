// A directory of development PKI files for the local stack and tests.
//
// Layout of <dir> (keys mode 0600, everything written atomically):
//   ca.pem ca.key               the dev CA (10 years, ECDSA P-256)
//   exchange.pem exchange.key   spiffe://<td>/exchange,
//                               DNS exchange.<td> + localhost, IP 127.0.0.1
//   dept-<id>.pem dept-<id>.key spiffe://<td>/dept/<id>,
//                               DNS <id>.dept.<td> + localhost, IP 127.0.0.1
//   revoked.txt                 revoked serials (canonical hex), one a line;
//                               '#' starts a comment. The source of crl.pem.
//   crl.pem                     X.509 v2 CRL of the dev CA
//   gateway-web.pem .key        the gateway's HTTPS certificate for
//                               browsers: DNS localhost, IP 127.0.0.1, no
//                               SPIFFE id (EnsureWebServerCertificate)
// Leaf certificates are valid for 1 year, back-dated 1 hour for clock skew.
//
// Nothing here is for production: the CA key sits next to the certificates.
// Functions are not safe to run concurrently on the same directory (last
// writer wins); different directories are independent.
#ifndef DATARUN_EXCHANGE_SECURITY_DEV_PKI_H_
#define DATARUN_EXCHANGE_SECURITY_DEV_PKI_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/config.pb.h"
#include "exchange/security/names.h"
#include "exchange/security/pki.h"

namespace datarun {
namespace security {
namespace dev_pki {

// The TLS server names, re-exported here for callers of the dev PKI:
// ExchangeServerName(td) == "exchange.<td>",
// DepartmentServerName(td, dept) == "<dept>.dept.<td>".
using ::datarun::security::DepartmentServerName;
using ::datarun::security::ExchangeServerName;

// TlsFiles of the exchange in `dir`: ca.pem, exchange.pem, exchange.key,
// crl.pem. Paths are `dir` joined with the file name.
v1::TlsFiles ExchangeTlsFiles(absl::string_view dir);
// TlsFiles of department `department` in `dir`: ca.pem, dept-<id>.pem,
// dept-<id>.key, crl.pem.
v1::TlsFiles DepartmentTlsFiles(absl::string_view dir,
                                absl::string_view department);

// What Init did: one human-readable line per file, e.g.
// "created dept-tax.pem (missing)" or "kept ca.pem".
struct InitReport {
  std::vector<std::string> lines;
};

// Creates or completes a dev PKI in `dir` (created if missing). Idempotent:
// an existing CA is kept; exchange and department certificates are issued
// when missing, unreadable, not matching their key, not verifying against
// the CA, expired or naming another SPIFFE id; revoked.txt is created empty
// when missing; crl.pem is (re)written when missing, not verifiable by the
// CA or past its next update.
// Errors: INVALID_ARGUMENT for a bad trust domain or department id (named);
// FAILED_PRECONDITION when only one of ca.pem/ca.key exists, the CA key
// does not match, or `dir` already holds a PKI of another trust domain;
// file errors name the path.
absl::StatusOr<InitReport> Init(absl::string_view dir,
                                absl::string_view trust_domain,
                                const std::vector<std::string>& departments);

// (Re-)issues dept-<department>.pem/.key with a fresh key and serial; the
// old certificate stays valid until revoked. Returns the new serial.
// FAILED_PRECONDITION when `dir` has no CA (run Init first);
// INVALID_ARGUMENT for a bad trust domain or department id.
absl::StatusOr<std::string> Issue(absl::string_view dir,
                                  absl::string_view trust_domain,
                                  absl::string_view department);

// Same for exchange.pem/.key.
absl::StatusOr<std::string> IssueExchange(absl::string_view dir,
                                          absl::string_view trust_domain);

// Revokes the current certificate of `department`: adds the serial of
// dept-<department>.pem to revoked.txt (once) and rewrites crl.pem.
// Returns the revoked serial. NOT_FOUND when the certificate file is
// missing; FAILED_PRECONDITION without a CA; INVALID_ARGUMENT for a bad id
// or a malformed revoked.txt line ("<path>:<line>: ...").
absl::StatusOr<std::string> Revoke(absl::string_view dir,
                                   absl::string_view department);

// Returns the trust domain of the PKI in `dir`, read from the SPIFFE id of
// exchange.pem. NOT_FOUND / FAILED_PRECONDITION name the file.
absl::StatusOr<std::string> TrustDomain(absl::string_view dir);

// One certificate file of the directory, for listings.
struct ListedCertificate {
  // File name inside the directory, e.g. "dept-tax.pem".
  std::string file;
  CertificateInfo info;
  // The SPIFFE id (first URI SAN), or "" when there is none.
  std::string spiffe_id;
  // Listed in crl.pem.
  bool revoked = false;
};

// Lists every certificate file of `dir` (*.pem except crl.pem): ca.pem,
// exchange.pem, dept-*.pem, then other files, each group by name. Files
// that do not parse as certificates are skipped. Revocation comes from
// crl.pem (verified against ca.pem; none revoked when it is missing).
// Errors: NOT_FOUND when `dir` cannot be listed; INVALID_ARGUMENT when
// crl.pem exists but does not verify.
absl::StatusOr<std::vector<ListedCertificate>> List(absl::string_view dir);

// Returns the dev CA of `dir` (ca.pem + ca.key). FAILED_PRECONDITION when
// it is missing (the message says to run `datarunctl pki init`) or the key
// does not match the certificate.
absl::StatusOr<KeyAndCert> LoadCa(absl::string_view dir);

// The spec Init and Issue use for department `department` (see the layout
// above), valid from `now` - 1h to `now` + 1 year. Tests tweak it.
CertificateSpec DepartmentCertificateSpec(absl::string_view trust_domain,
                                          absl::string_view department,
                                          absl::Time now);

// Makes sure <dir>/<base>.pem/.key hold a browser-facing TLS server
// certificate from the dev CA: common name "localhost", DNS SAN localhost,
// IP SAN 127.0.0.1, no SPIFFE id, valid for 1 year. Keeps a usable one (key
// matches, verifies against ca.pem, names localhost and 127.0.0.1, at
// least 30 days left); issues a new one otherwise. Returns a report line
// ("kept gateway-web.pem" or "created gateway-web.pem (<why>)").
// FAILED_PRECONDITION when `dir` has no CA (run Init first).
absl::StatusOr<std::string> EnsureWebServerCertificate(
    absl::string_view dir, absl::string_view base = "gateway-web");

// Writes <dir>/<base>.key (mode 0600) then <dir>/<base>.pem.
absl::Status WriteKeyAndCert(absl::string_view dir, absl::string_view base,
                             const KeyAndCert& pair);

// Test helpers that make identities the exchange must reject are in
// dev_pki_testing.h.

}  // namespace dev_pki
}  // namespace security
}  // namespace datarun

#endif  // DATARUN_EXCHANGE_SECURITY_DEV_PKI_H_
