#include "exchange/security/tls_credentials.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "exchange/security/pki.h"

namespace datarun {
namespace security {
namespace {

struct TlsMaterial {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
};

absl::StatusOr<std::string> ReadField(absl::string_view field,
                                      const std::string& path) {
  if (path.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": not set"));
  }
  auto content = ReadFile(path);
  if (!content.ok()) {
    return absl::Status(content.status().code(),
                        absl::StrCat(field, ": ", content.status().message()));
  }
  return content;
}

absl::StatusOr<TlsMaterial> LoadMaterial(const v1::TlsFiles& files,
                                         CredentialChecks checks) {
  TlsMaterial m;
  ASSIGN_OR_RETURN(m.ca_pem, ReadField("tls.ca_cert", files.ca_cert()));
  ASSIGN_OR_RETURN(m.cert_pem, ReadField("tls.cert", files.cert()));
  ASSIGN_OR_RETURN(m.key_pem, ReadField("tls.key", files.key()));

  auto ca_info = InspectCertificate(m.ca_pem);
  if (!ca_info.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.ca_cert ", files.ca_cert(), ": not a PEM certificate"));
  }
  auto info = InspectCertificate(m.cert_pem);
  if (!info.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tls.cert ", files.cert(), ": not a PEM certificate"));
  }
  absl::Status key = CheckKeyMatchesCertificate(m.key_pem, m.cert_pem);
  if (!key.ok()) {
    if (absl::StrContains(key.message(), "does not match")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tls.key ", files.key(), " does not match tls.cert ", files.cert()));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.key ", files.key(),
        ": not a PEM private key (encrypted keys are not supported)"));
  }
  if (checks == CredentialChecks::kParseOnly) return m;

  absl::Status chain = VerifyCertificate(m.cert_pem, m.ca_pem, false);
  if (!chain.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.cert ", files.cert(), " is not issued by tls.ca_cert ",
        files.ca_cert(), ": ", chain.message()));
  }
  absl::Status now = VerifyCertificate(m.cert_pem, m.ca_pem, true);
  if (!now.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tls.cert ", files.cert(), " is not valid now: ", now.message(),
        " (valid from ", absl::FormatTime(info->not_before), " to ",
        absl::FormatTime(info->not_after), ")"));
  }
  return m;
}

std::shared_ptr<grpc::experimental::CertificateProviderInterface> Provider(
    const TlsMaterial& m) {
  std::vector<grpc::experimental::IdentityKeyCertPair> identity(1);
  identity[0].private_key = m.key_pem;
  identity[0].certificate_chain = m.cert_pem;
  return std::make_shared<grpc::experimental::StaticDataCertificateProvider>(
      m.ca_pem, identity);
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const v1::TlsFiles& files, CredentialChecks checks) {
  ASSIGN_OR_RETURN(TlsMaterial m, LoadMaterial(files, checks));
  grpc::experimental::TlsServerCredentialsOptions options(Provider(m));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  std::shared_ptr<grpc::ServerCredentials> creds =
      grpc::experimental::TlsServerCredentials(options);
  if (creds == nullptr) {
    return absl::InternalError("gRPC refused the TLS server credentials");
  }
  return creds;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>>
MakeChannelCredentials(const v1::TlsFiles& files, CredentialChecks checks) {
  ASSIGN_OR_RETURN(TlsMaterial m, LoadMaterial(files, checks));
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(Provider(m));
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  std::shared_ptr<grpc::ChannelCredentials> creds =
      grpc::experimental::TlsCredentials(options);
  if (creds == nullptr) {
    return absl::InternalError("gRPC refused the TLS channel credentials");
  }
  return creds;
}

grpc::ChannelArguments ChannelArgsForServerName(absl::string_view server_name) {
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride(std::string(server_name));
  return args;
}

}  // namespace security
}  // namespace datarun
