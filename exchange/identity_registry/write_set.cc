#include "exchange/identity_registry/write_set.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"

namespace datarun::identity {

WriteSet::WriteSet(rocksdb::DB* db, const SharedKinds* shared,
                   int64_t now_micros, uint64_t next_sequence)
    : db_(db),
      shared_(shared),
      now_micros_(now_micros),
      next_sequence_(next_sequence) {}

absl::StatusOr<WriteSet::RecordSlot*> WriteSet::LoadRecord(
    const SubjectHash& h) {
  auto it = records_.find(h);
  if (it != records_.end()) return &it->second;
  std::string bytes;
  rocksdb::Status read =
      db_->Get(rocksdb::ReadOptions(), SubjectKey(h), &bytes);
  RecordSlot slot;
  if (read.ok()) {
    absl::StatusOr<SubjectRecord> record = DecodeSubjectRecord(bytes);
    if (!record.ok()) {
      return absl::DataLossError(absl::StrCat("identity registry: subject ",
                                              Fingerprint(h), ": ",
                                              record.status().message()));
    }
    slot.record = *std::move(record);
  } else if (!read.IsNotFound()) {
    return FromRocksStatus(
        read,
        absl::StrCat("identity registry: reading subject ", Fingerprint(h)));
  }
  return &records_.emplace(h, std::move(slot)).first->second;
}

absl::StatusOr<const SubjectRecord*> WriteSet::Record(const SubjectHash& h) {
  ASSIGN_OR_RETURN(RecordSlot * slot, LoadRecord(h));
  return &slot->record;
}

absl::StatusOr<SubjectRecord*> WriteSet::MutableRecord(const SubjectHash& h) {
  ASSIGN_OR_RETURN(RecordSlot * slot, LoadRecord(h));
  slot->dirty = true;
  return &slot->record;
}

absl::StatusOr<WriteSet::ClaimSlot*> WriteSet::LoadClaims(
    const v1::LocalId& id) {
  std::string key = ClaimKey(id);
  auto it = claims_.find(key);
  if (it != claims_.end()) return &it->second;
  std::string bytes;
  rocksdb::Status read = db_->Get(rocksdb::ReadOptions(), key, &bytes);
  ClaimSlot slot;
  slot.id = id;
  if (read.ok()) {
    absl::StatusOr<std::vector<SubjectHash>> claims = DecodeClaims(bytes);
    if (!claims.ok()) {
      return absl::DataLossError(
          absl::StrCat("identity registry: ", LocalIdName(id), ": ",
                       claims.status().message()));
    }
    slot.claims = *std::move(claims);
    slot.maybe_marked = slot.claims.size() >= 2;
  } else if (!read.IsNotFound()) {
    return FromRocksStatus(
        read, absl::StrCat("identity registry: reading ", LocalIdName(id)));
  }
  return &claims_.emplace(std::move(key), std::move(slot)).first->second;
}

absl::StatusOr<const std::vector<SubjectHash>*> WriteSet::Claims(
    const v1::LocalId& id) {
  ASSIGN_OR_RETURN(ClaimSlot * slot, LoadClaims(id));
  return &slot->claims;
}

absl::StatusOr<std::vector<SubjectHash>*> WriteSet::MutableClaims(
    const v1::LocalId& id) {
  ASSIGN_OR_RETURN(ClaimSlot * slot, LoadClaims(id));
  slot->dirty = true;
  return &slot->claims;
}

bool WriteSet::IsShared(const v1::LocalId& id) const {
  return shared_ != nullptr &&
         shared_->contains(absl::StrCat(id.department(), ".", id.kind()));
}

void WriteSet::AddEvent(const SubjectHash& subject, v1::IdentityEventKind kind,
                        const v1::LocalId* id, absl::string_view other,
                        const ChangeContext& context) {
  v1::IdentityEvent event;
  event.set_sequence(next_sequence_);
  event.set_at_micros(now_micros_);
  event.set_kind(kind);
  if (id != nullptr) *event.mutable_local_id() = *id;
  event.set_actor(context.actor);
  event.set_basis(context.basis);
  event.set_other_subject(std::string(other));
  events_.emplace_back(EventKey(subject, next_sequence_),
                       SerializeDeterministically(event));
  ++next_sequence_;
}

bool WriteSet::empty() const {
  if (!events_.empty()) return false;
  for (const auto& [h, slot] : records_) {
    if (slot.dirty) return false;
  }
  for (const auto& [key, slot] : claims_) {
    if (slot.dirty) return false;
  }
  return true;
}

void WriteSet::Build(rocksdb::WriteBatch* batch) const {
  for (const auto& [h, slot] : records_) {
    if (!slot.dirty) continue;
    if (slot.record.empty()) {
      batch->Delete(SubjectKey(h));
    } else {
      batch->Put(SubjectKey(h), EncodeSubjectRecord(slot.record));
    }
  }
  for (const auto& [key, slot] : claims_) {
    if (!slot.dirty) continue;
    if (slot.claims.empty()) {
      batch->Delete(key);
    } else {
      batch->Put(key, EncodeClaims(slot.claims));
    }
    if (slot.claims.size() >= 2 && !IsShared(slot.id)) {
      batch->Put(ConflictKey(slot.id), "");
    } else if (slot.maybe_marked) {
      batch->Delete(ConflictKey(slot.id));
    }
  }
  for (const auto& [key, value] : events_) batch->Put(key, value);
  batch->Put(ToSlice(kNextSequenceKey), EncodeUint64(next_sequence_));
}

std::vector<std::pair<SubjectHash, const SubjectRecord*>>
WriteSet::ChangedRecords() const {
  std::vector<std::pair<SubjectHash, const SubjectRecord*>> out;
  for (const auto& [h, slot] : records_) {
    if (slot.dirty) out.emplace_back(h, &slot.record);
  }
  return out;
}

}  // namespace datarun::identity
