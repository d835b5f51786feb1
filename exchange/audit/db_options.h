// RocksDB options of the audit log's database, tuned for its write pattern.
#ifndef DATARUN_EXCHANGE_AUDIT_DB_OPTIONS_H_
#define DATARUN_EXCHANGE_AUDIT_DB_OPTIONS_H_

#include "rocksdb/env.h"
#include "rocksdb/options.h"

namespace datarun::audit {

// Returns the options AuditLog opens its database with: created when
// missing, paranoid checks, bloom filters and a 64 MiB block cache for the
// point reads of proofs, LZ4 compression on the last level only (flushes
// stay cheap). (The writer puts each batch's keys in ascending order, so
// memtable inserts need no further help.) `env` may be null (the default
// environment).
rocksdb::Options AuditDbOptions(rocksdb::Env* env);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_DB_OPTIONS_H_
