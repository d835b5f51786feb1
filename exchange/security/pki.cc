#include "exchange/security/pki.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/openssl_status.h"
#include "common/status_macros.h"
#include "exchange/security/names.h"
#include "exchange/security/openssl_types.h"
#include "exchange/security/x509_util.h"

namespace datarun {
namespace security {
namespace {

struct ParsedCa {
  EvpPkeyPtr key;
  X509Ptr cert;
};

absl::StatusOr<ParsedCa> ParseCa(const KeyAndCert& ca) {
  ParsedCa out;
  ASSIGN_OR_RETURN(out.cert,
                   ParseCertificatePem(ca.cert_pem, "CA certificate"));
  ASSIGN_OR_RETURN(out.key, ParsePrivateKeyPem(ca.key_pem, "CA key"));
  if (X509_check_private_key(out.cert.get(), out.key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "CA key does not match the CA certificate");
  }
  return out;
}

absl::StatusOr<EvpPkeyPtr> NewP256Key() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (key == nullptr) return OpenSslError("generating a P-256 key");
  return key;
}

absl::Status CheckValidity(absl::Time not_before, absl::Time not_after) {
  if (not_before >= not_after) {
    return absl::InvalidArgumentError(
        absl::StrCat("validity: not_before ", absl::FormatTime(not_before),
                     " is not before not_after ", absl::FormatTime(not_after)));
  }
  return absl::OkStatus();
}

// Starts a v3 certificate: random 128-bit serial, subject CN, validity, key.
absl::StatusOr<X509Ptr> NewCertificate(absl::string_view common_name,
                                       absl::Time not_before,
                                       absl::Time not_after, EVP_PKEY* key) {
  if (common_name.empty()) {
    return absl::InvalidArgumentError("common name is empty");
  }
  RETURN_IF_ERROR(CheckValidity(not_before, not_after));
  X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return OpenSslError("X509_new");
  }
  BignumPtr serial(BN_new());
  if (serial == nullptr ||
      BN_rand(serial.get(), 128, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ==
          nullptr) {
    return OpenSslError("random serial number");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(
          name, "CN", MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(common_name.data()),
          static_cast<int>(common_name.size()), -1, 0) != 1) {
    return OpenSslError(absl::StrCat("common name '", common_name, "'"));
  }
  ASSIGN_OR_RETURN(Asn1TimePtr nb, ToAsn1Time(not_before));
  ASSIGN_OR_RETURN(Asn1TimePtr na, ToAsn1Time(not_after));
  if (X509_set1_notBefore(cert.get(), nb.get()) != 1 ||
      X509_set1_notAfter(cert.get(), na.get()) != 1 ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OpenSslError("setting certificate fields");
  }
  return cert;
}

// Adds an extension written in OpenSSL config syntax ("critical,CA:FALSE").
absl::Status AddExtension(X509* cert, X509* issuer, int nid,
                          const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
  if (ext == nullptr || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(
        absl::StrCat("extension ", OBJ_nid2sn(nid), "=", value));
  }
  return absl::OkStatus();
}

absl::Status AddName(GENERAL_NAMES* names, int type, absl::string_view value) {
  GENERAL_NAME* name = GENERAL_NAME_new();
  if (name == nullptr) return OpenSslError("GENERAL_NAME_new");
  if (type == GEN_IPADD) {
    ASN1_OCTET_STRING* ip = a2i_IPADDRESS(std::string(value).c_str());
    if (ip == nullptr) {
      GENERAL_NAME_free(name);
      ERR_clear_error();
      return absl::InvalidArgumentError(
          absl::StrCat("ip address '", value, "' is invalid"));
    }
    GENERAL_NAME_set0_value(name, GEN_IPADD, ip);
  } else {
    ASN1_IA5STRING* s = ASN1_IA5STRING_new();
    if (s == nullptr ||
        ASN1_STRING_set(s, value.data(), static_cast<int>(value.size())) != 1) {
      ASN1_IA5STRING_free(s);
      GENERAL_NAME_free(name);
      return OpenSslError("ASN1_STRING_set");
    }
    GENERAL_NAME_set0_value(name, type, s);
  }
  if (sk_GENERAL_NAME_push(names, name) == 0) {
    GENERAL_NAME_free(name);
    return OpenSslError("sk_GENERAL_NAME_push");
  }
  return absl::OkStatus();
}

absl::Status CheckDnsName(absl::string_view dns) {
  bool ok = !dns.empty() && dns.size() <= 253 && dns.front() != '.' &&
            dns.back() != '.';
  for (char c : dns) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '.' && c != '*') {
      ok = false;
    }
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("dns name '", dns, "' is invalid"));
}

absl::Status AddSubjectAltNames(X509* cert, const CertificateSpec& spec) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (names == nullptr) return OpenSslError("sk_GENERAL_NAME_new_null");
  if (!spec.spiffe_id.empty()) {
    RETURN_IF_ERROR(ParseSpiffeId(spec.spiffe_id).status());
    RETURN_IF_ERROR(AddName(names.get(), GEN_URI, spec.spiffe_id));
  }
  for (const std::string& dns : spec.dns_names) {
    RETURN_IF_ERROR(CheckDnsName(dns));
    RETURN_IF_ERROR(AddName(names.get(), GEN_DNS, dns));
  }
  for (const std::string& ip : spec.ip_addresses) {
    RETURN_IF_ERROR(AddName(names.get(), GEN_IPADD, ip));
  }
  if (sk_GENERAL_NAME_num(names.get()) == 0) return absl::OkStatus();
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0,
                        X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError("subjectAltName");
  }
  return absl::OkStatus();
}

absl::Status Sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) {
    return OpenSslError("signing the certificate");
  }
  return absl::OkStatus();
}

absl::StatusOr<KeyAndCert> Serialize(EVP_PKEY* key, X509* cert) {
  KeyAndCert out;
  ASSIGN_OR_RETURN(out.key_pem, PrivateKeyToPem(key));
  ASSIGN_OR_RETURN(out.cert_pem, CertificateToPem(cert));
  return out;
}

}  // namespace

absl::StatusOr<KeyAndCert> CreateCertificateAuthority(
    absl::string_view common_name, absl::Time not_before,
    absl::Time not_after) {
  ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  ASSIGN_OR_RETURN(X509Ptr cert, NewCertificate(common_name, not_before,
                                                not_after, key.get()));
  X509* c = cert.get();
  if (X509_set_issuer_name(c, X509_get_subject_name(c)) != 1) {
    return OpenSslError("X509_set_issuer_name");
  }
  RETURN_IF_ERROR(
      AddExtension(c, c, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  RETURN_IF_ERROR(
      AddExtension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign"));
  RETURN_IF_ERROR(AddExtension(c, c, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(
      AddExtension(c, c, NID_authority_key_identifier, "keyid:always"));
  RETURN_IF_ERROR(Sign(c, key.get()));
  return Serialize(key.get(), c);
}

absl::StatusOr<KeyAndCert> IssueCertificate(const KeyAndCert& ca,
                                            const CertificateSpec& spec) {
  ASSIGN_OR_RETURN(ParsedCa parsed, ParseCa(ca));
  ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  ASSIGN_OR_RETURN(X509Ptr cert,
                   NewCertificate(spec.common_name, spec.not_before,
                                  spec.not_after, key.get()));
  X509* c = cert.get();
  X509* issuer = parsed.cert.get();
  if (X509_set_issuer_name(c, X509_get_subject_name(issuer)) != 1) {
    return OpenSslError("X509_set_issuer_name");
  }
  RETURN_IF_ERROR(
      AddExtension(c, issuer, NID_basic_constraints, "critical,CA:FALSE"));
  RETURN_IF_ERROR(AddExtension(c, issuer, NID_key_usage,
                               "critical,digitalSignature,keyEncipherment"));
  RETURN_IF_ERROR(
      AddExtension(c, issuer, NID_ext_key_usage, "serverAuth,clientAuth"));
  RETURN_IF_ERROR(AddExtension(c, issuer, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(
      AddExtension(c, issuer, NID_authority_key_identifier, "keyid:always"));
  RETURN_IF_ERROR(AddSubjectAltNames(c, spec));
  RETURN_IF_ERROR(Sign(c, parsed.key.get()));
  return Serialize(key.get(), c);
}

absl::StatusOr<std::string> CreateCrl(
    const KeyAndCert& ca, const std::vector<std::string>& revoked_serials_hex,
    absl::Time this_update, absl::Time next_update) {
  ASSIGN_OR_RETURN(ParsedCa parsed, ParseCa(ca));
  if (this_update >= next_update) {
    return absl::InvalidArgumentError(
        "CRL this_update is not before next_update");
  }
  std::set<std::string> serials;
  for (const std::string& s : revoked_serials_hex) {
    ASSIGN_OR_RETURN(std::string canonical, NormalizeSerialHex(s));
    serials.insert(std::move(canonical));
  }
  X509CrlPtr crl(X509_CRL_new());
  ASSIGN_OR_RETURN(Asn1TimePtr last, ToAsn1Time(this_update));
  ASSIGN_OR_RETURN(Asn1TimePtr next, ToAsn1Time(next_update));
  if (crl == nullptr ||
      X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(),
                               X509_get_subject_name(parsed.cert.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return OpenSslError("building the CRL");
  }
  for (const std::string& serial : serials) {
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, serial.c_str()) == 0) return OpenSslError("BN_hex2bn");
    BignumPtr bn(raw);
    Asn1IntegerPtr number(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    X509RevokedPtr entry(X509_REVOKED_new());
    if (number == nullptr || entry == nullptr ||
        X509_REVOKED_set_serialNumber(entry.get(), number.get()) != 1 ||
        X509_REVOKED_set_revocationDate(entry.get(), last.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) {
      return OpenSslError(
          absl::StrCat("adding serial ", serial, " to the CRL"));
    }
    entry.release();  // Owned by the CRL now.
  }
  X509_CRL_sort(crl.get());

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, parsed.cert.get(), nullptr, nullptr, crl.get(), 0);
  X509ExtensionPtr aki(X509V3_EXT_nconf_nid(
      nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
  Asn1IntegerPtr crl_number(ASN1_INTEGER_new());
  if (aki == nullptr || X509_CRL_add_ext(crl.get(), aki.get(), -1) != 1 ||
      crl_number == nullptr ||
      ASN1_INTEGER_set_int64(crl_number.get(),
                             absl::ToUnixSeconds(this_update)) != 1 ||
      X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, crl_number.get(), 0,
                            X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError("CRL extensions");
  }
  if (X509_CRL_sign(crl.get(), parsed.key.get(), EVP_sha256()) <= 0) {
    return OpenSslError("signing the CRL");
  }
  return CrlToPem(crl.get());
}

absl::StatusOr<std::string> CertificateSerialHex(absl::string_view cert_pem) {
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificatePem(cert_pem, "certificate"));
  return SerialToHex(X509_get0_serialNumber(cert.get()));
}

absl::StatusOr<std::string> NormalizeSerialHex(absl::string_view serial) {
  absl::string_view s = absl::StripAsciiWhitespace(serial);
  if (absl::StartsWithIgnoreCase(s, "0x")) s.remove_prefix(2);
  std::string digits;
  for (char c : s) {
    if (c == ':') continue;
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      digits.clear();
      break;
    }
    digits.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  if (digits.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("serial '", serial, "' is not hexadecimal"));
  }
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return std::string("0");
  return digits.substr(first);
}

absl::StatusOr<CertificateInfo> InspectCertificate(absl::string_view cert_pem) {
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificatePem(cert_pem, "certificate"));
  X509* c = cert.get();
  CertificateInfo info;
  info.common_name = CommonName(c);
  X509_NAME* issuer = X509_get_issuer_name(c);
  int index = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
  if (index >= 0) {
    ASN1_STRING* data =
        X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, index));
    info.issuer_common_name.assign(
        reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
        static_cast<size_t>(ASN1_STRING_length(data)));
  }
  ASSIGN_OR_RETURN(info.serial_hex, SerialToHex(X509_get0_serialNumber(c)));
  info.uris = UriNames(c);
  info.dns_names = DnsNames(c);
  info.ip_addresses = IpAddresses(c);
  info.not_before = FromAsn1Time(X509_get0_notBefore(c));
  info.not_after = FromAsn1Time(X509_get0_notAfter(c));
  info.is_ca = X509_check_ca(c) > 0;
  ERR_clear_error();
  return info;
}

absl::Status VerifyCertificate(absl::string_view cert_pem,
                               absl::string_view ca_bundle_pem,
                               bool check_time) {
  ASSIGN_OR_RETURN(X509StackPtr chain,
                   ParseCertificateChainPem(cert_pem, "certificate"));
  ASSIGN_OR_RETURN(X509StackPtr cas,
                   ParseCertificateChainPem(ca_bundle_pem, "CA certificate"));
  X509StorePtr store(X509_STORE_new());
  if (store == nullptr) return OpenSslError("X509_STORE_new");
  for (int i = 0; i < sk_X509_num(cas.get()); ++i) {
    if (X509_STORE_add_cert(store.get(), sk_X509_value(cas.get(), i)) != 1) {
      return OpenSslError("X509_STORE_add_cert");
    }
  }
  X509* leaf = sk_X509_shift(chain.get());
  X509Ptr leaf_owner(leaf);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (ctx == nullptr ||
      X509_STORE_CTX_init(ctx.get(), store.get(), leaf, chain.get()) != 1) {
    return OpenSslError("X509_STORE_CTX_init");
  }
  if (!check_time) {
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()),
                                X509_V_FLAG_NO_CHECK_TIME);
  }
  int ok = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (ok == 1) return absl::OkStatus();
  return absl::FailedPreconditionError(
      X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
}

absl::Status CheckKeyMatchesCertificate(absl::string_view key_pem,
                                        absl::string_view cert_pem) {
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificatePem(cert_pem, "certificate"));
  ASSIGN_OR_RETURN(EvpPkeyPtr key, ParsePrivateKeyPem(key_pem, "private key"));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "the private key does not match the certificate");
  }
  return absl::OkStatus();
}

}  // namespace security
}  // namespace datarun
