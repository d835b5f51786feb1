// Key layout of the audit log's RocksDB database (see
// docs/audit-store-format.md). Shared by the sink, readers and verifiers.
#ifndef DATARUN_EXCHANGE_AUDIT_AUDIT_STORE_KEYS_H_
#define DATARUN_EXCHANGE_AUDIT_AUDIT_STORE_KEYS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace datarun::audit {

// Prefix of entry keys: "e/" + 8-byte big-endian index.
inline constexpr absl::string_view kEntryKeyPrefix = "e/";
// Meta key holding the next index to assign (8-byte big-endian), written in
// the same batch as the entries.
inline constexpr absl::string_view kNextIndexKey = "m/next_index";
// Meta key holding the layout version, "1".
inline constexpr absl::string_view kFormatKey = "m/format";
inline constexpr absl::string_view kFormatVersion = "1";

// Returns the key of entry `index`.
std::string EntryKey(uint64_t index);

// Returns the index of an entry key; nullopt when `key` is not one.
absl::optional<uint64_t> ParseEntryKey(absl::string_view key);

// 8-byte big-endian encoding of `value`.
std::string EncodeUint64(uint64_t value);

// Decodes an 8-byte big-endian value; nullopt for any other length.
absl::optional<uint64_t> DecodeUint64(absl::string_view bytes);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_AUDIT_STORE_KEYS_H_
