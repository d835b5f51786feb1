// RFC 9162 (Certificate Transparency v2, section 2.1) hashing for the audit
// log's Merkle tree: SHA-256 with a one-byte domain separator, 0x00 for
// leaves and 0x01 for interior nodes, so a leaf can never be mistaken for a
// node. Also the hex and base64 spellings of a hash used in checkpoints,
// receipts and tools.
//
// All functions are pure and thread-safe. Hashing aborts the process if
// OpenSSL cannot compute SHA-256 (only with a broken installation).
#ifndef DATARUN_EXCHANGE_MERKLE_HASH_H_
#define DATARUN_EXCHANGE_MERKLE_HASH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::merkle {

// Size in bytes of every hash in the tree.
inline constexpr size_t kHashSize = 32;

// A SHA-256 value: a leaf hash, an interior node hash or a tree root.
using Hash = std::array<uint8_t, kHashSize>;

// Returns SHA-256(0x00 || data), the hash of a leaf holding `data`.
Hash HashLeaf(absl::string_view data);

// Returns SHA-256(0x01 || left || right), the hash of an interior node.
Hash HashChildren(const Hash& left, const Hash& right);

// Returns SHA-256 of the empty string, the root of the tree with no leaves
// (RFC 9162 section 2.1.1: MTH({}) = HASH()).
Hash EmptyRoot();

// Returns the 64 lowercase hex characters of `hash`.
std::string HashToHex(const Hash& hash);

// Parses 64 hex characters (either case). INVALID_ARGUMENT naming the
// problem (length, offending character) otherwise.
absl::StatusOr<Hash> HashFromHex(absl::string_view hex);

// Returns the 44-character standard base64 (RFC 4648 section 4, padded)
// spelling of `hash`, as used on a checkpoint's root hash line.
std::string HashToBase64(const Hash& hash);

// Parses the canonical standard padded base64 spelling of a 32-byte hash
// (exactly what HashToBase64 produces). INVALID_ARGUMENT when it is not
// base64, not canonical, or does not decode to exactly 32 bytes.
absl::StatusOr<Hash> HashFromBase64(absl::string_view base64);

// Returns the hash held in `bytes`, which must be exactly kHashSize bytes
// long (e.g. a value read from storage); INVALID_ARGUMENT otherwise.
absl::StatusOr<Hash> HashFromBytes(absl::string_view bytes);

// Returns the 32 raw bytes of `hash` as a string (e.g. to store it).
inline absl::string_view HashBytes(const Hash& hash) {
  return absl::string_view(reinterpret_cast<const char*>(hash.data()),
                           hash.size());
}

}  // namespace datarun::merkle

#endif  // DATARUN_EXCHANGE_MERKLE_HASH_H_
