// Owning smart pointers for the OpenSSL objects the security library uses.
// Internal to exchange/security: public functions take no OpenSSL types
// (classes may hold them as private members).
#ifndef DATARUN_EXCHANGE_SECURITY_OPENSSL_TYPES_H_
#define DATARUN_EXCHANGE_SECURITY_OPENSSL_TYPES_H_

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace datarun {
namespace security {

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};

using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>>;
using EvpPkeyPtr =
    std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using X509CrlPtr =
    std::unique_ptr<X509_CRL, OpenSslDeleter<X509_CRL, X509_CRL_free>>;
using X509RevokedPtr =
    std::unique_ptr<X509_REVOKED,
                    OpenSslDeleter<X509_REVOKED, X509_REVOKED_free>>;
using X509StorePtr =
    std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE, X509_STORE_free>>;
using X509StoreCtxPtr =
    std::unique_ptr<X509_STORE_CTX,
                    OpenSslDeleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using X509ExtensionPtr =
    std::unique_ptr<X509_EXTENSION,
                    OpenSslDeleter<X509_EXTENSION, X509_EXTENSION_free>>;
using Asn1TimePtr =
    std::unique_ptr<ASN1_TIME, OpenSslDeleter<ASN1_TIME, ASN1_TIME_free>>;
using Asn1IntegerPtr =
    std::unique_ptr<ASN1_INTEGER,
                    OpenSslDeleter<ASN1_INTEGER, ASN1_INTEGER_free>>;
using GeneralNamesPtr =
    std::unique_ptr<GENERAL_NAMES,
                    OpenSslDeleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

// Frees a STACK_OF(X509) and the certificates in it.
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

}  // namespace security
}  // namespace datarun

#endif  // DATARUN_EXCHANGE_SECURITY_OPENSSL_TYPES_H_
