// Key layout of the audit log's RocksDB database (see
// docs/audit-store-format.md). Shared by the log, its readers and the
// offline verifier. All functions are pure and thread-safe.
#ifndef DATARUN_EXCHANGE_AUDIT_AUDIT_STORE_KEYS_H_
#define DATARUN_EXCHANGE_AUDIT_AUDIT_STORE_KEYS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "datarun/v1/audit.pb.h"

namespace datarun::audit {

// Meta key holding the layout version.
inline constexpr absl::string_view kFormatKey = "m/format";
// Layout version of this build: "2" (entries, stored Merkle hashes, signed
// checkpoints, secondary indexes). Version "1" had entries only.
inline constexpr absl::string_view kFormatVersion = "2";
// Meta key holding the next index to assign (8-byte big-endian), written in
// the same batch as the entries.
inline constexpr absl::string_view kNextIndexKey = "m/next_index";
// Meta key holding the C2SP verifier key of the log's signing key.
inline constexpr absl::string_view kVerifierKeyKey = "m/verifier_key";
// Meta key holding the signed checkpoint of the last durable batch (value
// format: stored_checkpoint.h).
inline constexpr absl::string_view kLatestCheckpointKey = "m/checkpoint";

// "e/" + 8-byte big-endian index -> the entry's deterministic serialization.
inline constexpr absl::string_view kEntryKeyPrefix = "e/";
// "h/" + 8-byte big-endian stored hash index (exchange/merkle/tree.h) -> the
// 32 raw bytes of the hash.
inline constexpr absl::string_view kHashKeyPrefix = "h/";
// "c/" + 8-byte big-endian tree size -> a history checkpoint.
inline constexpr absl::string_view kCheckpointKeyPrefix = "c/";
// "x/" + kind + "/" + value + "/" + 8-byte big-endian index -> 8-byte
// big-endian AuditEntry.time_micros (two's complement).
inline constexpr absl::string_view kIndexKeyPrefix = "x/";

// The secondary indexes, by the entry field they index. The character is
// the kind byte of the key.
enum class IndexKind : char {
  kSubject = 's',   // AuditEntry.subject_hash
  kConsumer = 'c',  // AuditEntry.consumer
  kDataset = 'd',   // AuditEntry.dataset
  kPurpose = 'p',   // AuditEntry.purpose
};

// Every index kind, in the order IndexKeyPrefixes lists them.
inline constexpr IndexKind kIndexKinds[] = {
    IndexKind::kSubject, IndexKind::kConsumer, IndexKind::kDataset,
    IndexKind::kPurpose};

// 8-byte big-endian encoding of `value`.
std::string EncodeUint64(uint64_t value);

// Decodes an 8-byte big-endian value; nullopt for any other length.
absl::optional<uint64_t> DecodeUint64(absl::string_view bytes);

// Returns the key of entry `index`.
std::string EntryKey(uint64_t index);

// Returns the index of an entry key; nullopt when `key` is not one.
absl::optional<uint64_t> ParseEntryKey(absl::string_view key);

// Returns the key of stored hash `index`.
std::string HashKey(uint64_t index);

// Returns the stored hash index of a hash key; nullopt when `key` is not one.
absl::optional<uint64_t> ParseHashKey(absl::string_view key);

// Returns "h/(level L, P)", how errors name stored hash `index`.
std::string HashName(uint64_t index);

// Returns the key of the history checkpoint of tree size `size`.
std::string CheckpointKey(uint64_t size);

// Returns the tree size of a checkpoint key; nullopt when `key` is not one.
absl::optional<uint64_t> ParseCheckpointKey(absl::string_view key);

// Returns "x/<kind>/<value>/", the prefix every index key of `value` starts
// with (before the 8-byte index).
std::string IndexKeyPrefix(IndexKind kind, absl::string_view value);

// Returns the value `entry` has for the field `kind` indexes.
const std::string& IndexedValue(const v1::AuditEntry& entry, IndexKind kind);

// Returns the prefixes of the index keys of `entry`: one per kind whose
// field is not empty, in kIndexKinds order. The keys are these prefixes
// followed by EncodeUint64(index).
std::vector<std::string> IndexKeyPrefixes(const v1::AuditEntry& entry);

// A parsed index key.
struct IndexKeyParts {
  IndexKind kind;
  std::string value;
  uint64_t index = 0;
};

// Parses an index key; nullopt when `key` is not one (unknown kind, missing
// separators, empty value).
absl::optional<IndexKeyParts> ParseIndexKey(absl::string_view key);

// Returns `key` in a printable form for error messages: printable ASCII as
// is, other bytes as \xNN, and a trailing 8-byte big-endian number (entry,
// hash, checkpoint and index keys) as "/<decimal>".
std::string PrintableKey(absl::string_view key);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_AUDIT_STORE_KEYS_H_
