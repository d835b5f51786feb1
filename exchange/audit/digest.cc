#include "exchange/audit/digest.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

#include "common/log.h"
#include "common/openssl_status.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace datarun::audit {

namespace {

[[noreturn]] void DieOnOpenSslFailure(const char* what) {
  LogLine("sha256_failed", LogLevel::kError).Status(OpenSslError(what));
  std::abort();
}

// Fetched once: OpenSSL 3's EVP_sha256() would fetch (and lock) per call.
const EVP_MD* Sha256() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (fetched == nullptr) DieOnOpenSslFailure("EVP_MD_fetch(SHA256)");
    return fetched;
  }();
  return md;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

}  // namespace

std::string Sha256Hex(absl::string_view bytes) {
  // One context per thread, reused: no allocation per digest.
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) DieOnOpenSslFailure("EVP_MD_CTX_new");
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestInit_ex2(ctx.get(), Sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1) {
    DieOnOpenSslFailure("SHA-256");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * length, '\0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0x0f];
  }
  return hex;
}

std::string SerializeDeterministically(
    const google::protobuf::MessageLite& message) {
  const size_t size = message.ByteSizeLong();
  std::string bytes(size, '\0');
  google::protobuf::io::ArrayOutputStream array(bytes.data(),
                                                static_cast<int>(size));
  google::protobuf::io::CodedOutputStream coded(&array);
  coded.SetSerializationDeterministic(true);
  message.SerializeWithCachedSizes(&coded);
  return bytes;
}

}  // namespace datarun::audit
