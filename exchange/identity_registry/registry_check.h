// Consistency check of an identity registry database: every invariant of
// docs/identity-registry-format.md, cross-checked between subject records,
// claim lists, conflict markers and events. For operators (after a crash, a
// restore) and for tests.
//
// Thread-safe.
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_CHECK_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"

namespace datarun::identity {

struct RegistryCheckStats {
  int64_t subjects = 0;   // subject records
  int64_t merged = 0;     // of which merged into another subject
  int64_t links = 0;      // ACTIVE and CONFLICT links
  int64_t claims = 0;     // claimed local ids
  int64_t conflicts = 0;  // local ids in conflict
  int64_t events = 0;
  uint64_t next_sequence = 0;
};

// Checks the CLOSED registry at `path` (opened read-only; a registry in use
// is checked with IdentityRegistry::Check instead: RocksDB may delete files
// under a read-only reader of a live database) with the given shared kinds
// ("department.kind", as in IdentityRegistry::Options). Returns counts, or
// the first problem: FAILED_PRECONDITION (not a registry / other version),
// DATA_LOSS naming the subject fingerprint, local id or event that breaks
// an invariant, INTERNAL on I/O errors.
absl::StatusOr<RegistryCheckStats> CheckIdentityRegistry(
    absl::string_view path, const std::vector<std::string>& shared_kinds);

// Checks the open database `db` as of `snapshot` (not owned; the snapshot
// pins the files it reads). Results as CheckIdentityRegistry.
absl::StatusOr<RegistryCheckStats> CheckRegistryDatabase(
    rocksdb::DB* db, const rocksdb::Snapshot* snapshot,
    const std::vector<std::string>& shared_kinds);

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_CHECK_H_
