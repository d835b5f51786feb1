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
// Layout version of this build: "3" (entries, stored Merkle hashes in
// tiles, signed checkpoints, secondary indexes in posting blocks). Version
// "1" had entries only; version "2" one key per stored hash and per index
// term (both are upgraded on open, see log_upgrade.h).
inline constexpr absl::string_view kFormatVersion = "3";
// Meta key holding the next index to assign (8-byte big-endian), written in
// the same batch as the entries.
inline constexpr absl::string_view kNextIndexKey = "m/next_index";
// Meta key holding the C2SP verifier key of the log's signing key.
inline constexpr absl::string_view kVerifierKeyKey = "m/verifier_key";
// Meta key holding the signed checkpoint of the last durable batch (value
// format: stored_checkpoint.h).
inline constexpr absl::string_view kLatestCheckpointKey = "m/checkpoint";

// Key holding the index watermark W (8-byte big-endian): the index blocks
// ("x/...") list exactly the entries below W. The writer keeps the postings
// of later entries in memory and ingests them in SST files, each holding a
// group of index blocks and the new W (index_backlog.h). Absent means 0.
// After "x/", so the ingested files overlap no key the writer puts into the
// memtable.
inline constexpr absl::string_view kIndexedKey = "y/indexed";
// At most this many entries may be at or above the index watermark; the
// verifier refuses a log that claims more.
inline constexpr uint64_t kMaxIndexBacklog = uint64_t{1} << 20;

// "e/" + 8-byte big-endian index -> the entry's deterministic serialization.
inline constexpr absl::string_view kEntryKeyPrefix = "e/";
// "h/" + 8-byte big-endian tile number t -> the stored hashes (dense
// stored hash indexes of exchange/merkle/tree.h) t*kHashesPerTile onwards,
// 32 raw bytes each, in index order: kHashesPerTile of them, or fewer in
// the last tile of the tree.
inline constexpr absl::string_view kHashTileKeyPrefix = "h/";
// Stored hashes per tile (a full tile holds 1 KiB).
inline constexpr uint64_t kHashesPerTile = 32;
// "c/" + 8-byte big-endian tree size -> a history checkpoint.
inline constexpr absl::string_view kCheckpointKeyPrefix = "c/";
// "x/" + kind + "/" + value + "/" + 8-byte big-endian index -> an index
// block: the postings (entry index, time) of entries with that value among
// one group of entries (kIndexedKey), the named index being the block's
// last one (format: index_block.h).
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

// Returns the key of hash tile `tile`.
std::string HashTileKey(uint64_t tile);

// Returns the tile number of a hash tile key; nullopt when `key` is not one.
absl::optional<uint64_t> ParseHashTileKey(absl::string_view key);

// Returns the tile holding stored hash `index`.
inline uint64_t HashTileOf(uint64_t index) { return index / kHashesPerTile; }

// Returns the byte offset of stored hash `index` inside its tile.
inline size_t HashOffsetInTile(uint64_t index) {
  return static_cast<size_t>(index % kHashesPerTile) * 32;
}

// Returns the size in bytes of tile `tile` in a log with `hash_count` stored
// hashes: 32 * kHashesPerTile for a full tile, less for the last one, 0 for
// a tile beyond the last.
size_t HashTileSize(uint64_t tile, uint64_t hash_count);

// Returns "h/(level L, P)", how errors name stored hash `index`.
std::string HashName(uint64_t index);

// Returns the key of the history checkpoint of tree size `size`.
std::string CheckpointKey(uint64_t size);

// Returns the tree size of a checkpoint key; nullopt when `key` is not one.
absl::optional<uint64_t> ParseCheckpointKey(absl::string_view key);

// Returns "x/<kind>/<value>/", the prefix every index block key of `value`
// starts with (before the 8-byte index).
std::string IndexKeyPrefix(IndexKind kind, absl::string_view value);

// Returns the key of the index block of `value` whose last posting names
// entry `last_index`.
std::string IndexBlockKey(IndexKind kind, absl::string_view value,
                          uint64_t last_index);

// Returns the value `entry` has for the field `kind` indexes.
const std::string& IndexedValue(const v1::AuditEntry& entry, IndexKind kind);

// Returns "x/<kind>/<value>", how messages name the index of `value`.
std::string IndexName(IndexKind kind, absl::string_view value);

// A parsed index block key.
struct IndexKeyParts {
  IndexKind kind;
  std::string value;
  uint64_t index = 0;  // the block's last posting
};

// Parses an index block key; nullopt when `key` is not one (unknown kind,
// missing separators, empty value).
absl::optional<IndexKeyParts> ParseIndexKey(absl::string_view key);

// Returns `key` in a printable form for error messages: printable ASCII as
// is, other bytes as \xNN, and a trailing 8-byte big-endian number (entry,
// hash tile, checkpoint and index keys) as "/<decimal>".
std::string PrintableKey(absl::string_view key);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_AUDIT_STORE_KEYS_H_
