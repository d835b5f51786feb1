#include "exchange/identity_registry/subject_cache.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"
#include "exchange/identity_registry/link_validation.h"

namespace datarun::identity {
namespace {

constexpr size_t kMaxShards = 16;
// Stamps: at least 1024, at most 2^24 (64 MiB), about one per entry.
constexpr uint32_t kMinStamps = 1 << 10;
constexpr uint32_t kMaxStamps = 1 << 24;

uint32_t StampCount(size_t capacity) {
  uint32_t n = kMinStamps;
  while (n < capacity && n < kMaxStamps) n <<= 1;
  return n;
}

void AppendPrimaries(const SubjectRecord& record,
                     absl::InlinedVector<char, 64>* out) {
  for (const v1::IdentityLink& link : record.links) {
    if (!link.primary() || link.state() != v1::LINK_STATE_ACTIVE) continue;
    const std::string& dept = link.local_id().department();
    const std::string& value = link.local_id().value();
    out->insert(out->end(), dept.begin(), dept.end());
    out->push_back('\0');
    out->insert(out->end(), value.begin(), value.end());
    out->push_back('\0');
  }
}

// Returns `department`'s value in an AppendPrimaries list, or "".
absl::string_view FindPrimary(absl::string_view list,
                              absl::string_view department) {
  while (!list.empty()) {
    const size_t dept_end = list.find('\0');
    const size_t value_end = list.find('\0', dept_end + 1);
    if (list.substr(0, dept_end) == department) {
      return list.substr(dept_end + 1, value_end - dept_end - 1);
    }
    list.remove_prefix(value_end + 1);
  }
  return absl::string_view();
}

}  // namespace

SubjectCache::SubjectCache(const audit::SubjectHasher* hasher, size_t capacity)
    : hasher_(hasher),
      key_a_(audit::RandomSipHashKey()),
      key_b_(audit::RandomSipHashKey()),
      stamp_mask_(StampCount(capacity) - 1),
      stamps_(new std::atomic<uint32_t>[stamp_mask_ + 1]) {
  for (uint32_t i = 0; i <= stamp_mask_; ++i) stamps_[i].store(0);
  capacity = std::max<size_t>(capacity, 1);
  const size_t shards = std::min(kMaxShards, capacity);
  for (size_t i = 0; i < shards; ++i) {
    // Spread the remainder so the capacities add up to exactly `capacity`.
    shards_.push_back(
        std::make_unique<Shard>(capacity / shards + (i < capacity % shards)));
  }
}

SubjectCache::Key SubjectCache::KeyOf(absl::string_view subject) const {
  return Key{audit::SipHash24(key_a_, subject),
             audit::SipHash24(key_b_, subject)};
}

uint32_t SubjectCache::Bucket(const SubjectHash& h) const {
  uint32_t v;
  std::memcpy(&v, h.data(), sizeof(v));
  return v & stamp_mask_;
}

bool SubjectCache::Lookup(const Key& key, absl::string_view department,
                          Snapshot* out) {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.map.find(key);
  if (it == shard.map.end()) return false;
  Entry& entry = it->second;
  if (!entry.referenced) entry.referenced = true;
  out->ref = entry.ref;
  out->filled = entry.filled;
  out->merged = entry.merged;
  out->stamp = entry.stamp;
  out->target_bucket = entry.target_bucket;
  out->target_stamp = entry.target_stamp;
  if (entry.filled) {
    out->value = std::string(FindPrimary(
        absl::string_view(entry.primaries.data(), entry.primaries.size()),
        department));
  }
  return true;
}

void SubjectCache::Insert(const Key& key, Entry entry) {
  Shard& shard = ShardOf(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.map.find(key);
  if (it != shard.map.end()) {
    // A racing Find must not replace a filled entry by an empty one.
    if (!entry.filled && it->second.filled) return;
    entry.referenced = true;
    it->second = std::move(entry);
    return;
  }
  if (shard.ring.size() < shard.capacity) {
    shard.ring.push_back(key);
    shard.map.emplace(key, std::move(entry));
    return;
  }
  // Give every recently used entry a second chance; at most one full turn.
  for (;;) {
    auto victim = shard.map.find(shard.ring[shard.hand]);
    if (victim->second.referenced) {
      victim->second.referenced = false;
      shard.hand = (shard.hand + 1) % shard.ring.size();
      continue;
    }
    shard.map.erase(victim);
    shard.ring[shard.hand] = key;
    shard.map.emplace(key, std::move(entry));
    shard.hand = (shard.hand + 1) % shard.ring.size();
    return;
  }
}

absl::StatusOr<SubjectRef> SubjectCache::Compute(
    absl::string_view subject) const {
  absl::StatusOr<CanonicalSubject> canonical = CanonicalizeSubject(subject);
  if (!canonical.ok()) return canonical.status();
  SubjectRef ref;
  // SubjectHasher::Hash always returns 64 hex characters.
  ref.hash = *SubjectHashFromHex(hasher_->Hash(canonical->canonical));
  ref.kind = canonical->kind;
  ref.upgraded_from_legacy = canonical->upgraded_from_legacy;
  return ref;
}

absl::StatusOr<SubjectRef> SubjectCache::Find(absl::string_view subject) {
  const Key key = KeyOf(subject);
  Snapshot snapshot;
  if (Lookup(key, absl::string_view(), &snapshot)) return snapshot.ref;
  absl::StatusOr<SubjectRef> ref = Compute(subject);
  if (!ref.ok()) return ref.status();
  Entry entry;
  entry.ref = *ref;
  Insert(key, std::move(entry));
  return ref;
}

absl::StatusOr<std::string> SubjectCache::Primary(absl::string_view subject,
                                                  absl::string_view department,
                                                  Loader load) {
  const Key key = KeyOf(subject);
  Snapshot snapshot;
  const bool hit = Lookup(key, department, &snapshot);
  if (hit && Current(snapshot)) return std::move(snapshot.value);
  Entry entry;
  if (hit) {
    entry.ref = snapshot.ref;
  } else {
    absl::StatusOr<SubjectRef> ref = Compute(subject);
    if (!ref.ok()) return ref.status();
    entry.ref = *ref;
  }
  // Stamps are read before the records they vouch for (see the header).
  entry.stamp = Stamp(Bucket(entry.ref.hash)).load(std::memory_order_acquire);
  absl::StatusOr<SubjectRecord> record = load(entry.ref.hash);
  if (!record.ok()) return record.status();
  if (record->merged_into.has_value()) {
    const SubjectHash target = *record->merged_into;
    entry.merged = true;
    entry.target_bucket = Bucket(target);
    entry.target_stamp =
        Stamp(entry.target_bucket).load(std::memory_order_acquire);
    record = load(target);
    if (!record.ok()) return record.status();
    if (record->merged_into.has_value()) {
      return absl::DataLossError(absl::StrCat(
          "identity registry: subject ", Fingerprint(entry.ref.hash),
          " is merged into ", Fingerprint(target), ", which is itself merged"));
    }
  }
  AppendPrimaries(*record, &entry.primaries);
  entry.filled = true;
  std::string value(FindPrimary(
      absl::string_view(entry.primaries.data(), entry.primaries.size()),
      department));
  Insert(key, std::move(entry));
  return value;
}

absl::optional<std::string> SubjectCache::CachedPrimary(
    absl::string_view subject, absl::string_view department) {
  Snapshot snapshot;
  if (!Lookup(KeyOf(subject), department, &snapshot) || !Current(snapshot)) {
    return absl::nullopt;
  }
  return std::move(snapshot.value);
}

bool SubjectCache::Current(const Snapshot& snapshot) {
  return snapshot.filled &&
         Stamp(Bucket(snapshot.ref.hash)).load(std::memory_order_acquire) ==
             snapshot.stamp &&
         (!snapshot.merged ||
          Stamp(snapshot.target_bucket).load(std::memory_order_acquire) ==
              snapshot.target_stamp);
}

void SubjectCache::Invalidate(const SubjectHash& h) {
  Stamp(Bucket(h)).fetch_add(1, std::memory_order_release);
}

size_t SubjectCache::size() const {
  size_t total = 0;
  for (const auto& shard : shards_) {
    absl::MutexLock lock(&shard->mu);
    total += shard->map.size();
  }
  return total;
}

}  // namespace datarun::identity
