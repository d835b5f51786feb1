// Writes a group of index blocks (IndexBacklog::Group) into an SST file and
// ingests it into the audit log's database together with the new index
// watermark: after a crash, either the whole group and its watermark are
// there, or neither.
#ifndef DATARUN_EXCHANGE_AUDIT_INDEX_INGEST_H_
#define DATARUN_EXCHANGE_AUDIT_INDEX_INGEST_H_

#include <string>

#include "absl/status/status.h"
#include "exchange/audit/index_backlog.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"

namespace datarun::audit {

// Returns the directory where IngestIndexGroup writes its files before
// RocksDB takes them: "<log path>/ingest".
std::string IngestDir(const std::string& path);

// Writes the blocks of `group` (IndexBlocks) and "y/indexed" = group.end
// into a file in
// IngestDir(path) (created when missing; the file is moved into the
// database) and ingests it into `db`, opened with `options`. The group's
// keys should not be in the memtable, or the ingestion flushes it first
// (the writer never puts index keys there). Errors: INTERNAL naming the
// file when writing or ingesting fails (nothing was ingested).
absl::Status IngestIndexGroup(rocksdb::DB* db, const rocksdb::Options& options,
                              const std::string& path,
                              const IndexBacklog::Group& group);

// Deletes the files a crash left in IngestDir(path). INTERNAL on failure.
absl::Status CleanIngestDir(const std::string& path);

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_INDEX_INGEST_H_
