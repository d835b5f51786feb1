// Key layout of the identity registry's RocksDB database
// (docs/identity-registry-format.md) and the subject hash type. Shared by
// the registry, its write sets and the offline checker. All functions are
// pure and thread-safe.
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_KEYS_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_KEYS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "datarun/v1/identity.pb.h"
#include "rocksdb/slice.h"

namespace datarun::identity {

// A subject as stored: the 32 raw bytes of HMAC-SHA-256(exchange secret,
// canonical subject), i.e. audit::SubjectHasher::Hash in binary.
using SubjectHash = std::array<unsigned char, 32>;

// Hash functor for SubjectHash keys (the bytes are already uniformly
// random, so it just reads them). Shard() uses other bytes than operator().
struct SubjectHashHasher {
  size_t operator()(const SubjectHash& h) const {
    size_t v;
    std::memcpy(&v, h.data(), sizeof(v));
    return v;
  }
  size_t Shard(const SubjectHash& h) const {
    size_t v;
    std::memcpy(&v, h.data() + 8, sizeof(v));
    return v;
  }
};

// Returns `s` as a RocksDB slice (absl::string_view does not convert).
inline rocksdb::Slice ToSlice(absl::string_view s) {
  return rocksdb::Slice(s.data(), s.size());
}

// Returns the 32 bytes of `h` as a string_view (valid while `h` lives).
inline absl::string_view HashBytes(const SubjectHash& h) {
  return absl::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

// Returns the hash of exactly 32 bytes; nullopt for any other length.
absl::optional<SubjectHash> SubjectHashFromBytes(absl::string_view bytes);

// Returns the hash given as 64 hex characters (SubjectHasher::Hash);
// nullopt when `hex` is not that.
absl::optional<SubjectHash> SubjectHashFromHex(absl::string_view hex);

// Returns how responses and messages name a subject: the first 16 lowercase
// hex characters of its hash.
std::string Fingerprint(const SubjectHash& h);

// Returns `id` as "department/kind=value", how messages name a local id.
std::string LocalIdName(const v1::LocalId& id);

// Meta key holding the layout version.
inline constexpr absl::string_view kFormatKey = "m/format";
// Layout version of this build.
inline constexpr absl::string_view kFormatVersion = "1";
// Meta key holding the next event sequence number (8-byte big-endian).
inline constexpr absl::string_view kNextSequenceKey = "m/next_sequence";
// Meta key holding the 32-byte hash of kKeyCheckInput under the exchange
// secret: proves the database was written with the same secret.
inline constexpr absl::string_view kKeyCheckKey = "m/key_check";
// The fixed input hashed into m/key_check.
inline constexpr absl::string_view kKeyCheckInput =
    "datarun identity registry key check";
// Meta key holding the shared kinds the links were last reconciled with:
// sorted "department.kind" names, one per line.
inline constexpr absl::string_view kSharedKindsKey = "m/shared_kinds";

// "s/" + 32-byte subject hash -> the subject record (subject_record.h).
inline constexpr absl::string_view kSubjectPrefix = "s/";
// "l/" + local id -> 32-byte hashes of the subjects claiming it.
inline constexpr absl::string_view kClaimPrefix = "l/";
// "c/" + local id -> empty: the local id is in conflict.
inline constexpr absl::string_view kConflictPrefix = "c/";
// "e/" + 32-byte subject hash + 8-byte big-endian sequence -> the
// IdentityEvent (deterministic serialization).
inline constexpr absl::string_view kEventPrefix = "e/";

// 8-byte big-endian encoding of `value`.
std::string EncodeUint64(uint64_t value);

// Decodes an 8-byte big-endian value; nullopt for any other length.
absl::optional<uint64_t> DecodeUint64(absl::string_view bytes);

// Returns the key of a subject record.
std::string SubjectKey(const SubjectHash& h);

// Returns the subject hash of a subject key; nullopt when `key` is not one.
absl::optional<SubjectHash> ParseSubjectKey(absl::string_view key);

// Returns the encoding of a local id inside keys: department, 0x00, kind,
// 0x00, value (validated names and printable values contain no 0x00).
std::string LocalIdKeyPart(const v1::LocalId& id);

// Returns the local id encoded by LocalIdKeyPart; nullopt when malformed.
absl::optional<v1::LocalId> ParseLocalIdKeyPart(absl::string_view part);

// Returns "l/" + LocalIdKeyPart(id).
std::string ClaimKey(const v1::LocalId& id);

// Returns "l/" + department + 0x00 + kind + 0x00: every claim key of that
// kind starts with it.
std::string ClaimKindPrefix(absl::string_view department,
                            absl::string_view kind);

// Returns "c/" + LocalIdKeyPart(id).
std::string ConflictKey(const v1::LocalId& id);

// Returns the key of event `sequence` of subject `h`.
std::string EventKey(const SubjectHash& h, uint64_t sequence);

// Returns "e/" + h: every event key of the subject starts with it.
std::string EventPrefix(const SubjectHash& h);

// Returns the smallest key greater than every key starting with `prefix`
// (for iterate_upper_bound); `prefix` must not be all 0xff bytes.
std::string PrefixEnd(absl::string_view prefix);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_KEYS_H_
