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
  if (env != nullptr) options.env = env;
  return options;
}

}  // namespace datarun::audit
