#include "exchange/merkle/hash.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace datarun::merkle {
namespace {

[[noreturn]] void DieOnOpenSslFailure(const char* what) {
  std::fprintf(stderr,
               "datarun merkle: %s failed; the OpenSSL installation cannot "
               "compute SHA-256\n",
               what);
  std::abort();
}

// Fetched once per process and never freed: EVP_MD objects are immutable and
// shareable between threads, and an explicit fetch avoids OpenSSL 3's
// per-call implicit fetch of EVP_sha256().
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

// One digest context per thread, reused by every hash that thread computes
// (no allocation per hash).
EVP_MD_CTX* ThreadContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) DieOnOpenSslFailure("EVP_MD_CTX_new");
  return ctx.get();
}

// SHA-256 of prefix || data.
Hash Digest(const unsigned char* prefix, size_t prefix_len,
            const unsigned char* data, size_t data_len) {
  EVP_MD_CTX* ctx = ThreadContext();
  Hash out;
  unsigned int out_len = 0;
  if (EVP_DigestInit_ex2(ctx, Sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx, prefix, prefix_len) != 1 ||
      (data_len > 0 && EVP_DigestUpdate(ctx, data, data_len) != 1) ||
      EVP_DigestFinal_ex(ctx, out.data(), &out_len) != 1 ||
      out_len != kHashSize) {
    DieOnOpenSslFailure("SHA-256");
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Hash HashLeaf(absl::string_view data) {
  static const unsigned char kLeafPrefix = 0x00;
  return Digest(&kLeafPrefix, 1,
                reinterpret_cast<const unsigned char*>(data.data()),
                data.size());
}

Hash HashChildren(const Hash& left, const Hash& right) {
  // One contiguous input, one update.
  unsigned char buf[1 + 2 * kHashSize];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), kHashSize);
  std::memcpy(buf + 1 + kHashSize, right.data(), kHashSize);
  return Digest(buf, sizeof(buf), nullptr, 0);
}

Hash EmptyRoot() {
  static const Hash kEmpty = [] {
    unsigned char nothing = 0;
    return Digest(&nothing, 0, nullptr, 0);
  }();
  return kEmpty;
}

std::string HashToHex(const Hash& hash) {
  return absl::BytesToHexString(HashBytes(hash));
}

absl::StatusOr<Hash> HashFromHex(absl::string_view hex) {
  if (hex.size() != 2 * kHashSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("hash in hex must be ", 2 * kHashSize, " characters, got ",
                     hex.size()));
  }
  Hash out;
  for (size_t i = 0; i < kHashSize; ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      size_t bad = hi < 0 ? 2 * i : 2 * i + 1;
      return absl::InvalidArgumentError(
          absl::StrCat("hash in hex has a non-hex character at offset ", bad));
    }
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

std::string HashToBase64(const Hash& hash) {
  return absl::Base64Escape(HashBytes(hash));
}

absl::StatusOr<Hash> HashFromBase64(absl::string_view base64) {
  std::string bytes;
  // absl's decoder is lenient (missing padding, non-zero trailing bits);
  // re-encoding and comparing accepts exactly the canonical spelling.
  if (!absl::Base64Unescape(base64, &bytes) ||
      absl::Base64Escape(bytes) != base64) {
    return absl::InvalidArgumentError(
        "hash is not canonical standard base64 (RFC 4648 section 4, padded)");
  }
  if (bytes.size() != kHashSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("hash in base64 decodes to ", bytes.size(),
                     " bytes, expected ", kHashSize));
  }
  return HashFromBytes(bytes);
}

absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes) {
  if (bytes.size() != kHashSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("hash must be ", kHashSize, " bytes, got ", bytes.size()));
  }
  Hash out;
  std::memcpy(out.data(), bytes.data(), kHashSize);
  return out;
}

}  // namespace datarun::merkle
