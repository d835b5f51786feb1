#include "exchange/security/dev_pki.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "common/status_macros.h"
#include "exchange/security/revocation_list.h"

namespace datarun {
namespace security {
namespace dev_pki {
namespace {

constexpr absl::Duration kSkew = absl::Hours(1);
constexpr absl::Duration kCaLifetime = absl::Hours(24 * 3650);
constexpr absl::Duration kLeafLifetime = absl::Hours(24 * 365);
constexpr absl::Duration kCrlLifetime = absl::Hours(24 * 365);

std::string Join(absl::string_view dir, absl::string_view file) {
  if (dir.empty()) return std::string(file);
  if (absl::EndsWith(dir, "/")) return absl::StrCat(dir, file);
  return absl::StrCat(dir, "/", file);
}

std::string DeptBase(absl::string_view department) {
  return absl::StrCat("dept-", department);
}

CertificateSpec LeafSpec(absl::string_view server_name, std::string spiffe_id,
                         absl::Time now) {
  CertificateSpec spec;
  spec.common_name = std::string(server_name);
  spec.spiffe_id = std::move(spiffe_id);
  spec.dns_names = {std::string(server_name), "localhost"};
  spec.ip_addresses = {"127.0.0.1"};
  spec.not_before = now - kSkew;
  spec.not_after = now + kLeafLifetime;
  return spec;
}

CertificateSpec ExchangeSpec(absl::string_view td, absl::Time now) {
  return LeafSpec(ExchangeServerName(td), ExchangeSpiffeId(td), now);
}

// True unless reading `path` says it does not exist.
bool Exists(absl::string_view path) {
  return ReadFile(path).status().code() != absl::StatusCode::kNotFound;
}

// Issues and writes <base>.pem/.key; returns the serial.
absl::StatusOr<std::string> IssueInto(absl::string_view dir,
                                      absl::string_view base,
                                      const KeyAndCert& ca,
                                      const CertificateSpec& spec) {
  ASSIGN_OR_RETURN(KeyAndCert pair, IssueCertificate(ca, spec));
  RETURN_IF_ERROR(WriteKeyAndCert(dir, base, pair));
  return CertificateSerialHex(pair.cert_pem);
}

// "missing" for a file that does not exist, else the error message.
std::string Problem(const absl::Status& status) {
  if (absl::IsNotFound(status)) return "missing";
  return std::string(status.message());
}

// Reads <base>.pem/.key and returns the certificate's details when the key
// matches it and it verifies against `ca`; otherwise nullopt, with why not
// in `*problem`.
std::optional<CertificateInfo> ReadVerifiedLeaf(absl::string_view dir,
                                                absl::string_view base,
                                                const KeyAndCert& ca,
                                                std::string* problem) {
  auto cert = ReadFile(Join(dir, absl::StrCat(base, ".pem")));
  if (!cert.ok()) {
    *problem = Problem(cert.status());
    return std::nullopt;
  }
  auto key = ReadFile(Join(dir, absl::StrCat(base, ".key")));
  if (!key.ok()) {
    *problem = absl::StrCat(base, ".key ", Problem(key.status()));
    return std::nullopt;
  }
  absl::Status match = CheckKeyMatchesCertificate(*key, *cert);
  if (!match.ok()) {
    *problem = std::string(match.message());
    return std::nullopt;
  }
  absl::Status verify = VerifyCertificate(*cert, ca.cert_pem, true);
  if (!verify.ok()) {
    *problem =
        absl::StrCat("does not verify against ca.pem: ", verify.message());
    return std::nullopt;
  }
  auto info = InspectCertificate(*cert);
  if (!info.ok()) {
    *problem = std::string(info.status().message());
    return std::nullopt;
  }
  return *std::move(info);
}

// Returns "" when <base>.pem/.key are usable for `spiffe_id`, else why not.
std::string LeafProblem(absl::string_view dir, absl::string_view base,
                        const KeyAndCert& ca, absl::string_view spiffe_id) {
  std::string problem;
  std::optional<CertificateInfo> info =
      ReadVerifiedLeaf(dir, base, ca, &problem);
  if (!info.has_value()) return problem;
  if (info->uris.size() != 1 || info->uris[0] != spiffe_id) {
    return absl::StrCat("does not name ", spiffe_id);
  }
  return "";
}

// Reads revoked.txt: canonical serials in file order, without duplicates.
// A missing file is empty.
absl::StatusOr<std::vector<std::string>> ReadRevoked(absl::string_view path) {
  auto content = ReadFile(path);
  if (absl::IsNotFound(content.status())) return std::vector<std::string>();
  if (!content.ok()) return content.status();
  std::vector<std::string> serials;
  std::set<std::string> seen;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*content, '\n')) {
    ++line_number;
    line = line.substr(0, line.find('#'));
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    auto serial = NormalizeSerialHex(line);
    if (!serial.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line_number, ": ", serial.status().message()));
    }
    if (seen.insert(*serial).second) serials.push_back(*serial);
  }
  return serials;
}

absl::Status WriteCrl(absl::string_view dir, const KeyAndCert& ca,
                      const std::vector<std::string>& serials) {
  absl::Time now = absl::Now();
  ASSIGN_OR_RETURN(std::string crl,
                   CreateCrl(ca, serials, now - kSkew, now + kCrlLifetime));
  return WriteFileAtomically(Join(dir, "crl.pem"), crl, 0644);
}

// Returns "" when crl.pem is current, else why it must be rewritten.
std::string CrlProblem(absl::string_view dir, const KeyAndCert& ca,
                       const std::vector<std::string>& serials) {
  std::string path = Join(dir, "crl.pem");
  auto pem = ReadFile(path);
  if (!pem.ok()) return Problem(pem.status());
  auto crl = RevocationList::Parse(*pem, path, ca.cert_pem, "ca.pem");
  if (!crl.ok()) return std::string(crl.status().message());
  if ((*crl)->next_update() <= absl::Now()) return "past its next update";
  std::set<std::string> want(serials.begin(), serials.end());
  std::set<std::string> have((*crl)->serials().begin(),
                             (*crl)->serials().end());
  if (want != have) return "out of date with revoked.txt";
  return "";
}

absl::Status CheckTrustDomain(absl::string_view dir, absl::string_view td) {
  auto existing = TrustDomain(dir);
  if (!existing.ok() || *existing == td) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(dir, " holds a dev PKI of trust domain '", *existing,
                   "', not '", td, "'; use another directory"));
}

}  // namespace

CertificateSpec DepartmentCertificateSpec(absl::string_view trust_domain,
                                          absl::string_view department,
                                          absl::Time now) {
  return LeafSpec(DepartmentServerName(trust_domain, department),
                  DepartmentSpiffeId(trust_domain, department), now);
}

absl::StatusOr<KeyAndCert> LoadCa(absl::string_view dir) {
  std::string cert_path = Join(dir, "ca.pem");
  std::string key_path = Join(dir, "ca.key");
  KeyAndCert ca;
  auto cert = ReadFile(cert_path);
  auto key = ReadFile(key_path);
  if (!cert.ok() || !key.ok()) {
    const absl::Status& bad = !cert.ok() ? cert.status() : key.status();
    if (bad.code() != absl::StatusCode::kNotFound) return bad;
    return absl::FailedPreconditionError(
        absl::StrCat("no dev CA in ", dir, " (", bad.message(),
                     "); run `datarunctl pki init --dir ", dir, "` first"));
  }
  ca.cert_pem = *std::move(cert);
  ca.key_pem = *std::move(key);
  absl::Status match = CheckKeyMatchesCertificate(ca.key_pem, ca.cert_pem);
  if (!match.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(key_path, " and ", cert_path,
                     " do not belong together: ", match.message()));
  }
  return ca;
}

absl::Status WriteKeyAndCert(absl::string_view dir, absl::string_view base,
                             const KeyAndCert& pair) {
  // Key first: a crash in between leaves a mismatch Init repairs.
  RETURN_IF_ERROR(WriteFileAtomically(Join(dir, absl::StrCat(base, ".key")),
                                      pair.key_pem, 0600));
  return WriteFileAtomically(Join(dir, absl::StrCat(base, ".pem")),
                             pair.cert_pem, 0644);
}

v1::TlsFiles ExchangeTlsFiles(absl::string_view dir) {
  v1::TlsFiles files;
  files.set_ca_cert(Join(dir, "ca.pem"));
  files.set_cert(Join(dir, "exchange.pem"));
  files.set_key(Join(dir, "exchange.key"));
  files.set_crl(Join(dir, "crl.pem"));
  return files;
}

v1::TlsFiles DepartmentTlsFiles(absl::string_view dir,
                                absl::string_view department) {
  v1::TlsFiles files;
  files.set_ca_cert(Join(dir, "ca.pem"));
  files.set_cert(Join(dir, absl::StrCat(DeptBase(department), ".pem")));
  files.set_key(Join(dir, absl::StrCat(DeptBase(department), ".key")));
  files.set_crl(Join(dir, "crl.pem"));
  return files;
}

absl::StatusOr<InitReport> Init(absl::string_view dir,
                                absl::string_view trust_domain,
                                const std::vector<std::string>& departments) {
  RETURN_IF_ERROR(ValidateTrustDomain(trust_domain));
  for (const std::string& dept : departments) {
    RETURN_IF_ERROR(ValidateDepartmentId(dept));
  }
  RETURN_IF_ERROR(MakeDirs(dir));
  RETURN_IF_ERROR(CheckTrustDomain(dir, trust_domain));
  InitReport report;
  absl::Time now = absl::Now();

  bool has_cert = Exists(Join(dir, "ca.pem"));
  bool has_key = Exists(Join(dir, "ca.key"));
  if (has_cert != has_key) {
    return absl::FailedPreconditionError(absl::StrCat(
        Join(dir, has_cert ? "ca.key" : "ca.pem"), " is missing but ",
        Join(dir, has_cert ? "ca.pem" : "ca.key"),
        " exists; restore it or remove both to create a new CA"));
  }
  KeyAndCert ca;
  if (has_cert) {
    ASSIGN_OR_RETURN(ca, LoadCa(dir));
    report.lines.push_back("kept ca.pem");
  } else {
    ASSIGN_OR_RETURN(ca, CreateCertificateAuthority(
                             absl::StrCat("datarun dev CA ", trust_domain),
                             now - kSkew, now + kCaLifetime));
    RETURN_IF_ERROR(WriteKeyAndCert(dir, "ca", ca));
    report.lines.push_back("created ca.pem");
  }

  struct Leaf {
    std::string base;
    CertificateSpec spec;
  };
  std::vector<Leaf> leaves = {{"exchange", ExchangeSpec(trust_domain, now)}};
  std::set<std::string> seen;
  for (const std::string& dept : departments) {
    if (!seen.insert(dept).second) continue;
    leaves.push_back(
        {DeptBase(dept), DepartmentCertificateSpec(trust_domain, dept, now)});
  }
  for (const Leaf& leaf : leaves) {
    std::string problem = LeafProblem(dir, leaf.base, ca, leaf.spec.spiffe_id);
    if (problem.empty()) {
      report.lines.push_back(absl::StrCat("kept ", leaf.base, ".pem"));
      continue;
    }
    RETURN_IF_ERROR(IssueInto(dir, leaf.base, ca, leaf.spec).status());
    report.lines.push_back(
        absl::StrCat("created ", leaf.base, ".pem (", problem, ")"));
  }

  std::string revoked_path = Join(dir, "revoked.txt");
  if (!Exists(revoked_path)) {
    RETURN_IF_ERROR(WriteFileAtomically(
        revoked_path,
        "# Revoked certificate serials (hex), one a line. crl.pem is made "
        "from this file\n# by `datarunctl pki revoke`.\n"));
    report.lines.push_back("created revoked.txt");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> serials, ReadRevoked(revoked_path));
  std::string crl_problem = CrlProblem(dir, ca, serials);
  if (crl_problem.empty()) {
    report.lines.push_back("kept crl.pem");
  } else {
    RETURN_IF_ERROR(WriteCrl(dir, ca, serials));
    report.lines.push_back(absl::StrCat("created crl.pem (", crl_problem, ")"));
  }
  return report;
}

absl::StatusOr<std::string> Issue(absl::string_view dir,
                                  absl::string_view trust_domain,
                                  absl::string_view department) {
  RETURN_IF_ERROR(ValidateTrustDomain(trust_domain));
  RETURN_IF_ERROR(ValidateDepartmentId(department));
  ASSIGN_OR_RETURN(KeyAndCert ca, LoadCa(dir));
  return IssueInto(
      dir, DeptBase(department), ca,
      DepartmentCertificateSpec(trust_domain, department, absl::Now()));
}

absl::StatusOr<std::string> IssueExchange(absl::string_view dir,
                                          absl::string_view trust_domain) {
  RETURN_IF_ERROR(ValidateTrustDomain(trust_domain));
  ASSIGN_OR_RETURN(KeyAndCert ca, LoadCa(dir));
  return IssueInto(dir, "exchange", ca,
                   ExchangeSpec(trust_domain, absl::Now()));
}

absl::StatusOr<std::string> Revoke(absl::string_view dir,
                                   absl::string_view department) {
  RETURN_IF_ERROR(ValidateDepartmentId(department));
  ASSIGN_OR_RETURN(KeyAndCert ca, LoadCa(dir));
  std::string cert_path = Join(dir, absl::StrCat(DeptBase(department), ".pem"));
  ASSIGN_OR_RETURN(std::string cert, ReadFile(cert_path));
  auto serial = CertificateSerialHex(cert);
  if (!serial.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(cert_path, ": ", serial.status().message()));
  }
  std::string revoked_path = Join(dir, "revoked.txt");
  ASSIGN_OR_RETURN(std::vector<std::string> serials, ReadRevoked(revoked_path));
  if (std::find(serials.begin(), serials.end(), *serial) == serials.end()) {
    auto content = ReadFile(revoked_path);
    std::string text = content.ok() ? *content : "";
    if (!text.empty() && text.back() != '\n') text.push_back('\n');
    absl::StrAppend(&text, *serial, "  # ", DeptBase(department),
                    ".pem revoked ",
                    absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(),
                                     absl::UTCTimeZone()),
                    "\n");
    RETURN_IF_ERROR(WriteFileAtomically(revoked_path, text));
    serials.push_back(*serial);
  }
  RETURN_IF_ERROR(WriteCrl(dir, ca, serials));
  return *serial;
}

absl::StatusOr<std::string> TrustDomain(absl::string_view dir) {
  std::string path = Join(dir, "exchange.pem");
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  auto info = InspectCertificate(pem);
  if (!info.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": ", info.status().message()));
  }
  for (const std::string& uri : info->uris) {
    auto id = ParseSpiffeId(uri);
    if (id.ok() && id->path == "/exchange") return id->trust_domain;
  }
  return absl::FailedPreconditionError(
      absl::StrCat(path, ": no spiffe://<trust-domain>/exchange URI SAN"));
}

absl::StatusOr<std::vector<ListedCertificate>> List(absl::string_view dir) {
  std::string dir_path(dir);
  DIR* d = ::opendir(dir_path.c_str());
  if (d == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("cannot list ", dir, ": ", std::strerror(errno)));
  }
  std::vector<std::string> names;
  while (struct dirent* entry = ::readdir(d)) {
    std::string name = entry->d_name;
    if (absl::EndsWith(name, ".pem") && name != "crl.pem")
      names.push_back(name);
  }
  ::closedir(d);
  auto rank = [](const std::string& name) {
    if (name == "ca.pem") return 0;
    if (name == "exchange.pem") return 1;
    if (absl::StartsWith(name, "dept-")) return 2;
    return 3;
  };
  std::sort(names.begin(), names.end(),
            [&rank](const std::string& a, const std::string& b) {
              return std::make_pair(rank(a), a) < std::make_pair(rank(b), b);
            });

  std::unique_ptr<RevocationList> crl;
  std::string crl_path = Join(dir, "crl.pem");
  auto crl_pem = ReadFile(crl_path);
  if (crl_pem.ok()) {
    ASSIGN_OR_RETURN(std::string ca_pem, ReadFile(Join(dir, "ca.pem")));
    ASSIGN_OR_RETURN(crl, RevocationList::Parse(*crl_pem, crl_path, ca_pem,
                                                Join(dir, "ca.pem")));
  } else if (!absl::IsNotFound(crl_pem.status())) {
    return crl_pem.status();
  }

  std::vector<ListedCertificate> out;
  for (const std::string& name : names) {
    auto pem = ReadFile(Join(dir, name));
    if (!pem.ok()) continue;
    auto info = InspectCertificate(*pem);
    if (!info.ok()) continue;
    ListedCertificate listed;
    listed.file = name;
    listed.info = *std::move(info);
    if (!listed.info.uris.empty()) listed.spiffe_id = listed.info.uris[0];
    listed.revoked = crl != nullptr && crl->IsRevoked(listed.info.serial_hex);
    out.push_back(std::move(listed));
  }
  return out;
}

namespace {

// Returns "" when <base>.pem/.key are a usable web server certificate.
std::string WebProblem(absl::string_view dir, absl::string_view base,
                       const KeyAndCert& ca) {
  std::string problem;
  std::optional<CertificateInfo> info =
      ReadVerifiedLeaf(dir, base, ca, &problem);
  if (!info.has_value()) return problem;
  if (info->not_after - absl::Now() < absl::Hours(24 * 30)) {
    return "expires within 30 days";
  }
  if (std::find(info->dns_names.begin(), info->dns_names.end(), "localhost") ==
          info->dns_names.end() ||
      std::find(info->ip_addresses.begin(), info->ip_addresses.end(),
                "127.0.0.1") == info->ip_addresses.end()) {
    return "does not name localhost and 127.0.0.1";
  }
  return "";
}

}  // namespace

absl::StatusOr<std::string> EnsureWebServerCertificate(absl::string_view dir,
                                                       absl::string_view base) {
  ASSIGN_OR_RETURN(KeyAndCert ca, LoadCa(dir));
  std::string problem = WebProblem(dir, base, ca);
  if (problem.empty()) return absl::StrCat("kept ", base, ".pem");
  const absl::Time now = absl::Now();
  CertificateSpec spec;
  spec.common_name = "localhost";
  spec.dns_names = {"localhost"};
  spec.ip_addresses = {"127.0.0.1"};
  spec.not_before = now - kSkew;
  spec.not_after = now + kLeafLifetime;
  RETURN_IF_ERROR(IssueInto(dir, base, ca, spec).status());
  return absl::StrCat("created ", base, ".pem (", problem, ")");
}

}  // namespace dev_pki
}  // namespace security
}  // namespace datarun
