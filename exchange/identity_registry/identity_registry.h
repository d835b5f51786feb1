// The identity registry: which department-local identifiers a subject
// (resident identity number or unified social credit code) has, who
// asserted each link, when and on what basis, the history of every change,
// conflicts (two subjects claiming one identifier) flagged and never
// silently resolved, and merges of subjects. Semantics:
// proto/datarun/v1/identity.proto; storage: docs/identity-registry-format.md.
//
// Subjects are stored only as keyed hashes (audit::SubjectHasher, the
// exchange secret); other subjects appear as fingerprints (first 16 hex
// characters of the hash). No raw identity number reaches the disk or the
// log. Access control is the caller's job: `actor` is only recorded.
//
// Every mutation is one atomic RocksDB WriteBatch (fsync'ed when
// Options::sync), applied under one writer mutex, then reflected in a
// bounded in-memory cache that the hot path (PrimaryLocalId) reads; a cache
// fill racing with a write never leaves a stale value behind
// (subject_cache.h).
//
// Thread-safe: any number of readers and writers may call concurrently.
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_IDENTITY_REGISTRY_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_IDENTITY_REGISTRY_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "datarun/v1/adapter.pb.h"
#include "datarun/v1/identity.pb.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/identity/subject_id.h"
#include "exchange/identity_registry/registry_check.h"
#include "exchange/identity_registry/registry_keys.h"
#include "exchange/identity_registry/subject_cache.h"
#include "exchange/identity_registry/subject_record.h"
#include "exchange/identity_registry/write_set.h"
#include "google/protobuf/repeated_field.h"
#include "rocksdb/db.h"

namespace datarun::identity {

// Most conflicts ListConflicts returns; 0 or less asks for the default.
inline constexpr int kMaxListConflicts = 1000;
inline constexpr int kDefaultListConflicts = 100;
// Most rejection reasons LinkBatch keeps.
inline constexpr int kMaxRejectionSamples = 10;

class IdentityRegistry {
 public:
  struct Options {
    // RocksDB directory; created (with parents) when missing.
    std::string path;
    // Hashes subjects with the exchange secret (the audit key). Not owned;
    // must outlive the registry. Required.
    const audit::SubjectHasher* hasher = nullptr;
    // Subject strings kept in memory (validated, hashed, and each
    // department's primary id): about 300 bytes each (1M: ~300 MB).
    size_t cache_capacity = 1 << 20;
    // fsync the WAL on every write (keep true in production: an
    // acknowledged link survives power loss).
    bool sync = true;
    // Clock for asserted_at_micros and event times.
    std::function<absl::Time()> now = [] { return absl::Now(); };
    // Kinds of identifier that many subjects may legitimately share, as
    // "department.kind" (e.g. "registry.household_number": everyone in a
    // household; "housing.family_number"; "land.title_certificate" of joint
    // owners). Their links never conflict. When this set changes, Open
    // re-evaluates the links of the kinds that changed (events with actor
    // "exchange").
    std::vector<std::string> shared_kinds;
    // RocksDB block cache for cold reads.
    size_t block_cache_bytes = 64 << 20;
  };

  // Opens (or creates) the registry at options.path.
  // Errors:
  //   INVALID_ARGUMENT     no path or hasher, a malformed shared kind;
  //   FAILED_PRECONDITION  the directory holds something else (no format
  //                        key), another format version, or a registry
  //                        written with another hash key (names the path);
  //   DATA_LOSS            a meta key is unreadable;
  //   INTERNAL             RocksDB cannot open it (e.g. locked by another
  //                        process; the message says).
  static absl::StatusOr<std::unique_ptr<IdentityRegistry>> Open(
      const Options& options);

  IdentityRegistry(const IdentityRegistry&) = delete;
  IdentityRegistry& operator=(const IdentityRegistry&) = delete;
  ~IdentityRegistry();

  struct Resolution {
    // Fingerprint of the subject the links belong to (after legacy upgrade
    // and merge).
    std::string subject_fingerprint;
    SubjectKind kind = SubjectKind::kPerson;
    bool upgraded_from_legacy = false;
    // Fingerprint of the subject it was merged into; empty when not merged.
    std::string merged_into;
    // ACTIVE and CONFLICT links, by department, kind, value.
    std::vector<v1::IdentityLink> links;
  };

  // Returns the subject's links (following a merge; a 15-digit legacy
  // number is upgraded first). Errors: INVALID_ARGUMENT "subject: <reason>";
  // NOT_FOUND when the registry holds no link for it; DATA_LOSS / INTERNAL
  // on storage failures.
  absl::StatusOr<Resolution> Resolve(absl::string_view subject) const;

  // The hot path of every query: returns the value of `department`'s primary
  // ACTIVE link of the subject (following a merge), or "" when there is none
  // (unknown subject, no primary, or the primary is in conflict). Served
  // from memory once the subject is cached. Errors: INVALID_ARGUMENT naming
  // "subject" or "department"; DATA_LOSS / INTERNAL on storage failures.
  absl::StatusOr<std::string> PrimaryLocalId(
      absl::string_view subject, absl::string_view department) const;

  // PrimaryLocalId from memory only, for callers that must not block (gRPC
  // reactors): the value when the subject is cached and current, nullopt
  // when it would need a storage read (call PrimaryLocalId off the reactor
  // then). Never touches RocksDB.
  absl::optional<std::string> CachedPrimaryLocalId(
      absl::string_view subject, absl::string_view department) const;

  struct LinkResult {
    // The link as it stands now.
    v1::IdentityLink link;
    // False when the same link (same primary flag) existed already.
    bool changed = false;
    // The link is in conflict (another subject claims the identifier).
    bool conflict = false;
  };

  // Records that `actor` (recorded as asserted_by) knows the subject under
  // `id` (see link_mutations.h ApplyLink for the rules: idempotent, primary
  // demotes the previous primary, conflicts flagged on both sides).
  // Errors: INVALID_ARGUMENT naming subject, local_id.department,
  // local_id.kind, local_id.value, basis or actor; DATA_LOSS / INTERNAL on
  // storage failures (nothing is written then).
  absl::StatusOr<LinkResult> Link(absl::string_view subject,
                                  const v1::LocalId& id, bool primary,
                                  absl::string_view actor,
                                  absl::string_view basis);

  // Retracts the subject's ACTIVE or CONFLICT link `id`; a conflict with
  // one other subject is cleared on that subject. Errors: INVALID_ARGUMENT
  // (as Link); NOT_FOUND when the subject has no such link.
  absl::Status Retract(absl::string_view subject, const v1::LocalId& id,
                       absl::string_view actor, absl::string_view basis);

  // Merges `from` into `into`: links move, `from` resolves to `into` from
  // then on. Returns the number of links moved. Errors: INVALID_ARGUMENT
  // naming from_subject / into_subject (invalid, the same subject, or of
  // different kinds), basis or actor; FAILED_PRECONDITION when `from` is
  // already merged or the merge would form a cycle.
  absl::StatusOr<int> Merge(absl::string_view from, absl::string_view into,
                            absl::string_view actor, absl::string_view basis);

  // Returns every event of the subject (as given: a merged subject's own
  // events, not its target's), oldest first; empty for an unknown subject.
  // Errors: INVALID_ARGUMENT "subject: ..."; DATA_LOSS on a bad event.
  absl::StatusOr<std::vector<v1::IdentityEvent>> History(
      absl::string_view subject) const;

  // Returns up to `limit` (<= 0: 100; at most 1000) local ids claimed by
  // more than one subject, ordered by department, kind, value.
  absl::StatusOr<std::vector<v1::IdentityConflict>> ListConflicts(
      int limit) const;

  struct SyncStats {
    int64_t read = 0;       // assertions given
    int64_t added = 0;      // new links
    int64_t updated = 0;    // existing links whose primary flag changed
    int64_t unchanged = 0;  // re-asserted as they were
    int64_t conflicts = 0;  // new links that are in conflict
    int64_t rejected = 0;   // invalid assertions (not applied)
    // The first kMaxRejectionSamples reasons: "assertion 7: kind: ...".
    std::vector<std::string> samples;
  };

  // Links a page of `department`'s assertions (Identity.Sync), asserted by
  // `department`, caused by `actor`, in ONE write batch. Invalid assertions
  // are counted and skipped; the others are applied as Link would.
  // Errors: INVALID_ARGUMENT naming department or actor; DATA_LOSS /
  // INTERNAL on storage failures (nothing of the batch is written then).
  absl::StatusOr<SyncStats> LinkBatch(
      absl::string_view department,
      const google::protobuf::RepeatedPtrField<v1::LocalIdAssertion>& batch,
      absl::string_view actor);
  absl::StatusOr<SyncStats> LinkBatch(
      absl::string_view department,
      const std::vector<v1::LocalIdAssertion>& batch, absl::string_view actor);

  // Checks every invariant of the stored registry as of now (a snapshot;
  // writers go on meanwhile). See registry_check.h for what is checked and
  // the errors.
  absl::StatusOr<RegistryCheckStats> Check() const;

  // Number of subject strings in the cache (at most
  // Options::cache_capacity).
  size_t cached_subjects() const { return cache_.size(); }

 private:
  IdentityRegistry(const Options& options, std::unique_ptr<rocksdb::DB> db,
                   uint64_t next_sequence, SharedKinds shared);

  // Reads a stored record ({} when absent).
  absl::StatusOr<SubjectRecord> ReadRecord(const rocksdb::ReadOptions& read,
                                           const SubjectHash& h) const;
  // Writes `ws` (when not empty) and updates the cache.
  absl::Status Commit(WriteSet& ws) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Re-evaluates the links of kinds whose shared-ness differs from the one
  // stored in m/shared_kinds.
  absl::Status ReconcileSharedKinds(absl::string_view stored);
  template <typename Batch>
  absl::StatusOr<SyncStats> LinkBatchImpl(absl::string_view department,
                                          const Batch& batch,
                                          absl::string_view actor);
  int64_t NowMicros() const;

  const Options options_;
  const std::unique_ptr<rocksdb::DB> db_;
  const SharedKinds shared_;
  mutable SubjectCache cache_;

  absl::Mutex write_mu_;
  uint64_t next_sequence_ ABSL_GUARDED_BY(write_mu_);
};

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_IDENTITY_REGISTRY_H_
