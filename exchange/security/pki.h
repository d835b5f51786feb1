// Certificate math for datarun's PKI (no files): EC P-256 keys, X.509 v3
// certificates for the CA and for members, X.509 v2 CRLs, serial numbers.
//
// Serial numbers are exchanged as hex strings in one canonical form
// everywhere (CRLs, revoked.txt, logs, errors): uppercase, no leading zeros,
// no separators, "0" for zero. NormalizeSerialHex produces it.
//
// All functions are thread-safe.
#ifndef DATARUN_EXCHANGE_SECURITY_PKI_H_
#define DATARUN_EXCHANGE_SECURITY_PKI_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace datarun {
namespace security {

// A private key (unencrypted PKCS#8 PEM) and its certificate (PEM).
struct KeyAndCert {
  std::string key_pem;
  std::string cert_pem;
};

// Creates a self-signed CA: a fresh P-256 key, subject CN=`common_name`,
// basicConstraints critical CA:TRUE pathlen:0, keyUsage critical
// keyCertSign+cRLSign, SKI/AKI, random 128-bit serial, SHA-256 signature.
// INVALID_ARGUMENT for an empty name or not_before >= not_after; INTERNAL
// when OpenSSL fails.
absl::StatusOr<KeyAndCert> CreateCertificateAuthority(
    absl::string_view common_name, absl::Time not_before, absl::Time not_after);

// What a member certificate says.
struct CertificateSpec {
  std::string common_name;
  // URI SAN, e.g. "spiffe://datarun.local/dept/tax"; may be empty (then the
  // certificate has no URI SAN; only tests want that).
  std::string spiffe_id;
  std::vector<std::string> dns_names;
  // Printed IPv4 or IPv6 addresses, e.g. "127.0.0.1".
  std::vector<std::string> ip_addresses;
  absl::Time not_before;
  absl::Time not_after;
};

// Issues a leaf certificate signed by `ca` for a fresh P-256 key:
// basicConstraints critical CA:FALSE, keyUsage critical digitalSignature+
// keyEncipherment, extendedKeyUsage serverAuth+clientAuth, the SANs of
// `spec`, random 128-bit serial, SKI/AKI, SHA-256 signature.
// INVALID_ARGUMENT names the bad input: unparsable CA PEM, CA key not
// matching the CA certificate, empty common name, a spiffe_id that is not a
// SPIFFE id, a bad DNS name or IP address, not_before >= not_after.
absl::StatusOr<KeyAndCert> IssueCertificate(const KeyAndCert& ca,
                                            const CertificateSpec& spec);

// Creates an X.509 v2 CRL signed by `ca` listing `revoked_serials_hex`
// (any form NormalizeSerialHex accepts; duplicates dropped), each revoked at
// `this_update`, with AKI and a CRL number (this_update in Unix seconds).
// Returns the PEM. INVALID_ARGUMENT for a bad serial (named), a bad CA or
// this_update >= next_update.
absl::StatusOr<std::string> CreateCrl(
    const KeyAndCert& ca, const std::vector<std::string>& revoked_serials_hex,
    absl::Time this_update, absl::Time next_update);

// Returns the canonical hex serial of the first certificate in `cert_pem`.
// INVALID_ARGUMENT "certificate: not a PEM certificate" when unparsable.
absl::StatusOr<std::string> CertificateSerialHex(absl::string_view cert_pem);

// Returns the canonical form of a hex serial given as e.g. "0a:1b:FF",
// "0x0A1BFF" or "a1bff" -> "A1BFF". INVALID_ARGUMENT "serial '<s>' is not
// hexadecimal" for anything else (including empty).
absl::StatusOr<std::string> NormalizeSerialHex(absl::string_view serial);

// What a certificate says, for listings, checks and tests.
struct CertificateInfo {
  std::string common_name;
  std::string issuer_common_name;
  std::string serial_hex;
  std::vector<std::string> uris;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  absl::Time not_before;
  absl::Time not_after;
  bool is_ca = false;
};

// Describes the first certificate in `cert_pem`. INVALID_ARGUMENT when
// unparsable.
absl::StatusOr<CertificateInfo> InspectCertificate(absl::string_view cert_pem);

// Verifies the first certificate of `cert_pem` (later ones are untrusted
// intermediates) against the CA certificates in `ca_bundle_pem` with
// OpenSSL's chain verification. Validity periods are checked at
// absl::Now() only when `check_time`.
// INVALID_ARGUMENT for unparsable input; FAILED_PRECONDITION
// "<OpenSSL verify reason>" (e.g. "certificate has expired", "unable to
// get local issuer certificate") when the chain does not verify.
absl::Status VerifyCertificate(absl::string_view cert_pem,
                               absl::string_view ca_bundle_pem,
                               bool check_time);

// OK when `key_pem` is the private key of the first certificate of
// `cert_pem`; INVALID_ARGUMENT otherwise (or when either is unparsable).
absl::Status CheckKeyMatchesCertificate(absl::string_view key_pem,
                                        absl::string_view cert_pem);

}  // namespace security
}  // namespace datarun

#endif  // DATARUN_EXCHANGE_SECURITY_PKI_H_
