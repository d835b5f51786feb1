#include "exchange/security/authenticator.h"

#include <grpc/grpc_security_constants.h>
#include <openssl/err.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "exchange/security/names.h"
#include "exchange/security/x509_util.h"

namespace datarun {
namespace security {
namespace {

// Name of the SAN property (not exported as a macro by gRPC 1.51).
constexpr char kSanProperty[] = "x509_subject_alternative_name";

std::string ToString(grpc::string_ref s) {
  return std::string(s.data(), s.size());
}

absl::Status Refuse(absl::string_view message) {
  return absl::UnauthenticatedError(message);
}

// The SPIFFE ids the peer's certificate carries, as gRPC reports them.
std::vector<std::string> PeerSpiffeIds(const grpc::AuthContext& context) {
  std::vector<std::string> ids;
  for (const grpc::string_ref& id :
       context.FindPropertyValues(GRPC_PEER_SPIFFE_ID_PROPERTY_NAME)) {
    ids.push_back(ToString(id));
  }
  if (!ids.empty()) return ids;
  for (const grpc::string_ref& san : context.FindPropertyValues(kSanProperty)) {
    std::string value = ToString(san);
    if (absl::StartsWithIgnoreCase(value, "spiffe:")) ids.push_back(value);
  }
  return ids;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(
    const Options& options) {
  RETURN_IF_ERROR(ValidateTrustDomain(options.trust_domain));
  std::unique_ptr<Authenticator> auth(new Authenticator(options));
  for (const std::string& dept : options.known_departments) {
    RETURN_IF_ERROR(ValidateDepartmentId(dept));
    auth->members_.insert(dept);
  }
  if (options.ca_cert_path.empty()) {
    return absl::InvalidArgumentError(
        "authenticator: CA certificate path is not set");
  }
  ASSIGN_OR_RETURN(auth->ca_pem_, ReadFile(options.ca_cert_path));
  ASSIGN_OR_RETURN(
      auth->ca_certs_,
      ParseCertificateChainPem(auth->ca_pem_,
                               absl::StrCat("CA ", options.ca_cert_path)));
  if (!options.crl_path.empty()) {
    absl::MutexLock lock(&auth->mu_);
    ASSIGN_OR_RETURN(auth->crl_pem_, ReadFile(options.crl_path));
    ASSIGN_OR_RETURN(auth->crl_, auth->ParseCrl(auth->crl_pem_));
    auth->next_crl_check_ = absl::Now() + options.crl_check_interval;
  }
  return auth;
}

absl::StatusOr<std::unique_ptr<RevocationList>> Authenticator::ParseCrl(
    const std::string& pem) const {
  ASSIGN_OR_RETURN(std::unique_ptr<RevocationList> crl,
                   RevocationList::Parse(
                       pem, absl::StrCat("CRL ", options_.crl_path), ca_pem_,
                       absl::StrCat("CA ", options_.ca_cert_path)));
  LogLine line("crl_loaded", crl->next_update() < absl::Now()
                                 ? LogLevel::kWarning
                                 : LogLevel::kInfo);
  line.Str("path", options_.crl_path)
      .Int("revoked", static_cast<int64_t>(crl->serials().size()))
      .Str("next_update", absl::FormatTime(crl->next_update()));
  if (crl->next_update() < absl::Now()) {
    line.Str("warning", "the CRL is past its next update; issue a new one");
  }
  return crl;
}

bool Authenticator::IsRevoked(const std::string& serial_hex) const {
  absl::MutexLock lock(&mu_);
  absl::Time now = absl::Now();
  if (now >= next_crl_check_) {
    next_crl_check_ = now + options_.crl_check_interval;
    auto pem = ReadFile(options_.crl_path);
    std::string content = pem.ok() ? *pem : "";
    if (content != crl_pem_) {
      crl_pem_ = std::move(content);
      auto fresh = pem.ok() ? ParseCrl(crl_pem_) : pem.status();
      if (fresh.ok()) {
        crl_ = *std::move(fresh);
      } else {
        LogLine("crl_reload_failed", LogLevel::kWarning)
            .Str("path", options_.crl_path)
            .Str("action", "keeping the previous CRL")
            .Status(fresh.status());
      }
    }
  }
  return crl_ != nullptr && crl_->IsRevoked(serial_hex);
}

bool Authenticator::IssuedByCa(X509* cert) const {
  for (int i = 0; i < sk_X509_num(ca_certs_.get()); ++i) {
    X509* ca = sk_X509_value(ca_certs_.get(), i);
    if (X509_NAME_cmp(X509_get_subject_name(ca), X509_get_issuer_name(cert)) !=
        0) {
      continue;
    }
    int ok = X509_verify(cert, X509_get0_pubkey(ca));
    ERR_clear_error();
    if (ok == 1) return true;
  }
  return false;
}

absl::StatusOr<std::string> Authenticator::CheckedSerial(
    absl::string_view pem) const {
  {
    absl::MutexLock lock(&verified_mu_);
    auto it = verified_.find(pem);
    if (it != verified_.end()) return it->second;
  }
  auto cert = ParseCertificatePem(pem, "client certificate");
  if (!cert.ok()) return Refuse(cert.status().message());
  auto serial = SerialToHex(X509_get0_serialNumber(cert->get()));
  if (!serial.ok()) {
    return Refuse(absl::StrCat("client certificate has an unusable serial: ",
                               serial.status().message()));
  }
  if (!IssuedByCa(cert->get())) {
    return Refuse(absl::StrCat("client certificate (serial ", *serial,
                               ") is not issued by the CA in ",
                               options_.ca_cert_path));
  }
  absl::MutexLock lock(&verified_mu_);
  if (verified_.size() >= kMaxVerifiedCertificates) verified_.clear();
  verified_.emplace(std::string(pem), *serial);
  return *serial;
}

absl::StatusOr<PeerIdentity> Authenticator::Authenticate(
    const grpc::AuthContext& context) const {
  std::vector<grpc::string_ref> pems =
      context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) {
    return Refuse(
        "no client certificate: call over mutual TLS with a department "
        "certificate");
  }
  PeerIdentity peer;
  ASSIGN_OR_RETURN(peer.serial_hex, CheckedSerial(absl::string_view(
                                        pems[0].data(), pems[0].size())));

  std::vector<std::string> ids = PeerSpiffeIds(context);
  if (ids.empty()) {
    return Refuse(
        absl::StrCat("client certificate (serial ", peer.serial_hex,
                     ") has no SPIFFE id: it needs a URI SAN spiffe://",
                     options_.trust_domain, "/dept/<department>"));
  }
  if (ids.size() > 1) {
    return Refuse(absl::StrCat("client certificate (serial ", peer.serial_hex,
                               ") has ", ids.size(),
                               " SPIFFE ids; exactly one is allowed"));
  }
  peer.spiffe_id = ids[0];
  auto id = ParseSpiffeId(peer.spiffe_id);
  if (!id.ok()) {
    return Refuse(absl::StrCat("certificate SPIFFE id is malformed: ",
                               id.status().message()));
  }
  if (id->trust_domain != options_.trust_domain) {
    return Refuse(absl::StrCat("certificate trust domain '", id->trust_domain,
                               "' is not '", options_.trust_domain, "'"));
  }
  constexpr absl::string_view kDeptPrefix = "/dept/";
  if (id->path == "/exchange") {
    peer.is_exchange = true;
  } else if (absl::StartsWith(id->path, kDeptPrefix) &&
             ValidateDepartmentId(
                 absl::string_view(id->path).substr(kDeptPrefix.size()))
                 .ok()) {
    peer.department = id->path.substr(kDeptPrefix.size());
  } else {
    return Refuse(absl::StrCat("certificate SPIFFE id '", peer.spiffe_id,
                               "' has a malformed path '", id->path,
                               "': expected /exchange or /dept/<department>"));
  }

  if (!options_.crl_path.empty() && IsRevoked(peer.serial_hex)) {
    std::string who = peer.is_exchange
                          ? std::string("the exchange")
                          : absl::StrCat("department '", peer.department, "'");
    return Refuse(absl::StrCat("certificate serial ", peer.serial_hex, " of ",
                               who, " is revoked by CRL ", options_.crl_path));
  }
  if (!peer.is_exchange && !members_.contains(peer.department)) {
    return Refuse(absl::StrCat("department '", peer.department,
                               "' is not a member of the exchange"));
  }
  return peer;
}

absl::StatusOr<std::string> Authenticator::CallingDepartment(
    const std::shared_ptr<const grpc::AuthContext>& auth,
    absl::string_view service) const {
  if (auth == nullptr) {
    return absl::UnauthenticatedError(
        "no TLS client certificate was presented");
  }
  ASSIGN_OR_RETURN(PeerIdentity peer, Authenticate(*auth));
  if (peer.is_exchange || peer.department.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("'", peer.spiffe_id,
                     "' is not a member department; only departments may call "
                     "the ",
                     service, " service"));
  }
  return peer.department;
}

}  // namespace security
}  // namespace datarun
