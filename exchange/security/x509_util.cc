#include "exchange/security/x509_util.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/socket.h>

#include <climits>
#include <cstring>
#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/openssl_status.h"

namespace datarun {
namespace security {
namespace {

absl::StatusOr<BioPtr> ReadBio(absl::string_view data, absl::string_view what) {
  if (data.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": too large"));
  }
  BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (bio == nullptr) return OpenSslError("BIO_new_mem_buf");
  return bio;
}

// Never prompts for a passphrase: encrypted keys fail to load.
int NoPassphrase(char*, int, int, void*) { return -1; }

absl::StatusOr<std::string> BioToString(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len < 0 || data == nullptr) return OpenSslError("BIO_get_mem_data");
  return std::string(data, static_cast<size_t>(len));
}

std::vector<std::string> NamesOfType(X509* cert, int type) {
  std::vector<std::string> out;
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type != type) continue;
    if (type == GEN_URI || type == GEN_DNS) {
      const ASN1_IA5STRING* s =
          type == GEN_URI ? name->d.uniformResourceIdentifier : name->d.dNSName;
      out.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<size_t>(ASN1_STRING_length(s)));
    } else if (type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      int len = ASN1_STRING_length(ip);
      char buf[INET6_ADDRSTRLEN] = {0};
      int family = len == 4 ? AF_INET : len == 16 ? AF_INET6 : -1;
      if (family < 0 || inet_ntop(family, ASN1_STRING_get0_data(ip), buf,
                                  sizeof(buf)) == nullptr) {
        out.push_back("<malformed ip>");
      } else {
        out.push_back(buf);
      }
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<X509Ptr> ParseCertificatePem(absl::string_view pem,
                                            absl::string_view what) {
  auto bio = ReadBio(pem, what);
  if (!bio.ok()) return bio.status();
  X509Ptr cert(PEM_read_bio_X509(bio->get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not a PEM certificate"));
  }
  return cert;
}

absl::StatusOr<X509StackPtr> ParseCertificateChainPem(absl::string_view pem,
                                                      absl::string_view what) {
  auto bio = ReadBio(pem, what);
  if (!bio.ok()) return bio.status();
  X509StackPtr chain(sk_X509_new_null());
  if (chain == nullptr) return OpenSslError("sk_X509_new_null");
  while (true) {
    X509* cert = PEM_read_bio_X509(bio->get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) break;
    if (sk_X509_push(chain.get(), cert) == 0) {
      X509_free(cert);
      return OpenSslError("sk_X509_push");
    }
  }
  ERR_clear_error();
  if (sk_X509_num(chain.get()) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": not a PEM certificate"));
  }
  return chain;
}

absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(absl::string_view pem,
                                              absl::string_view what) {
  auto bio = ReadBio(pem, what);
  if (!bio.ok()) return bio.status();
  EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(bio->get(), nullptr, &NoPassphrase, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, ": not a PEM private key (encrypted keys are not supported)"));
  }
  return key;
}

absl::StatusOr<X509CrlPtr> ParseCrlPem(absl::string_view pem,
                                       absl::string_view what) {
  auto bio = ReadBio(pem, what);
  if (!bio.ok()) return bio.status();
  X509CrlPtr crl(PEM_read_bio_X509_CRL(bio->get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (crl == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a PEM CRL"));
  }
  return crl;
}

absl::StatusOr<std::string> CertificateToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpenSslError("PEM_write_bio_X509");
  }
  return BioToString(bio.get());
}

absl::StatusOr<std::string> PrivateKeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr,
                               nullptr) != 1) {
    return OpenSslError("PEM_write_bio_PrivateKey");
  }
  return BioToString(bio.get());
}

absl::StatusOr<std::string> CrlToPem(X509_CRL* crl) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_X509_CRL(bio.get(), crl) != 1) {
    return OpenSslError("PEM_write_bio_X509_CRL");
  }
  return BioToString(bio.get());
}

absl::StatusOr<std::string> SerialToHex(const ASN1_INTEGER* serial) {
  BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (bn == nullptr) return OpenSslError("ASN1_INTEGER_to_BN");
  if (BN_is_negative(bn.get())) {
    return absl::InternalError("negative certificate serial number");
  }
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return OpenSslError("BN_bn2hex");
  // BN_bn2hex prints whole bytes ("0ABC"); the canonical form has no
  // leading zeros ("ABC") and is "0" for zero.
  std::string out(hex);
  OPENSSL_free(hex);
  absl::AsciiStrToUpper(&out);
  size_t first = out.find_first_not_of('0');
  return first == std::string::npos ? std::string("0") : out.substr(first);
}

absl::StatusOr<Asn1TimePtr> ToAsn1Time(absl::Time t) {
  Asn1TimePtr out(ASN1_TIME_set(nullptr, absl::ToTimeT(t)));
  if (out == nullptr) return OpenSslError("ASN1_TIME_set");
  return out;
}

absl::Time FromAsn1Time(const ASN1_TIME* t) {
  struct tm tm;
  std::memset(&tm, 0, sizeof(tm));
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    ERR_clear_error();
    return absl::InfinitePast();
  }
  return absl::FromTM(tm, absl::UTCTimeZone());
}

std::vector<std::string> UriNames(X509* cert) {
  return NamesOfType(cert, GEN_URI);
}
std::vector<std::string> DnsNames(X509* cert) {
  return NamesOfType(cert, GEN_DNS);
}
std::vector<std::string> IpAddresses(X509* cert) {
  return NamesOfType(cert, GEN_IPADD);
}

std::string CommonName(X509* cert) {
  X509_NAME* subject = X509_get_subject_name(cert);
  int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return "";
  ASN1_STRING* data =
      X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) {
    ERR_clear_error();
    return "";
  }
  std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace security
}  // namespace datarun
