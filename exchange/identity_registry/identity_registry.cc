#include "exchange/identity_registry/identity_registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "exchange/identity_registry/link_mutations.h"
#include "exchange/identity_registry/link_validation.h"
#include "exchange/identity_registry/registry_meta.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/iterator.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace datarun::identity {
namespace {

rocksdb::Options DbOptions(size_t block_cache_bytes) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.paranoid_checks = true;
  // Resolution is point reads of subject records: bloom filters and a block
  // cache keep misses of the registry's own cache off the disk.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(block_cache_bytes);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return options;
}

// Renames the field of a "subject: ..." error, e.g. to "from_subject: ...".
absl::Status RenameSubjectField(const absl::Status& status,
                                absl::string_view field) {
  absl::string_view message = status.message();
  if (!absl::ConsumePrefix(&message, "subject")) return status;
  return absl::Status(status.code(), absl::StrCat(field, message));
}

}  // namespace

IdentityRegistry::IdentityRegistry(const Options& options,
                                   std::unique_ptr<rocksdb::DB> db,
                                   uint64_t next_sequence, SharedKinds shared)
    : options_(options),
      db_(std::move(db)),
      shared_(std::move(shared)),
      cache_(options.hasher, options.cache_capacity),
      next_sequence_(next_sequence) {}

IdentityRegistry::~IdentityRegistry() {
  if (db_ != nullptr) db_->Close().PermitUncheckedError();
}

absl::StatusOr<std::unique_ptr<IdentityRegistry>> IdentityRegistry::Open(
    const Options& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("identity registry: path is required");
  }
  if (options.hasher == nullptr) {
    return absl::InvalidArgumentError(
        "identity registry: a subject hasher is required");
  }
  SharedKinds shared;
  for (const std::string& kind : options.shared_kinds) {
    RETURN_IF_ERROR(ValidateSharedKind(kind));
    shared.insert(kind);
  }
  RETURN_IF_ERROR(MakeDirs(options.path));
  rocksdb::DB* raw = nullptr;
  RETURN_IF_ERROR(FromRocksStatus(
      rocksdb::DB::Open(DbOptions(options.block_cache_bytes), options.path,
                        &raw),
      absl::StrCat("opening identity registry ", options.path)));
  std::unique_ptr<rocksdb::DB> db(raw);
  ASSIGN_OR_RETURN(RegistryMeta meta, InitOrCheckMeta(db.get(), options.path,
                                                      *options.hasher, shared));
  std::unique_ptr<IdentityRegistry> registry(new IdentityRegistry(
      options, std::move(db), meta.next_sequence, std::move(shared)));
  if (meta.shared_kinds != EncodeSharedKinds(registry->shared_)) {
    RETURN_IF_ERROR(registry->ReconcileSharedKinds(meta.shared_kinds));
  }
  absl::MutexLock lock(&registry->write_mu_);
  LogLine("identity_registry_opened")
      .Str("path", options.path)
      .Int("next_sequence", static_cast<int64_t>(registry->next_sequence_));
  return registry;
}

int64_t IdentityRegistry::NowMicros() const {
  return absl::ToUnixMicros(options_.now());
}

absl::Status IdentityRegistry::ReconcileSharedKinds(absl::string_view stored) {
  const SharedKinds before = DecodeSharedKinds(stored);
  std::vector<std::string> changed;
  for (const std::string& kind : before) {
    if (!shared_.contains(kind)) changed.push_back(kind);
  }
  for (const std::string& kind : shared_) {
    if (!before.contains(kind)) changed.push_back(kind);
  }
  // Re-evaluation is idempotent: it is committed in chunks (bounded memory),
  // and m/shared_kinds last; a crash in between redoes it on the next open.
  constexpr int kChunk = 10000;
  absl::MutexLock lock(&write_mu_);
  auto ws = std::make_unique<WriteSet>(db_.get(), &shared_, NowMicros(),
                                       next_sequence_);
  int pending = 0;
  for (const std::string& name : changed) {
    const size_t dot = name.find('.');
    const std::string prefix =
        ClaimKindPrefix(name.substr(0, dot), name.substr(dot + 1));
    ChangeContext context;
    context.actor = "exchange";
    context.basis =
        absl::StrCat("configuration: identifiers ", name,
                     shared_.contains(name) ? " may now be shared"
                                            : " are now unique per subject");
    const std::string end = PrefixEnd(prefix);
    rocksdb::Slice upper(end);
    rocksdb::ReadOptions read;
    read.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read));
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      // One claimant: ACTIVE whatever the kind.
      if (it->value().size() < 2 * sizeof(SubjectHash)) continue;
      absl::string_view key(it->key().data(), it->key().size());
      key.remove_prefix(kClaimPrefix.size());
      absl::optional<v1::LocalId> id = ParseLocalIdKeyPart(key);
      if (!id.has_value()) {
        return absl::DataLossError(absl::StrCat(
            "identity registry ", options_.path, ": malformed claim key"));
      }
      RETURN_IF_ERROR(Reconcile(*ws, *id, context));
      if (++pending == kChunk) {
        RETURN_IF_ERROR(Commit(*ws));
        ws = std::make_unique<WriteSet>(db_.get(), &shared_, NowMicros(),
                                        next_sequence_);
        pending = 0;
      }
    }
    RETURN_IF_ERROR(FromRocksStatus(it->status(), "scanning claims"));
    LogLine("identity_shared_kind_changed")
        .Str("kind", name)
        .Bool("shared", shared_.contains(name));
  }
  RETURN_IF_ERROR(Commit(*ws));
  rocksdb::WriteOptions write;
  write.sync = options_.sync;
  return FromRocksStatus(
      db_->Put(write, ToSlice(kSharedKindsKey), EncodeSharedKinds(shared_)),
      "identity registry: writing the shared kinds");
}

absl::Status IdentityRegistry::Commit(WriteSet& ws) {
  if (ws.empty()) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  ws.Build(&batch);
  // Never reuse sequence numbers, even when the write fails (gaps are fine).
  next_sequence_ = ws.next_sequence();
  rocksdb::WriteOptions write;
  write.sync = options_.sync;
  const rocksdb::Status status = db_->Write(write, &batch);
  // Whether or not the write went through, entries read before it must go.
  for (const auto& [h, record] : ws.ChangedRecords()) cache_.Invalidate(h);
  if (!status.ok()) {
    absl::Status error = FromRocksStatus(status, "identity registry: writing");
    LogLine("identity_registry_write_failed", LogLevel::kError).Status(error);
    return error;
  }
  return absl::OkStatus();
}

absl::StatusOr<SubjectRecord> IdentityRegistry::ReadRecord(
    const rocksdb::ReadOptions& read, const SubjectHash& h) const {
  std::string bytes;
  rocksdb::Status status = db_->Get(read, SubjectKey(h), &bytes);
  if (status.IsNotFound()) return SubjectRecord();
  RETURN_IF_ERROR(FromRocksStatus(
      status,
      absl::StrCat("identity registry: reading subject ", Fingerprint(h))));
  absl::StatusOr<SubjectRecord> record = DecodeSubjectRecord(bytes);
  if (!record.ok()) {
    return absl::DataLossError(absl::StrCat("identity registry: subject ",
                                            Fingerprint(h), ": ",
                                            record.status().message()));
  }
  return record;
}

absl::StatusOr<IdentityRegistry::Resolution> IdentityRegistry::Resolve(
    absl::string_view subject) const {
  ASSIGN_OR_RETURN(const SubjectRef ref, cache_.Find(subject));
  rocksdb::ManagedSnapshot snapshot(db_.get());
  rocksdb::ReadOptions read;
  read.snapshot = snapshot.snapshot();
  ASSIGN_OR_RETURN(SubjectRecord record, ReadRecord(read, ref.hash));
  Resolution resolution;
  resolution.kind = ref.kind;
  resolution.upgraded_from_legacy = ref.upgraded_from_legacy;
  SubjectHash owner = ref.hash;
  if (record.merged_into.has_value()) {
    owner = *record.merged_into;
    resolution.merged_into = Fingerprint(owner);
    ASSIGN_OR_RETURN(record, ReadRecord(read, owner));
  }
  if (record.links.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "identity registry holds no link for subject ", Fingerprint(owner)));
  }
  resolution.subject_fingerprint = Fingerprint(owner);
  resolution.links = std::move(record.links);
  return resolution;
}

absl::StatusOr<std::string> IdentityRegistry::PrimaryLocalId(
    absl::string_view subject, absl::string_view department) const {
  RETURN_IF_ERROR(ValidateName("department", department));
  return cache_.Primary(subject, department, [this](const SubjectHash& h) {
    return ReadRecord(rocksdb::ReadOptions(), h);
  });
}

absl::optional<std::string> IdentityRegistry::CachedPrimaryLocalId(
    absl::string_view subject, absl::string_view department) const {
  return cache_.CachedPrimary(subject, department);
}

absl::StatusOr<IdentityRegistry::LinkResult> IdentityRegistry::Link(
    absl::string_view subject, const v1::LocalId& id, bool primary,
    absl::string_view actor, absl::string_view basis) {
  ASSIGN_OR_RETURN(const SubjectRef ref, cache_.Find(subject));
  RETURN_IF_ERROR(ValidateLocalId(id, "local_id."));
  RETURN_IF_ERROR(ValidateBasis(basis));
  RETURN_IF_ERROR(ValidateName("actor", actor));
  const ChangeContext context{std::string(actor), std::string(actor),
                              std::string(basis)};
  absl::MutexLock lock(&write_mu_);
  WriteSet ws(db_.get(), &shared_, NowMicros(), next_sequence_);
  ASSIGN_OR_RETURN(LinkOutcome outcome,
                   ApplyLink(ws, ref.hash, id, primary, context));
  RETURN_IF_ERROR(Commit(ws));
  LinkResult result;
  result.changed = outcome.added || outcome.updated;
  result.conflict = outcome.link.state() == v1::LINK_STATE_CONFLICT;
  result.link = std::move(outcome.link);
  return result;
}

absl::Status IdentityRegistry::Retract(absl::string_view subject,
                                       const v1::LocalId& id,
                                       absl::string_view actor,
                                       absl::string_view basis) {
  ASSIGN_OR_RETURN(const SubjectRef ref, cache_.Find(subject));
  RETURN_IF_ERROR(ValidateLocalId(id, "local_id."));
  RETURN_IF_ERROR(ValidateBasis(basis));
  RETURN_IF_ERROR(ValidateName("actor", actor));
  const ChangeContext context{std::string(actor), std::string(actor),
                              std::string(basis)};
  absl::MutexLock lock(&write_mu_);
  WriteSet ws(db_.get(), &shared_, NowMicros(), next_sequence_);
  RETURN_IF_ERROR(ApplyRetract(ws, ref.hash, id, context));
  return Commit(ws);
}

absl::StatusOr<int> IdentityRegistry::Merge(absl::string_view from,
                                            absl::string_view into,
                                            absl::string_view actor,
                                            absl::string_view basis) {
  absl::StatusOr<SubjectRef> from_ref = cache_.Find(from);
  if (!from_ref.ok())
    return RenameSubjectField(from_ref.status(), "from_subject");
  absl::StatusOr<SubjectRef> into_ref = cache_.Find(into);
  if (!into_ref.ok())
    return RenameSubjectField(into_ref.status(), "into_subject");
  if (from_ref->kind != into_ref->kind) {
    return absl::InvalidArgumentError(
        absl::StrCat("into_subject: is ", SubjectKindName(into_ref->kind),
                     " but from_subject is ", SubjectKindName(from_ref->kind),
                     "; only subjects of one kind can be merged"));
  }
  RETURN_IF_ERROR(ValidateBasis(basis));
  RETURN_IF_ERROR(ValidateName("actor", actor));
  const ChangeContext context{std::string(actor), std::string(actor),
                              std::string(basis)};
  absl::MutexLock lock(&write_mu_);
  WriteSet ws(db_.get(), &shared_, NowMicros(), next_sequence_);
  ASSIGN_OR_RETURN(const int moved,
                   ApplyMerge(ws, from_ref->hash, into_ref->hash, context));
  RETURN_IF_ERROR(Commit(ws));
  return moved;
}

}  // namespace datarun::identity

namespace datarun::identity {

template <typename Batch>
absl::StatusOr<IdentityRegistry::SyncStats> IdentityRegistry::LinkBatchImpl(
    absl::string_view department, const Batch& batch, absl::string_view actor) {
  RETURN_IF_ERROR(ValidateName("department", department));
  RETURN_IF_ERROR(ValidateName("actor", actor));
  SyncStats stats;
  stats.read = static_cast<int64_t>(batch.size());
  auto reject = [&stats](size_t index, const absl::Status& status) {
    ++stats.rejected;
    if (stats.samples.size() < kMaxRejectionSamples) {
      stats.samples.push_back(
          absl::StrCat("assertion ", index, ": ", status.message()));
    }
  };
  // Validation and hashing happen before the writer lock is taken.
  struct Valid {
    SubjectRef ref;
    v1::LocalId id;
    const v1::LocalIdAssertion* assertion;
  };
  std::vector<Valid> valid;
  valid.reserve(batch.size());
  size_t index = 0;
  for (const v1::LocalIdAssertion& assertion : batch) {
    absl::StatusOr<SubjectRef> ref = cache_.Find(assertion.subject());
    Valid v{SubjectRef(), v1::LocalId(), &assertion};
    v.id.set_department(std::string(department));
    v.id.set_kind(assertion.kind());
    v.id.set_value(assertion.value());
    absl::Status status = ref.status();
    if (status.ok()) status = ValidateLocalId(v.id, "");
    if (status.ok()) status = ValidateBasis(assertion.basis());
    if (!status.ok()) {
      reject(index++, status);
      continue;
    }
    v.ref = *ref;
    valid.push_back(std::move(v));
    ++index;
  }
  ChangeContext context{std::string(actor), std::string(department), ""};
  absl::MutexLock lock(&write_mu_);
  WriteSet ws(db_.get(), &shared_, NowMicros(), next_sequence_);
  for (const Valid& v : valid) {
    context.basis = v.assertion->basis();
    ASSIGN_OR_RETURN(
        LinkOutcome outcome,
        ApplyLink(ws, v.ref.hash, v.id, v.assertion->primary(), context));
    if (outcome.added) {
      ++stats.added;
      if (outcome.link.state() == v1::LINK_STATE_CONFLICT) ++stats.conflicts;
    } else if (outcome.updated) {
      ++stats.updated;
    } else {
      ++stats.unchanged;
    }
  }
  RETURN_IF_ERROR(Commit(ws));
  return stats;
}

absl::StatusOr<IdentityRegistry::SyncStats> IdentityRegistry::LinkBatch(
    absl::string_view department,
    const google::protobuf::RepeatedPtrField<v1::LocalIdAssertion>& batch,
    absl::string_view actor) {
  return LinkBatchImpl(department, batch, actor);
}

absl::StatusOr<IdentityRegistry::SyncStats> IdentityRegistry::LinkBatch(
    absl::string_view department,
    const std::vector<v1::LocalIdAssertion>& batch, absl::string_view actor) {
  return LinkBatchImpl(department, batch, actor);
}

}  // namespace datarun::identity
