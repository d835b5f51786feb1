// gRPC mutual-TLS credentials from a process's PEM files (v1::TlsFiles).
//
// Every datarun connection is mutual TLS against the one datarun CA: the
// server requires a client certificate and verifies it against ca_cert; the
// client verifies the server's certificate against ca_cert and checks its
// DNS SAN against the target name (set it with ChannelArgsForServerName).
// Who the peer is (SPIFFE id, department, revocation) is decided after the
// handshake by the Authenticator (authenticator.h).
//
// The PEM files are read once, when the credentials are made; restart (or
// make new credentials) to rotate certificates. The CRL (files.crl) is not
// used here; the Authenticator enforces it and reloads it when it changes.
// (gRPC 1.51's own TlsCredentialsOptions::set_crl_directory was tried and
// left off: it wants a directory of "<issuer-hash>.r<n>" files, and OpenSSL
// caches the CRLs it loaded from there, so a rewritten CRL is not seen by
// later handshakes: a certificate revoked at runtime was still accepted.)
//
// Functions are thread-safe.
#ifndef DATARUN_EXCHANGE_SECURITY_TLS_CREDENTIALS_H_
#define DATARUN_EXCHANGE_SECURITY_TLS_CREDENTIALS_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/config.pb.h"

namespace datarun {
namespace security {

// How much the files are checked before credentials are made.
enum class CredentialChecks {
  // ca_cert, cert and key must be set, readable and parse; the key must
  // match the certificate; the certificate must chain to ca_cert and be
  // valid now. What every process uses.
  kStrict,
  // Only set, readable, parsable and key matching the certificate. For tests
  // that present deliberately expired or foreign identities to prove the
  // peer rejects them.
  kParseOnly,
};

// Returns server credentials that require and verify a client certificate
// against files.ca_cert and present files.cert/files.key.
// Errors (INVALID_ARGUMENT unless the file cannot be read, then the
// ReadFile code: NOT_FOUND / PERMISSION_DENIED), each naming the field and
// path, e.g. "tls.cert /etc/datarun/tax.pem: not a PEM certificate",
// "tls.key /k.pem does not match tls.cert /c.pem",
// "tls.cert /c.pem is not issued by tls.ca_cert /ca.pem: ...",
// "tls.cert /c.pem is not valid now: certificate has expired (...)".
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const v1::TlsFiles& files,
    CredentialChecks checks = CredentialChecks::kStrict);

// Returns channel credentials that present files.cert/files.key and verify
// the server against files.ca_cert, including the server name (DNS SAN) of
// the target or of ChannelArgsForServerName. Errors as above.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const v1::TlsFiles& files,
                       CredentialChecks checks = CredentialChecks::kStrict);

// Returns channel arguments whose GRPC_SSL_TARGET_NAME_OVERRIDE_ARG is
// `server_name`, so the client verifies that the server's certificate names
// it (e.g. ExchangeServerName(td) or DepartmentServerName(td, "tax")) even
// when dialling 127.0.0.1:port.
grpc::ChannelArguments ChannelArgsForServerName(absl::string_view server_name);

}  // namespace security
}  // namespace datarun

#endif  // DATARUN_EXCHANGE_SECURITY_TLS_CREDENTIALS_H_
