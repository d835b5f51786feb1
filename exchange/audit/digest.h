// Hashing helpers of the audit log: SHA-256 in lowercase hex, and the
// deterministic protobuf serialization that digests are computed over.
#ifndef DATARUN_EXCHANGE_AUDIT_DIGEST_H_
#define DATARUN_EXCHANGE_AUDIT_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message_lite.h"

namespace datarun::audit {

// Returns the lowercase hex SHA-256 (64 characters) of `bytes`. Aborts the
// process if OpenSSL cannot compute a digest (a broken installation).
// Thread-safe.
std::string Sha256Hex(absl::string_view bytes);

// Returns `message` in protobuf's deterministic serialization (map entries
// sorted by key, recursively), so that equal messages give equal bytes in
// this build. Thread-safe for distinct or unmodified messages.
std::string SerializeDeterministically(
    const google::protobuf::MessageLite& message);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_DIGEST_H_
