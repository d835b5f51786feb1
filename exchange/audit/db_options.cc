#include "exchange/audit/db_options.h"

#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"

namespace datarun::audit {

rocksdb::Options AuditDbOptions(rocksdb::Env* env) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  // Proofs are a MultiGet of ~2 log2(n) scattered hashes, searches are
  // seeks into the indexes: bloom filters and a block cache keep them off
  // the disk.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(64 << 20);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // Flushes run at the append rate and most of what they write (entries
  // soon compacted further down, hashes) gains little from compression:
  // only the last level, where data settles, is compressed.
  options.compression = rocksdb::kNoCompression;
  // A bounded memory footprint: memtables of 16 MB (RocksDB's default is
  // 64 MB, which alone held the exchange's resident memory rising for the
  // first minutes of a run). Appends are sequential, so smaller memtables
  // only mean more, smaller flushes.
  options.write_buffer_size = 16 << 20;
  options.max_write_buffer_number = 2;
  options.bottommost_compression = rocksdb::kLZ4Compression;
  if (env != nullptr) options.env = env;
  return options;
}

}  // namespace datarun::audit
