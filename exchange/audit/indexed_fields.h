// Finds the indexed fields of an AuditEntry inside its serialized bytes, so
// the writer can index an entry from the bytes it stores without keeping
// (or copying) the parsed message.
#ifndef DATARUN_EXCHANGE_AUDIT_INDEXED_FIELDS_H_
#define DATARUN_EXCHANGE_AUDIT_INDEXED_FIELDS_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace datarun::audit {

// Where each indexed field lies in the bytes: offset and length, in
// kIndexKinds order (subject hash, consumer, dataset, purpose); length 0
// for an empty field.
struct IndexedFields {
  uint32_t offset[4] = {0, 0, 0, 0};
  uint32_t length[4] = {0, 0, 0, 0};

  // Returns field `k` (kIndexKinds order) of `bytes`, the bytes these
  // positions were found in.
  absl::string_view Get(absl::string_view bytes, int k) const {
    return bytes.substr(offset[k], length[k]);
  }
};

// Scans the protobuf wire format of a serialized AuditEntry and sets
// *fields. Returns false when `bytes` is not well-formed wire format (or
// longer than 4 GiB). A field that occurs twice (not in a deterministic
// serialization) counts with its last occurrence, as a parser would take
// it. Pure and thread-safe.
bool FindIndexedFields(absl::string_view bytes, IndexedFields* fields);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_INDEXED_FIELDS_H_
