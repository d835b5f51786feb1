// One mutation of the identity registry in the making: the subject records
// and claim lists it read (loaded from RocksDB on first use) and changed,
// and the events it produced. Build() turns it into one WriteBatch, so every
// mutation is applied atomically or not at all.
//
// Used by one writer at a time (the registry's write mutex); not
// thread-safe. Reads go straight to the database: with a single writer
// nothing else changes it meanwhile.
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_WRITE_SET_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_WRITE_SET_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/identity.pb.h"
#include "exchange/identity_registry/registry_keys.h"
#include "exchange/identity_registry/subject_record.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"

namespace datarun::identity {

// Who made a change and why; recorded in new links and in events.
struct ChangeContext {
  // Department whose call caused the change (IdentityEvent.actor).
  std::string actor;
  // Department recorded as IdentityLink.asserted_by on new links.
  std::string asserted_by;
  // IdentityLink.basis of new links and IdentityEvent.basis.
  std::string basis;
};

// "department.kind" names of identifiers many subjects may share.
using SharedKinds = absl::flat_hash_set<std::string>;

class WriteSet {
 public:
  // `db` and `shared` are not owned and must outlive the write set. Events
  // get sequence numbers from `next_sequence` on and time `now_micros`.
  WriteSet(rocksdb::DB* db, const SharedKinds* shared, int64_t now_micros,
           uint64_t next_sequence);

  WriteSet(const WriteSet&) = delete;
  WriteSet& operator=(const WriteSet&) = delete;

  // Returns the subject's record as changed so far (an empty record when
  // none is stored). The pointer stays valid for the write set's life.
  // INTERNAL when the read fails, DATA_LOSS when the stored record is bad.
  absl::StatusOr<const SubjectRecord*> Record(const SubjectHash& h);

  // Like Record, and marks the record to be written.
  absl::StatusOr<SubjectRecord*> MutableRecord(const SubjectHash& h);

  // Returns the subjects claiming `id` (ACTIVE or CONFLICT links), in the
  // order they claimed it. Errors as Record.
  absl::StatusOr<const std::vector<SubjectHash>*> Claims(const v1::LocalId& id);

  // Like Claims, and marks the list to be written.
  absl::StatusOr<std::vector<SubjectHash>*> MutableClaims(
      const v1::LocalId& id);

  // True when `id`'s kind may be claimed by many subjects without conflict.
  bool IsShared(const v1::LocalId& id) const;

  // Records an event on `subject`. `id` may be null; `other` is a
  // fingerprint or empty.
  void AddEvent(const SubjectHash& subject, v1::IdentityEventKind kind,
                const v1::LocalId* id, absl::string_view other,
                const ChangeContext& context);

  int64_t now_micros() const { return now_micros_; }

  // The sequence number the next event would get.
  uint64_t next_sequence() const { return next_sequence_; }

  // True when nothing was changed.
  bool empty() const;

  // Appends every change to `batch`: changed records (deleted when empty),
  // changed claim lists (deleted when empty) with their conflict markers
  // ("c/" present iff two or more subjects claim a local id of a kind that
  // is not shared), the events and m/next_sequence.
  void Build(rocksdb::WriteBatch* batch) const;

  // Returns the changed records (for the cache), valid while this lives.
  std::vector<std::pair<SubjectHash, const SubjectRecord*>> ChangedRecords()
      const;

 private:
  struct RecordSlot {
    SubjectRecord record;
    bool dirty = false;
  };
  struct ClaimSlot {
    v1::LocalId id;
    std::vector<SubjectHash> claims;
    bool dirty = false;
    // Whether a conflict marker may be stored (two or more claimants when
    // loaded); Build deletes it only then.
    bool maybe_marked = false;
  };

  absl::StatusOr<RecordSlot*> LoadRecord(const SubjectHash& h);
  absl::StatusOr<ClaimSlot*> LoadClaims(const v1::LocalId& id);

  rocksdb::DB* const db_;
  const SharedKinds* const shared_;
  const int64_t now_micros_;
  uint64_t next_sequence_;
  absl::node_hash_map<SubjectHash, RecordSlot, SubjectHashHasher> records_;
  // By claim key.
  absl::node_hash_map<std::string, ClaimSlot> claims_;
  // (key, serialized event), in sequence order.
  std::vector<std::pair<std::string, std::string>> events_;
};

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_WRITE_SET_H_
