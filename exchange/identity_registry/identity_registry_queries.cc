// IdentityRegistry's history and conflict listing (scans of the event and
// conflict key ranges).
#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/identity_registry/identity_registry.h"
#include "rocksdb/iterator.h"

namespace datarun::identity {

absl::StatusOr<std::vector<v1::IdentityEvent>> IdentityRegistry::History(
    absl::string_view subject) const {
  ASSIGN_OR_RETURN(const SubjectRef ref, cache_.Find(subject));
  const std::string prefix = EventPrefix(ref.hash);
  const std::string end = PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
  std::vector<v1::IdentityEvent> events;
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    v1::IdentityEvent& event = events.emplace_back();
    if (!event.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat(
          "identity registry: event ", events.size(), " of subject ",
          Fingerprint(ref.hash), " does not parse"));
    }
  }
  RETURN_IF_ERROR(FromRocksStatus(
      it->status(), absl::StrCat("identity registry: reading the history of ",
                                 Fingerprint(ref.hash))));
  return events;
}

absl::StatusOr<std::vector<v1::IdentityConflict>>
IdentityRegistry::ListConflicts(int limit) const {
  if (limit <= 0) limit = kDefaultListConflicts;
  limit = std::min(limit, kMaxListConflicts);
  rocksdb::ManagedSnapshot snapshot(db_.get());
  const std::string end = PrefixEnd(kConflictPrefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
  std::vector<v1::IdentityConflict> conflicts;
  for (it->Seek(ToSlice(kConflictPrefix));
       it->Valid() && static_cast<int>(conflicts.size()) < limit; it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    key.remove_prefix(kConflictPrefix.size());
    absl::optional<v1::LocalId> id = ParseLocalIdKeyPart(key);
    if (!id.has_value()) {
      return absl::DataLossError("identity registry: malformed conflict key");
    }
    std::string bytes;
    RETURN_IF_ERROR(FromRocksStatus(
        db_->Get(read, ClaimKey(*id), &bytes),
        absl::StrCat("identity registry: reading the claims of ",
                     LocalIdName(*id))));
    absl::StatusOr<std::vector<SubjectHash>> claims = DecodeClaims(bytes);
    if (!claims.ok()) {
      return absl::DataLossError(
          absl::StrCat("identity registry: ", LocalIdName(*id), ": ",
                       claims.status().message()));
    }
    v1::IdentityConflict& conflict = conflicts.emplace_back();
    *conflict.mutable_local_id() = *std::move(id);
    for (const SubjectHash& h : *claims) {
      conflict.add_subjects(Fingerprint(h));
    }
  }
  RETURN_IF_ERROR(
      FromRocksStatus(it->status(), "identity registry: listing conflicts"));
  return conflicts;
}

absl::StatusOr<RegistryCheckStats> IdentityRegistry::Check() const {
  rocksdb::ManagedSnapshot snapshot(db_.get());
  return CheckRegistryDatabase(db_.get(), snapshot.snapshot(),
                               options_.shared_kinds);
}

}  // namespace datarun::identity
