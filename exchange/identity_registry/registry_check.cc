#include "exchange/identity_registry/registry_check.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <tuple>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/rocksdb_read_only.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/identity_registry/link_validation.h"
#include "exchange/identity_registry/registry_keys.h"
#include "exchange/identity_registry/subject_record.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"

namespace datarun::identity {
namespace {

absl::Status Bad(absl::string_view what) {
  return absl::DataLossError(absl::StrCat("identity registry check: ", what));
}

absl::string_view View(const rocksdb::Slice& s) {
  return absl::string_view(s.data(), s.size());
}

// Calls `fn(key, value)` for every key starting with `prefix`.
absl::Status Scan(rocksdb::DB* db, const rocksdb::Snapshot* snapshot,
                  absl::string_view prefix,
                  const std::function<absl::Status(absl::string_view,
                                                   absl::string_view)>& fn) {
  const std::string end = PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read));
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    RETURN_IF_ERROR(fn(View(it->key()), View(it->value())));
  }
  return FromRocksStatus(it->status(), "identity registry check: scanning");
}

class Checker {
 public:
  Checker(rocksdb::DB* db, const rocksdb::Snapshot* snapshot,
          absl::flat_hash_set<std::string> shared)
      : db_(db), shared_(std::move(shared)) {
    read_.snapshot = snapshot;
  }

  absl::StatusOr<RegistryCheckStats> Run() {
    RETURN_IF_ERROR(CheckMeta());
    RETURN_IF_ERROR(Scan(db_, read_.snapshot, kSubjectPrefix,
                         [this](absl::string_view k, absl::string_view v) {
                           return CheckSubject(k, v);
                         }));
    RETURN_IF_ERROR(Scan(db_, read_.snapshot, kClaimPrefix,
                         [this](absl::string_view k, absl::string_view v) {
                           return CheckClaims(k, v);
                         }));
    if (claim_entries_ != stats_.links) {
      return Bad(absl::StrCat("claim lists name ", claim_entries_,
                              " links but subject records hold ",
                              stats_.links));
    }
    int64_t markers = 0;
    RETURN_IF_ERROR(Scan(db_, read_.snapshot, kConflictPrefix,
                         [&markers](absl::string_view, absl::string_view) {
                           ++markers;
                           return absl::OkStatus();
                         }));
    if (markers != stats_.conflicts) {
      return Bad(absl::StrCat(markers, " conflict markers for ",
                              stats_.conflicts, " local ids in conflict"));
    }
    RETURN_IF_ERROR(Scan(db_, read_.snapshot, kEventPrefix,
                         [this](absl::string_view k, absl::string_view v) {
                           return CheckEvent(k, v);
                         }));
    return stats_;
  }

 private:
  bool IsShared(const v1::LocalId& id) const {
    return shared_.contains(absl::StrCat(id.department(), ".", id.kind()));
  }

  absl::StatusOr<std::string> Get(absl::string_view key, bool* found) {
    std::string value;
    rocksdb::Status s = db_->Get(read_, ToSlice(key), &value);
    *found = s.ok();
    if (s.IsNotFound()) return value;
    RETURN_IF_ERROR(FromRocksStatus(s, "identity registry check: reading"));
    return value;
  }

  absl::StatusOr<SubjectRecord> GetRecord(const SubjectHash& h, bool* found) {
    ASSIGN_OR_RETURN(std::string bytes, Get(SubjectKey(h), found));
    if (!*found) return SubjectRecord();
    return DecodeSubjectRecord(bytes);
  }

  absl::Status CheckMeta() {
    bool found = false;
    ASSIGN_OR_RETURN(std::string format, Get(kFormatKey, &found));
    if (!found) {
      return absl::FailedPreconditionError(
          "not a datarun identity registry (no m/format key)");
    }
    if (format != kFormatVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("identity registry format version \"", format,
                       "\"; this build checks version ", kFormatVersion));
    }
    ASSIGN_OR_RETURN(std::string next, Get(kNextSequenceKey, &found));
    absl::optional<uint64_t> value = DecodeUint64(next);
    if (!value.has_value() || *value == 0) {
      return Bad("m/next_sequence is missing or malformed");
    }
    stats_.next_sequence = *value;
    return absl::OkStatus();
  }

  absl::Status CheckSubject(absl::string_view key, absl::string_view value) {
    absl::optional<SubjectHash> h = ParseSubjectKey(key);
    if (!h.has_value()) return Bad("malformed subject key");
    const std::string fp = Fingerprint(*h);
    absl::StatusOr<SubjectRecord> record = DecodeSubjectRecord(value);
    if (!record.ok()) {
      return Bad(absl::StrCat("subject ", fp, ": ", record.status().message()));
    }
    ++stats_.subjects;
    if (record->empty())
      return Bad(absl::StrCat("subject ", fp, ": empty record stored"));
    bool found = false;
    if (record->merged_into.has_value()) {
      ++stats_.merged;
      if (!record->links.empty() || !record->merged_from.empty()) {
        return Bad(
            absl::StrCat("subject ", fp,
                         " is merged but still has links or merged subjects"));
      }
      ASSIGN_OR_RETURN(SubjectRecord target,
                       GetRecord(*record->merged_into, &found));
      const std::string tfp = Fingerprint(*record->merged_into);
      if (!found || target.merged_into.has_value() ||
          std::find(target.merged_from.begin(), target.merged_from.end(), *h) ==
              target.merged_from.end()) {
        return Bad(absl::StrCat("subject ", fp, " is merged into ", tfp,
                                ", which is missing, merged itself, or does "
                                "not list it"));
      }
    }
    for (const SubjectHash& m : record->merged_from) {
      ASSIGN_OR_RETURN(SubjectRecord source, GetRecord(m, &found));
      if (!found || source.merged_into != *h) {
        return Bad(absl::StrCat("subject ", fp, " lists ", Fingerprint(m),
                                " as merged into it, which it is not"));
      }
    }
    absl::flat_hash_set<std::string> primary_departments;
    for (size_t i = 0; i < record->links.size(); ++i) {
      const v1::IdentityLink& link = record->links[i];
      const v1::LocalId& id = link.local_id();
      const std::string where =
          absl::StrCat("subject ", fp, " link ", LocalIdName(id));
      if (i > 0) {
        const v1::LocalId& prev = record->links[i - 1].local_id();
        if (std::tie(prev.department(), prev.kind(), prev.value()) >=
            std::tie(id.department(), id.kind(), id.value())) {
          return Bad(absl::StrCat(where, ": links out of order or repeated"));
        }
      }
      if (absl::Status s = ValidateLocalId(id, ""); !s.ok()) {
        return Bad(absl::StrCat(where, ": ", s.message()));
      }
      if (link.primary() &&
          !primary_departments.insert(id.department()).second) {
        return Bad(absl::StrCat(where, ": second primary link of department ",
                                id.department()));
      }
      ASSIGN_OR_RETURN(std::string bytes, Get(ClaimKey(id), &found));
      absl::StatusOr<std::vector<SubjectHash>> claims = DecodeClaims(bytes);
      if (!claims.ok())
        return Bad(absl::StrCat(where, ": ", claims.status().message()));
      if (std::find(claims->begin(), claims->end(), *h) == claims->end()) {
        return Bad(absl::StrCat(where, ": not in the claim list"));
      }
      std::vector<std::string> others;
      if (!IsShared(id)) {
        for (const SubjectHash& o : *claims) {
          if (o != *h) others.push_back(Fingerprint(o));
        }
      }
      const v1::LinkState state =
          others.empty() ? v1::LINK_STATE_ACTIVE : v1::LINK_STATE_CONFLICT;
      const std::vector<std::string> listed(link.conflicting_subjects().begin(),
                                            link.conflicting_subjects().end());
      if (link.state() != state || listed != others) {
        return Bad(absl::StrCat(where, ": state ",
                                v1::LinkState_Name(link.state()), " with ",
                                listed.size(), " conflicting subjects, but ",
                                others.size(), " other subjects claim it"));
      }
      ++stats_.links;
    }
    return absl::OkStatus();
  }

  absl::Status CheckClaims(absl::string_view key, absl::string_view value) {
    absl::optional<v1::LocalId> id =
        ParseLocalIdKeyPart(key.substr(kClaimPrefix.size()));
    if (!id.has_value()) return Bad("malformed claim key");
    absl::StatusOr<std::vector<SubjectHash>> claims = DecodeClaims(value);
    if (!claims.ok() || claims->empty()) {
      return Bad(
          absl::StrCat(LocalIdName(*id), ": claim list empty or malformed"));
    }
    absl::flat_hash_set<SubjectHash, SubjectHashHasher> seen;
    for (const SubjectHash& h : *claims) {
      if (!seen.insert(h).second) {
        return Bad(absl::StrCat(LocalIdName(*id), ": subject ", Fingerprint(h),
                                " claims it twice"));
      }
    }
    ++stats_.claims;
    claim_entries_ += static_cast<int64_t>(claims->size());
    const bool conflict = claims->size() >= 2 && !IsShared(*id);
    bool found = false;
    RETURN_IF_ERROR(Get(ConflictKey(*id), &found).status());
    if (found != conflict) {
      return Bad(absl::StrCat(LocalIdName(*id), ": conflict marker ",
                              found ? "present" : "missing", " with ",
                              claims->size(), " claimants"));
    }
    if (conflict) ++stats_.conflicts;
    return absl::OkStatus();
  }

  absl::Status CheckEvent(absl::string_view key, absl::string_view value) {
    if (key.size() != kEventPrefix.size() + 32 + 8)
      return Bad("malformed event key");
    const uint64_t sequence = *DecodeUint64(key.substr(key.size() - 8));
    v1::IdentityEvent event;
    if (!event.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
        event.sequence() != sequence ||
        event.kind() == v1::IDENTITY_EVENT_KIND_UNSPECIFIED) {
      return Bad(absl::StrCat("event ", sequence,
                              " does not parse or does not match its key"));
    }
    if (sequence >= stats_.next_sequence) {
      return Bad(absl::StrCat("event ", sequence,
                              " is not below m/next_sequence ",
                              stats_.next_sequence));
    }
    ++stats_.events;
    return absl::OkStatus();
  }

  rocksdb::DB* const db_;
  rocksdb::ReadOptions read_;
  const absl::flat_hash_set<std::string> shared_;
  RegistryCheckStats stats_;
  int64_t claim_entries_ = 0;
};

absl::StatusOr<absl::flat_hash_set<std::string>> SharedSet(
    const std::vector<std::string>& shared_kinds) {
  absl::flat_hash_set<std::string> shared;
  for (const std::string& kind : shared_kinds) {
    RETURN_IF_ERROR(ValidateSharedKind(kind));
    shared.insert(kind);
  }
  return shared;
}

}  // namespace

absl::StatusOr<RegistryCheckStats> CheckRegistryDatabase(
    rocksdb::DB* db, const rocksdb::Snapshot* snapshot,
    const std::vector<std::string>& shared_kinds) {
  ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> shared,
                   SharedSet(shared_kinds));
  return Checker(db, snapshot, std::move(shared)).Run();
}

absl::StatusOr<RegistryCheckStats> CheckIdentityRegistry(
    absl::string_view path, const std::vector<std::string>& shared_kinds) {
  ASSIGN_OR_RETURN(absl::flat_hash_set<std::string> shared,
                   SharedSet(shared_kinds));
  rocksdb::Options options;
  options.paranoid_checks = true;
  ASSIGN_OR_RETURN(
      std::unique_ptr<rocksdb::DB> db,
      OpenLiveReadOnly(options, std::string(path), "identity registry"));
  return Checker(db.get(), nullptr, std::move(shared)).Run();
}

}  // namespace datarun::identity
