#include "exchange/security/dev_pki_testing.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "exchange/security/dev_pki.h"
#include "exchange/security/names.h"

namespace datarun {
namespace security {
namespace dev_pki {
namespace {

absl::Status ValidateName(absl::string_view name) {
  bool ok = !name.empty() && name != "ca" && name != "exchange" &&
            name.find("..") == absl::string_view::npos;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.')) {
      ok = false;
    }
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("test identity name '", name,
                   "' is invalid: use [a-z0-9._-], not 'ca' or 'exchange'"));
}

std::string Join(absl::string_view dir, absl::string_view file) {
  return absl::StrCat(dir, "/", file);
}

v1::TlsFiles FilesFor(absl::string_view dir, absl::string_view name) {
  v1::TlsFiles files;
  files.set_ca_cert(Join(dir, "ca.pem"));
  files.set_cert(Join(dir, absl::StrCat(name, ".pem")));
  files.set_key(Join(dir, absl::StrCat(name, ".key")));
  files.set_crl(Join(dir, "crl.pem"));
  return files;
}

absl::StatusOr<v1::TlsFiles> IssueSignedBy(absl::string_view dir,
                                           absl::string_view name,
                                           const KeyAndCert& ca,
                                           const CertificateSpec& spec) {
  ASSIGN_OR_RETURN(KeyAndCert pair, IssueCertificate(ca, spec));
  RETURN_IF_ERROR(WriteKeyAndCert(dir, name, pair));
  return FilesFor(dir, name);
}

absl::Status ValidateDepartment(absl::string_view td, absl::string_view dept) {
  RETURN_IF_ERROR(ValidateTrustDomain(td));
  return ValidateDepartmentId(dept);
}

}  // namespace

absl::StatusOr<v1::TlsFiles> IssueTestCertificate(absl::string_view dir,
                                                  absl::string_view name,
                                                  const CertificateSpec& spec) {
  RETURN_IF_ERROR(ValidateName(name));
  ASSIGN_OR_RETURN(KeyAndCert ca, LoadCa(dir));
  return IssueSignedBy(dir, name, ca, spec);
}

absl::StatusOr<v1::TlsFiles> IssueExpired(absl::string_view dir,
                                          absl::string_view trust_domain,
                                          absl::string_view department,
                                          absl::string_view name) {
  RETURN_IF_ERROR(ValidateDepartment(trust_domain, department));
  absl::Time now = absl::Now();
  CertificateSpec spec =
      DepartmentCertificateSpec(trust_domain, department, now);
  spec.not_before = now - absl::Hours(24 * 30);
  spec.not_after = now - absl::Hours(24);
  return IssueTestCertificate(dir, name, spec);
}

absl::StatusOr<v1::TlsFiles> IssueWithoutSpiffe(absl::string_view dir,
                                                absl::string_view trust_domain,
                                                absl::string_view department,
                                                absl::string_view name) {
  RETURN_IF_ERROR(ValidateDepartment(trust_domain, department));
  CertificateSpec spec =
      DepartmentCertificateSpec(trust_domain, department, absl::Now());
  spec.spiffe_id.clear();
  return IssueTestCertificate(dir, name, spec);
}

absl::StatusOr<v1::TlsFiles> IssueForeign(absl::string_view dir,
                                          absl::string_view trust_domain,
                                          absl::string_view department,
                                          absl::string_view name) {
  RETURN_IF_ERROR(ValidateDepartment(trust_domain, department));
  RETURN_IF_ERROR(ValidateName(name));
  ASSIGN_OR_RETURN(KeyAndCert real_ca, LoadCa(dir));
  std::string foreign_base = absl::StrCat(name, "-ca");
  KeyAndCert foreign_ca;
  auto cert = ReadFile(Join(dir, absl::StrCat(foreign_base, ".pem")));
  auto key = ReadFile(Join(dir, absl::StrCat(foreign_base, ".key")));
  if (cert.ok() && key.ok() && CheckKeyMatchesCertificate(*key, *cert).ok()) {
    foreign_ca = {*std::move(key), *std::move(cert)};
  } else {
    ASSIGN_OR_RETURN(CertificateInfo real,
                     InspectCertificate(real_ca.cert_pem));
    absl::Time now = absl::Now();
    ASSIGN_OR_RETURN(foreign_ca, CreateCertificateAuthority(
                                     real.common_name, now - absl::Hours(1),
                                     now + absl::Hours(24 * 3650)));
    RETURN_IF_ERROR(WriteKeyAndCert(dir, foreign_base, foreign_ca));
  }
  return IssueSignedBy(
      dir, name, foreign_ca,
      DepartmentCertificateSpec(trust_domain, department, absl::Now()));
}

}  // namespace dev_pki
}  // namespace security
}  // namespace datarun
