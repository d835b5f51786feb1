// Conversion of RocksDB's error model to absl::Status.
#ifndef DATARUN_COMMON_ROCKSDB_STATUS_H_
#define DATARUN_COMMON_ROCKSDB_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace datarun {

// Returns OK for an OK status; otherwise a status whose message is
// "<context>: <rocksdb message>". NotFound -> NOT_FOUND, Corruption ->
// DATA_LOSS, InvalidArgument -> INVALID_ARGUMENT, Busy/TryAgain/TimedOut ->
// UNAVAILABLE, IOError and everything else -> INTERNAL.
absl::Status FromRocksStatus(const rocksdb::Status& status,
                             absl::string_view context);

}  // namespace datarun

#endif  // DATARUN_COMMON_ROCKSDB_STATUS_H_
