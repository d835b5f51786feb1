// PEM parsing/serialisation, serial numbers, times and subject alternative
// names of X.509 objects. Internal to exchange/security (exposes OpenSSL
// types); other code uses pki.h.
//
// All functions are thread-safe (they touch only their arguments and this
// thread's OpenSSL error queue, which they leave empty).
#ifndef DATARUN_EXCHANGE_SECURITY_X509_UTIL_H_
#define DATARUN_EXCHANGE_SECURITY_X509_UTIL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "exchange/security/openssl_types.h"

namespace datarun {
namespace security {

// Parses the first certificate of `pem`. INVALID_ARGUMENT
// "<what>: not a PEM certificate" when there is none. `what` names the
// source in errors, e.g. "tls.cert /etc/datarun/tax.pem".
absl::StatusOr<X509Ptr> ParseCertificatePem(absl::string_view pem,
                                            absl::string_view what);

// Parses every certificate of `pem` (at least one, else INVALID_ARGUMENT as
// above). Used for CA bundles and certificate chains.
absl::StatusOr<X509StackPtr> ParseCertificateChainPem(absl::string_view pem,
                                                      absl::string_view what);

// Parses an unencrypted PEM private key. INVALID_ARGUMENT
// "<what>: not a PEM private key" (encrypted keys are refused, never
// prompted for).
absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(absl::string_view pem,
                                              absl::string_view what);

// Parses a PEM X.509 CRL. INVALID_ARGUMENT "<what>: not a PEM CRL".
absl::StatusOr<X509CrlPtr> ParseCrlPem(absl::string_view pem,
                                       absl::string_view what);

// PEM encodings. INTERNAL only when OpenSSL fails (out of memory).
absl::StatusOr<std::string> CertificateToPem(X509* cert);
absl::StatusOr<std::string> PrivateKeyToPem(EVP_PKEY* key);
absl::StatusOr<std::string> CrlToPem(X509_CRL* crl);

// Returns the canonical hex form of a serial number (see
// NormalizeSerialHex in pki.h): uppercase, no leading zeros, "0" for zero.
// INTERNAL for a negative or unconvertible number.
absl::StatusOr<std::string> SerialToHex(const ASN1_INTEGER* serial);

// Converts `t` (seconds precision) to an ASN.1 time (UTCTime up to 2049,
// GeneralizedTime after). INTERNAL on OpenSSL failure.
absl::StatusOr<Asn1TimePtr> ToAsn1Time(absl::Time t);

// Converts an ASN.1 time; absl::InfinitePast() when it cannot be read.
absl::Time FromAsn1Time(const ASN1_TIME* t);

// Subject alternative names of `cert` of one kind, in certificate order.
// IP addresses are printed ("127.0.0.1", "::1").
std::vector<std::string> UriNames(X509* cert);
std::vector<std::string> DnsNames(X509* cert);
std::vector<std::string> IpAddresses(X509* cert);

// Returns the subject common name, or "" when there is none.
std::string CommonName(X509* cert);

}  // namespace security
}  // namespace datarun

#endif  // DATARUN_EXCHANGE_SECURITY_X509_UTIL_H_
