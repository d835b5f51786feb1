#include "exchange/cases/case_store.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/file_util.h"
#include "common/log.h"
#include "common/rocksdb_status.h"
#include "common/status_macros.h"
#include "rocksdb/write_batch.h"

namespace datarun::cases {
namespace {

bool IsOpen(v1::CaseState state) {
  return state == v1::CASE_STATE_RUNNING || state == v1::CASE_STATE_WAITING;
}

std::string CaseKey(absl::string_view id) { return absl::StrCat("c/", id); }
std::string OpenKey(absl::string_view id) { return absl::StrCat("o/", id); }
std::string EventPrefix(absl::string_view id) {
  return absl::StrCat("e/", id, "/");
}
std::string EventKey(absl::string_view id, uint64_t sequence) {
  return absl::StrCat(EventPrefix(id), absl::StrFormat("%016x", sequence));
}
std::string MaterialPrefix(absl::string_view id) {
  return absl::StrCat("m/", id, "/");
}
std::string StepMaterialPrefix(absl::string_view id) {
  return absl::StrCat("s/", id, "/");
}
// The first key after every key under `prefix`, which ends in '/'
// ('0' follows '/'): the end of a DeleteRange over the prefix.
std::string PrefixLimit(absl::string_view prefix) {
  return absl::StrCat(prefix.substr(0, prefix.size() - 1), "0");
}
std::string StepKeyPrefix(absl::string_view id) {
  return absl::StrCat("k/", id, "/");
}
// A case's place in the newest-first indexes: "<inverted time>/<case_id>".
std::string Position(const v1::CaseRecord& record) {
  return absl::StrCat(
      absl::StrFormat("%016x", UINT64_MAX - static_cast<uint64_t>(
                                                record.submitted_at_micros())),
      "/", record.case_id());
}
std::string TimeKey(const v1::CaseRecord& record) {
  return absl::StrCat("t/", Position(record));
}

// The party index: "p/<hex HMAC of the subject>/<position>". Its page tokens
// are "q/<position>" (never the hash: tokens travel in URLs and logs).
constexpr char kPartyTokenPrefix[] = "q/";
// Holds the hasher's hash of kPartyIndexProbe once the index is complete.
constexpr char kPartyIndexMarker[] = "meta/party_index";
constexpr char kPartyIndexProbe[] = "datarun case store party index";

std::string PartyPrefix(const audit::SubjectHasher& hasher,
                        absl::string_view subject) {
  return absl::StrCat("p/", hasher.Hash(subject), "/");
}

// One index key per distinct party subject of `record`.
std::vector<std::string> PartyKeys(const audit::SubjectHasher& hasher,
                                   const v1::CaseRecord& record) {
  std::vector<std::string> subjects;
  for (const v1::CasePartyInput& party : record.parties()) {
    if (!party.subject().empty()) subjects.push_back(party.subject());
  }
  std::sort(subjects.begin(), subjects.end());
  subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
  std::vector<std::string> keys;
  const std::string position = Position(record);
  for (const std::string& subject : subjects) {
    keys.push_back(absl::StrCat(PartyPrefix(hasher, subject), position));
  }
  return keys;
}

// True for "<16 hex digits>/<case id without '/'>".
bool IsPosition(absl::string_view position) {
  if (position.size() < 18 || position[16] != '/') return false;
  for (char c : position.substr(0, 16)) {
    if (!absl::ascii_isxdigit(c)) return false;
  }
  return position.find('/', 17) == absl::string_view::npos;
}

// Visits every key under `prefix`.
absl::Status ScanPrefix(
    rocksdb::DB* db, absl::string_view prefix,
    const std::function<bool(absl::string_view key, absl::string_view value)>&
        visit) {
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid();
       it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    if (!absl::StartsWith(key, prefix)) break;
    if (!visit(key, absl::string_view(it->value().data(), it->value().size())))
      break;
  }
  return FromRocksStatus(it->status(), "case store scan");
}

}  // namespace

absl::StatusOr<std::unique_ptr<CaseStore>> CaseStore::Open(Options options) {
  RETURN_IF_ERROR(MakeDirs(options.path));
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  RETURN_IF_ERROR(
      FromRocksStatus(rocksdb::DB::Open(db_options, options.path, &db),
                      absl::StrCat("case store ", options.path)));
  std::unique_ptr<CaseStore> store(new CaseStore);
  store->options_ = std::move(options);
  store->db_.reset(db);
  RETURN_IF_ERROR(store->EnsurePartyIndex());
  return store;
}

absl::Status CaseStore::EnsurePartyIndex() {
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  std::string marker;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), kPartyIndexMarker, &marker);
  if (!s.ok() && !s.IsNotFound()) {
    return FromRocksStatus(
        s, absl::StrCat("case store ", options_.path, ": party index marker"));
  }
  const absl::string_view what = "case store party index rebuild";
  if (options_.hasher == nullptr) {
    // Cases created from now on get no index rows: mark the index stale.
    if (s.IsNotFound()) return absl::OkStatus();
    return FromRocksStatus(db_->Delete(write_options, kPartyIndexMarker), what);
  }
  const std::string probe = options_.hasher->Hash(kPartyIndexProbe);
  if (s.ok() && marker == probe) return absl::OkStatus();

  // Missing or keyed otherwise: drop every row, then index every record.
  // The marker goes last, so a crash part-way rebuilds again on next open.
  rocksdb::WriteBatch batch;
  batch.Delete(kPartyIndexMarker);
  batch.DeleteRange("p/", PrefixLimit("p/"));
  int64_t cases = 0;
  bool bad = false;
  std::string bad_key;
  absl::Status flushed;
  RETURN_IF_ERROR(ScanPrefix(
      db_.get(), "c/", [&](absl::string_view key, absl::string_view value) {
        v1::CaseRecord record;
        if (!record.ParseFromArray(value.data(),
                                   static_cast<int>(value.size()))) {
          bad = true;
          bad_key = std::string(key);
          return false;
        }
        for (const std::string& row : PartyKeys(*options_.hasher, record)) {
          batch.Put(row, "");
        }
        ++cases;
        if (batch.Count() >= 10000) {
          flushed = FromRocksStatus(db_->Write(write_options, &batch), what);
          batch.Clear();
          if (!flushed.ok()) return false;
        }
        return true;
      }));
  RETURN_IF_ERROR(flushed);
  if (bad) {
    return absl::DataLossError(absl::StrCat(
        "case store ", options_.path, ": record '", bad_key,
        "' does not parse as datarun.v1.CaseRecord (party index rebuild)"));
  }
  batch.Put(kPartyIndexMarker, probe);
  RETURN_IF_ERROR(FromRocksStatus(db_->Write(write_options, &batch), what));
  if (cases > 0) {
    LogLine("case_party_index_rebuilt")
        .Str("path", options_.path)
        .Int("cases", cases);
  }
  return absl::OkStatus();
}

absl::Status CaseStore::Commit(const Change& change) {
  const v1::CaseRecord& record = *change.record;
  const std::string& id = record.case_id();
  rocksdb::WriteBatch batch;
  batch.Put(CaseKey(id), record.SerializeAsString());
  if (change.previous_state == v1::CASE_STATE_UNSPECIFIED) {
    batch.Put(TimeKey(record), "");
    if (options_.hasher != nullptr) {
      for (const std::string& row : PartyKeys(*options_.hasher, record)) {
        batch.Put(row, "");
      }
    }
    if (!change.request_key.empty()) {
      batch.Put(absl::StrCat("r/", change.request_key), id);
    }
  }
  if (IsOpen(record.state())) {
    if (!IsOpen(change.previous_state)) batch.Put(OpenKey(id), "");
  } else if (IsOpen(change.previous_state)) {
    batch.Delete(OpenKey(id));
  }
  for (const v1::CaseEvent& event : change.events) {
    batch.Put(EventKey(id, event.sequence()), event.SerializeAsString());
  }
  for (const v1::StepMaterial& material : change.materials) {
    batch.Put(absl::StrCat(MaterialPrefix(id), material.material()),
              material.SerializeAsString());
  }
  for (const auto& [step, key] : change.step_keys) {
    batch.Put(absl::StrCat(StepKeyPrefix(id), step), key);
  }
  for (const auto& [step, material] : change.step_materials) {
    batch.Put(
        absl::StrCat(StepMaterialPrefix(id), step, "/", material.material()),
        material.SerializeAsString());
  }
  if (IsOpen(change.previous_state) && !IsOpen(record.state())) {
    // The records the steps' departments read served their reviews (and a
    // resume) only: once the case has ended the exchange keeps no copy of
    // them; the audit log keeps each read's digest. Last in the batch, so
    // that it covers records this change wrote too.
    const std::string reads = StepMaterialPrefix(id);
    batch.DeleteRange(reads, PrefixLimit(reads));
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.sync;
  return FromRocksStatus(db_->Write(write_options, &batch),
                         absl::StrCat("case store write of case ", id));
}

absl::StatusOr<v1::CaseRecord> CaseStore::Get(absl::string_view case_id) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), CaseKey(case_id), &value);
  if (s.IsNotFound()) {
    return absl::NotFoundError(absl::StrCat("unknown case '", case_id, "'"));
  }
  RETURN_IF_ERROR(FromRocksStatus(s, "case store read"));
  v1::CaseRecord record;
  if (!record.ParseFromString(value)) {
    return absl::DataLossError(
        absl::StrCat("case store: record of case '", case_id,
                     "' does not parse as datarun.v1.CaseRecord"));
  }
  return record;
}

absl::StatusOr<absl::optional<std::string>> CaseStore::FindRequest(
    absl::string_view request_key) const {
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), absl::StrCat("r/", request_key), &value);
  if (s.IsNotFound()) return absl::optional<std::string>();
  RETURN_IF_ERROR(FromRocksStatus(s, "case store request index"));
  return absl::optional<std::string>(std::move(value));
}

absl::StatusOr<std::vector<v1::StepMaterial>> CaseStore::Materials(
    absl::string_view case_id) const {
  std::vector<v1::StepMaterial> out;
  bool bad = false;
  RETURN_IF_ERROR(ScanPrefix(db_.get(), MaterialPrefix(case_id),
                             [&](absl::string_view, absl::string_view value) {
                               out.emplace_back();
                               bad = !out.back().ParseFromArray(
                                   value.data(),
                                   static_cast<int>(value.size()));
                               return !bad;
                             }));
  if (bad) {
    return absl::DataLossError(absl::StrCat("case store: a material of case '",
                                            case_id, "' does not parse"));
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, v1::StepMaterial>>>
CaseStore::StepMaterials(absl::string_view case_id) const {
  std::vector<std::pair<std::string, v1::StepMaterial>> out;
  const std::string prefix = StepMaterialPrefix(case_id);
  bool bad = false;
  RETURN_IF_ERROR(ScanPrefix(
      db_.get(), prefix, [&](absl::string_view key, absl::string_view value) {
        absl::string_view rest = key.substr(prefix.size());
        auto& [step, material] = out.emplace_back();
        step = std::string(rest.substr(0, rest.find('/')));
        bad = !material.ParseFromArray(value.data(),
                                       static_cast<int>(value.size()));
        return !bad;
      }));
  if (bad) {
    return absl::DataLossError(absl::StrCat(
        "case store: a step material of case '", case_id, "' does not parse"));
  }
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, std::string>>>
CaseStore::StepKeys(absl::string_view case_id) const {
  std::vector<std::pair<std::string, std::string>> out;
  const std::string prefix = StepKeyPrefix(case_id);
  RETURN_IF_ERROR(ScanPrefix(
      db_.get(), prefix, [&](absl::string_view key, absl::string_view value) {
        out.emplace_back(std::string(key.substr(prefix.size())),
                         std::string(value));
        return true;
      }));
  return out;
}

absl::StatusOr<std::vector<v1::CaseEvent>> CaseStore::Events(
    absl::string_view case_id, uint64_t after) const {
  std::vector<v1::CaseEvent> out;
  bool bad = false;
  const std::string prefix = EventPrefix(case_id);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(EventKey(case_id, after + 1)); it->Valid(); it->Next()) {
    if (!it->key().starts_with(prefix)) break;
    v1::CaseEvent event;
    if (!event.ParseFromArray(it->value().data(),
                              static_cast<int>(it->value().size()))) {
      bad = true;
      break;
    }
    out.push_back(std::move(event));
  }
  RETURN_IF_ERROR(FromRocksStatus(it->status(), "case store events"));
  if (bad) {
    return absl::DataLossError(absl::StrCat("case store: an event of case '",
                                            case_id, "' does not parse"));
  }
  return out;
}

absl::StatusOr<std::vector<v1::CaseRecord>> CaseStore::OpenCases() const {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(ScanPrefix(db_.get(), "o/",
                             [&](absl::string_view key, absl::string_view) {
                               ids.emplace_back(key.substr(2));
                               return true;
                             }));
  std::vector<v1::CaseRecord> out;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(v1::CaseRecord record, Get(id));
    out.push_back(std::move(record));
  }
  return out;
}

absl::StatusOr<std::string> CaseStore::ScanNewestFirst(
    absl::string_view token, int64_t limit,
    const std::function<bool(const v1::CaseRecord&)>& visit) const {
  return ScanIndex("t/", "t/", token, limit, visit);
}

absl::StatusOr<std::string> CaseStore::ScanParty(
    absl::string_view subject, absl::string_view token, int64_t limit,
    const std::function<bool(const v1::CaseRecord&)>& visit) const {
  if (options_.hasher == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "case store ", options_.path,
        " keeps no party index (opened without a subject hasher)"));
  }
  return ScanIndex(PartyPrefix(*options_.hasher, subject), kPartyTokenPrefix,
                   token, limit, visit);
}

absl::StatusOr<std::string> CaseStore::ScanIndex(
    absl::string_view key_prefix, absl::string_view token_prefix,
    absl::string_view token, int64_t limit,
    const std::function<bool(const v1::CaseRecord&)>& visit) const {
  const rocksdb::Slice prefix(key_prefix.data(), key_prefix.size());
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions()));
  if (token.empty()) {
    it->Seek(prefix);
  } else {
    absl::string_view position = token;
    if (!absl::ConsumePrefix(&position, token_prefix) ||
        !IsPosition(position)) {
      return absl::InvalidArgumentError(
          "page_token: not a token of this listing (pass next_page_token "
          "unchanged, with the same party_subject)");
    }
    const std::string start = absl::StrCat(key_prefix, position);
    it->Seek(start);
    if (it->Valid() && it->key() == rocksdb::Slice(start)) it->Next();
  }
  int64_t visited = 0;
  std::string last;
  for (; it->Valid(); it->Next()) {
    if (!it->key().starts_with(prefix)) return std::string();
    absl::string_view key(it->key().data(), it->key().size());
    size_t slash = key.rfind('/');
    absl::StatusOr<v1::CaseRecord> record = Get(key.substr(slash + 1));
    if (!record.ok()) return record.status();
    last = absl::StrCat(token_prefix, key.substr(key_prefix.size()));
    ++visited;
    // Stopped by `visit` or the limit: a token only when rows follow.
    if (!visit(*record) || (limit > 0 && visited >= limit)) {
      it->Next();
      RETURN_IF_ERROR(FromRocksStatus(it->status(), "case store list"));
      bool more = it->Valid() && it->key().starts_with(prefix);
      return more ? last : std::string();
    }
  }
  RETURN_IF_ERROR(FromRocksStatus(it->status(), "case store list"));
  return std::string();
}

}  // namespace datarun::cases
