// The identity registry's meta keys: creating them in a new database and
// checking them when an existing one is opened (format version, hash key,
// next sequence, shared kinds). See docs/identity-registry-format.md.
//
// Thread-safe as far as RocksDB is (call before the registry serves).
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_META_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_META_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/identity_registry/write_set.h"
#include "rocksdb/db.h"

namespace datarun::identity {

struct RegistryMeta {
  // m/next_sequence.
  uint64_t next_sequence = 1;
  // m/shared_kinds as stored.
  std::string shared_kinds;
};

// Returns the stored form of `kinds`: sorted, one per line.
std::string EncodeSharedKinds(const SharedKinds& kinds);

// Returns the kinds of an EncodeSharedKinds value.
SharedKinds DecodeSharedKinds(absl::string_view stored);

// For an empty database, writes (synced) format version, key check,
// next sequence 1 and `shared`; otherwise checks them. `path` names the
// database in messages. Errors: FAILED_PRECONDITION (not a registry, other
// version, other hash key); DATA_LOSS (bad next sequence); INTERNAL (I/O).
absl::StatusOr<RegistryMeta> InitOrCheckMeta(rocksdb::DB* db,
                                             absl::string_view path,
                                             const audit::SubjectHasher& hasher,
                                             const SharedKinds& shared);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_META_H_
