#include "exchange/security/revocation_list.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "exchange/security/openssl_types.h"
#include "exchange/security/x509_util.h"

namespace datarun {
namespace security {
namespace {

std::string NameToString(X509_NAME* name) {
  char buf[512];
  if (X509_NAME_oneline(name, buf, sizeof(buf)) == nullptr) return "?";
  return buf;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RevocationList>> RevocationList::Parse(
    absl::string_view crl_pem, absl::string_view crl_what,
    absl::string_view ca_bundle_pem, absl::string_view ca_what) {
  ASSIGN_OR_RETURN(X509CrlPtr crl, ParseCrlPem(crl_pem, crl_what));
  ASSIGN_OR_RETURN(X509StackPtr cas,
                   ParseCertificateChainPem(ca_bundle_pem, ca_what));

  X509* issuer = nullptr;
  for (int i = 0; i < sk_X509_num(cas.get()); ++i) {
    X509* ca = sk_X509_value(cas.get(), i);
    if (X509_NAME_cmp(X509_get_subject_name(ca),
                      X509_CRL_get_issuer(crl.get())) == 0) {
      issuer = ca;
      break;
    }
  }
  if (issuer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(crl_what, " is not issued by ", ca_what, " (issuer ",
                     NameToString(X509_CRL_get_issuer(crl.get())), ")"));
  }
  int verified = X509_CRL_verify(crl.get(), X509_get0_pubkey(issuer));
  ERR_clear_error();
  if (verified != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        crl_what, " has a bad signature: it was not signed by ", ca_what));
  }

  std::unique_ptr<RevocationList> list(new RevocationList());
  list->this_update_ = FromAsn1Time(X509_CRL_get0_lastUpdate(crl.get()));
  const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get());
  list->next_update_ =
      next == nullptr ? absl::InfiniteFuture() : FromAsn1Time(next);
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i) {
    const X509_REVOKED* entry = sk_X509_REVOKED_value(revoked, i);
    auto serial = SerialToHex(X509_REVOKED_get0_serialNumber(entry));
    if (!serial.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          crl_what, ": entry ", i, ": ", serial.status().message()));
    }
    list->serials_.insert(*std::move(serial));
  }
  return list;
}

}  // namespace security
}  // namespace datarun
