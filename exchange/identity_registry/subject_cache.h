// The identity registry's in-memory cache, built for the query path's
// question "what is this department's primary id of this subject?"
// (IdentityRegistry::PrimaryLocalId): one hash-table probe answers it.
//
// Entries are keyed by the subject string as the caller gave it, through a
// 128-bit SipHash-2-4 under two random per-process keys (no raw identity
// number is held as a key; collisions are out of reach, ~2^-128 per pair).
// An entry holds what validation and the keyed hash gave (subject hash,
// kind, legacy upgrade: these never change for a string, so a hit skips
// both) and, once filled, the primary ACTIVE value of each department of the
// subject, or of the subject it was merged into.
//
// Consistency with writes: a table of stamps (one 32-bit counter per bucket
// of subject hashes) is bumped by the writer after every durable write of a
// subject. A filled entry remembers the stamps it was read under and is used
// only while they are unchanged; a reader loads the stamp BEFORE reading
// storage, so an entry filled from data older than a write always carries a
// stamp older than that write's bump and is refreshed. Two subjects sharing
// a bucket only cause spurious refreshes.
//
// Bounded: at most `capacity` entries, evicted by CLOCK (second chance).
// Thread-safe: entries live in 16 shards, each behind its own mutex held
// for one probe and a copy; stamps are atomics.
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_SUBJECT_CACHE_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_SUBJECT_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/optional.h"
#include "exchange/audit/siphash.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/identity/subject_id.h"
#include "exchange/identity_registry/registry_keys.h"
#include "exchange/identity_registry/subject_record.h"

namespace datarun::identity {

// A validated subject as the registry knows it.
struct SubjectRef {
  SubjectHash hash{};
  SubjectKind kind = SubjectKind::kPerson;
  bool upgraded_from_legacy = false;
};

class SubjectCache {
 public:
  // Reads a subject's stored record ({} when there is none).
  using Loader =
      absl::FunctionRef<absl::StatusOr<SubjectRecord>(const SubjectHash&)>;

  // `hasher` is not owned and must outlive the cache. Holds at most
  // `capacity` subject strings (at least 1).
  SubjectCache(const audit::SubjectHasher* hasher, size_t capacity);

  SubjectCache(const SubjectCache&) = delete;
  SubjectCache& operator=(const SubjectCache&) = delete;

  // Returns the subject `subject` stands for: canonicalized (legacy 15-digit
  // numbers upgraded, uppercased), validated and hashed with the exchange
  // secret; remembered. INVALID_ARGUMENT "subject: <reason>" when it is not
  // a valid identity number or credit code (never remembered).
  absl::StatusOr<SubjectRef> Find(absl::string_view subject);

  // Returns the value of `department`'s primary ACTIVE link of `subject`
  // (following a merge), "" when there is none. On a miss or a stale entry
  // reads the records with `load`. Errors: those of Find and `load`;
  // DATA_LOSS when a merge target is itself merged.
  absl::StatusOr<std::string> Primary(absl::string_view subject,
                                      absl::string_view department,
                                      Loader load);

  // Primary answered from memory only: the value when `subject` is cached
  // and current, nullopt when answering needs its records read (a miss or
  // a stale entry). Never reads storage or blocks on I/O; computes nothing
  // on a miss (an invalid subject is nullopt too, and Primary then reports
  // it).
  absl::optional<std::string> CachedPrimary(absl::string_view subject,
                                            absl::string_view department);

  // The writer's call after a write of `h`'s record became durable (or
  // failed in an unknown way): entries read before it are refreshed.
  void Invalidate(const SubjectHash& h);

  // Returns the number of cached subject strings.
  size_t size() const;

 private:
  struct Key {
    uint64_t a = 0;
    uint64_t b = 0;
    bool operator==(const Key& o) const { return a == o.a && b == o.b; }
  };
  struct KeyHasher {
    size_t operator()(const Key& k) const { return k.a; }
  };
  // department '\0' value '\0' for each primary ACTIVE link.
  using Primaries = absl::InlinedVector<char, 64>;
  struct Entry {
    SubjectRef ref;
    // Primaries were read (otherwise only `ref` is known).
    bool filled = false;
    // Merged: `primaries` are those of the merge target.
    bool merged = false;
    // Used since the clock hand last passed.
    bool referenced = false;
    uint32_t stamp = 0;          // of ref.hash's bucket, when read
    uint32_t target_bucket = 0;  // when merged
    uint32_t target_stamp = 0;   // when merged
    Primaries primaries;
  };
  // What a lookup copies out of an entry.
  struct Snapshot {
    SubjectRef ref;
    bool filled = false;
    bool merged = false;
    uint32_t stamp = 0;
    uint32_t target_bucket = 0;
    uint32_t target_stamp = 0;
    std::string value;
  };
  struct Shard {
    explicit Shard(size_t cap) : capacity(cap) {}
    const size_t capacity;
    mutable absl::Mutex mu;
    absl::flat_hash_map<Key, Entry, KeyHasher> map ABSL_GUARDED_BY(mu);
    // The keys of `map`, in the order the clock hand visits them.
    std::vector<Key> ring ABSL_GUARDED_BY(mu);
    size_t hand ABSL_GUARDED_BY(mu) = 0;
  };

  Key KeyOf(absl::string_view subject) const;
  Shard& ShardOf(const Key& key) { return *shards_[key.b % shards_.size()]; }
  uint32_t Bucket(const SubjectHash& h) const;
  std::atomic<uint32_t>& Stamp(uint32_t bucket) { return stamps_[bucket]; }
  // Copies the entry of `key` into `out` (with `department`'s value) and
  // marks it used; false when absent.
  bool Lookup(const Key& key, absl::string_view department, Snapshot* out);
  // Whether a looked-up snapshot is filled and no write has been reported
  // for its record (or its merge target's) since it was read.
  bool Current(const Snapshot& snapshot);
  // Inserts or replaces the entry of `key`, evicting one when full.
  void Insert(const Key& key, Entry entry);
  // Validates and hashes a subject not in the cache.
  absl::StatusOr<SubjectRef> Compute(absl::string_view subject) const;

  const audit::SubjectHasher* const hasher_;
  const audit::SipHashKey key_a_;
  const audit::SipHashKey key_b_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // Power-of-two number of stamps.
  const uint32_t stamp_mask_;
  std::unique_ptr<std::atomic<uint32_t>[]> stamps_;
};

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_SUBJECT_CACHE_H_
