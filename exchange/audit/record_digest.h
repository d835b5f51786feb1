// The digest of the records released by one query, stored in
// AuditEntry.record_digest so that a consumer can later prove which data it
// received.
#ifndef DATARUN_EXCHANGE_AUDIT_RECORD_DIGEST_H_
#define DATARUN_EXCHANGE_AUDIT_RECORD_DIGEST_H_

#include <string>

#include "datarun/v1/types.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace datarun::audit {

// Returns the lowercase hex SHA-256 of the deterministic serialization of a
// datarun.v1.RecordList holding `records` in order (map entries sorted by
// key, so field insertion order does not matter). Returns "" when `records`
// is empty, matching AuditEntry.record_digest ("empty when nothing was
// released"). Thread-safe for unmodified input.
std::string RecordDigestHex(
    const google::protobuf::RepeatedPtrField<v1::Record>& records);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_RECORD_DIGEST_H_
