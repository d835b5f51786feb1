#include "exchange/cases/case_engine.h"

#include <algorithm>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "exchange/cases/case_engine_internal.h"
#include "exchange/cases/case_metrics.h"

namespace datarun::cases {
namespace {

constexpr int64_t kMaxAggregated = 10000;

// The party's canonical subject, errors naming the party.
absl::StatusOr<std::string> Canonical(const std::string& role,
                                      const std::string& subject,
                                      identity::SubjectKind* kind) {
  absl::StatusOr<std::string> canonical =
      identity::NormalizeSubject(subject, kind);
  if (!canonical.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("parties[", role, "].", canonical.status().message()));
  }
  return canonical;
}

std::string NewCaseId() {
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* gen = new absl::BitGen;
  absl::MutexLock lock(&mu);
  return absl::StrFormat("case-%016x", absl::Uniform<uint64_t>(*gen));
}

// FAILED_PRECONDITION "case '<case_id>' <finished> (<state>)", for a change
// asked of a finished case.
absl::Status FinishedError(absl::string_view case_id,
                           absl::string_view finished, v1::CaseState state) {
  return absl::FailedPreconditionError(absl::StrCat(
      "case '", case_id, "' ", finished, " (", v1::CaseState_Name(state), ")"));
}

}  // namespace

bool IsOpenState(v1::CaseState state) {
  return state == v1::CASE_STATE_RUNNING || state == v1::CASE_STATE_WAITING;
}

const v1::MaterialRecord* FindMaterialRecord(const v1::CaseRecord& record,
                                             absl::string_view id) {
  for (const v1::MaterialRecord& m : record.materials()) {
    if (m.material() == id) return &m;
  }
  return nullptr;
}

v1::MaterialRecord* MaterialRecordOf(v1::CaseRecord* record,
                                     absl::string_view id) {
  for (v1::MaterialRecord& m : *record->mutable_materials()) {
    if (m.material() == id) return &m;
  }
  v1::MaterialRecord* m = record->add_materials();
  m->set_material(std::string(id));
  return m;
}

bool IsPresentSource(absl::string_view source) {
  return source == "pulled" || source == "uploaded" || source == "issued" ||
         source == "supplied";
}

bool CanRead(const std::string& caller, const v1::CaseRecord& record,
             const v1::CaseType* type,
             const std::vector<std::string>& audit_readers) {
  if (caller == record.submitted_by()) return true;
  if (std::find(audit_readers.begin(), audit_readers.end(), caller) !=
      audit_readers.end()) {
    return true;
  }
  if (type != nullptr) {
    for (const v1::Step& step : type->steps()) {
      if (step.department() == caller) return true;
    }
  }
  return false;
}

CaseEngine::CaseEngine(Options options) : options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<CaseEngine>> CaseEngine::Start(Options options) {
  if (options.case_types == nullptr || options.catalog == nullptr ||
      options.store == nullptr || !options.review || !options.query) {
    return absl::InvalidArgumentError(
        "case engine: case_types, catalog, store, review and query are "
        "required");
  }
  std::unique_ptr<CaseEngine> engine(new CaseEngine(std::move(options)));
  engine->executor_ = std::make_unique<CaseExecutor>(engine->options_.threads);
  engine->gate_ = std::make_shared<Gate>();
  {
    absl::MutexLock lock(&engine->gate_->mu);
    engine->gate_->engine = engine.get();
  }
  if (engine->options_.on_created) engine->options_.on_created(engine.get());
  RETURN_IF_ERROR(engine->Resume());
  return engine;
}

CaseEngine::~CaseEngine() {
  {
    absl::MutexLock lock(&gate_->mu);
    gate_->engine = nullptr;
  }
  executor_.reset();
}

int CaseEngine::open_cases() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(open_.size());
}

std::shared_ptr<CaseEngine::OpenCase> CaseEngine::Find(
    absl::string_view case_id) const {
  absl::MutexLock lock(&mu_);
  auto it = open_.find(case_id);
  return it == open_.end() ? nullptr : it->second;
}

absl::Status CaseEngine::CheckCaseBinding(absl::string_view case_id,
                                          absl::string_view case_type,
                                          absl::string_view subject) const {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "case '", case_id, "' is not open (unknown, or already finished)"));
  }
  absl::MutexLock lock(&c->mu);
  if (!IsOpenState(c->record.state())) {
    return absl::FailedPreconditionError(
        absl::StrCat("case '", case_id, "' is already finished (",
                     v1::CaseState_Name(c->record.state()), ")"));
  }
  if (c->record.case_type() != case_type) {
    return absl::FailedPreconditionError(
        absl::StrCat("case '", case_id, "' is a ", c->record.case_type(),
                     " case, not ", case_type));
  }
  for (const v1::CasePartyInput& party : c->record.parties()) {
    if (party.subject() == subject) return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      absl::StrCat("the subject is not a party of case '", case_id, "'"));
}

absl::Status CaseEngine::Resume() {
  ASSIGN_OR_RETURN(std::vector<v1::CaseRecord> records,
                   options_.store->OpenCases());
  for (v1::CaseRecord& record : records) {
    auto c = std::make_shared<OpenCase>();
    absl::StatusOr<const v1::CaseType*> type =
        options_.case_types->Find(record.case_type());
    if (!type.ok()) {
      return absl::FailedPreconditionError(
          absl::StrCat("case store: open case '", record.case_id(),
                       "': ", type.status().message()));
    }
    Txn txn;
    {
      absl::MutexLock lock(&c->mu);
      c->type = *type;
      c->record = std::move(record);
      for (const v1::CasePartyInput& party : c->record.parties()) {
        absl::StatusOr<identity::SubjectKind> kind =
            identity::ValidateSubject(party.subject());
        if (kind.ok()) c->kinds[party.role()] = *kind;
      }
      const std::string& id = c->record.case_id();
      ASSIGN_OR_RETURN(std::vector<v1::StepMaterial> materials,
                       options_.store->Materials(id));
      for (v1::StepMaterial& m : materials) {
        c->materials[m.material()] = std::move(m);
      }
      ASSIGN_OR_RETURN(auto pulled, options_.store->StepMaterials(id));
      for (auto& [step, m] : pulled) {
        std::string material = m.material();
        c->step_materials[step][material] = std::move(m);
      }
      ASSIGN_OR_RETURN(auto keys, options_.store->StepKeys(id));
      for (auto& [step, key] : keys) c->keys[step] = key;
      txn.change.previous_state = c->record.state();
      int resent = 0;
      for (int i = 0; i < c->type->steps_size(); ++i) {
        v1::StepRecord* s = c->record.mutable_steps(i);
        if (s->state() != v1::STEP_STATE_RUNNING) continue;
        const v1::Step& step = c->type->steps(i);
        std::string& key = c->keys[step.id()];
        if (key.empty()) {
          key = ReviewKey(id, step.id(), 1);
          txn.change.step_keys.emplace_back(step.id(), key);
        }
        s->set_attempts(s->attempts() + 1);
        const int sla = step.sla_seconds() > 0 ? step.sla_seconds() : 3600;
        txn.sends.push_back({step.department(), BuildReview(*c, step, key),
                             absl::Now() + std::min(absl::Seconds(sla),
                                                    options_.max_review_wait)});
        ++resent;
      }
      for (const v1::MaterialRecord& m : c->record.materials()) {
        if (m.source() == "deferred" && m.due_at_micros() > 0) {
          txn.deadline_checks.push_back(
              absl::FromUnixMicros(m.due_at_micros()));
        }
      }
      v1::CaseEvent* event = AddEvent(*c, txn, v1::CASE_EVENT_KIND_RESUMED);
      event->set_detail(absl::StrCat("exchange restarted; ", resent,
                                     " running review(s) re-sent with their "
                                     "idempotency keys"));
      RETURN_IF_ERROR(CommitLocked(*c, txn));
      LogLine("case_resumed").Str("case_id", id).Int("resent", resent);
    }
    {
      absl::MutexLock lock(&mu_);
      open_[c->record.case_id()] = c;
    }
    Dispatch(c, txn);
    StartPulls(c);
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::SubmitCaseResponse> CaseEngine::Submit(
    const std::string& submitter, const v1::SubmitCaseRequest& request) {
  if (request.request_id().empty()) {
    return absl::InvalidArgumentError(
        "request_id: required (the idempotency key of the submission)");
  }
  ASSIGN_OR_RETURN(const v1::CaseType* type,
                   options_.case_types->Find(request.case_type()));
  const std::string request_key =
      absl::StrCat(submitter, "/", request.request_id());
  v1::SubmitCaseResponse response;
  ASSIGN_OR_RETURN(absl::optional<std::string> existing,
                   options_.store->FindRequest(request_key));
  if (existing.has_value()) {
    ASSIGN_OR_RETURN(*response.mutable_case_(), Snapshot(*existing));
    response.set_created(false);
    return response;
  }
  {
    absl::MutexLock lock(&mu_);
    if (!submitting_.insert(request_key).second) {
      return absl::AbortedError(
          absl::StrCat("request_id '", request.request_id(),
                       "' is being submitted right now; retry"));
    }
  }
  struct Release {
    CaseEngine* engine;
    std::string key;
    ~Release() {
      absl::MutexLock lock(&engine->mu_);
      engine->submitting_.erase(key);
    }
  } release{this, request_key};
  // Re-check under the in-flight marker: a concurrent twin may just have
  // committed.
  ASSIGN_OR_RETURN(existing, options_.store->FindRequest(request_key));
  if (existing.has_value()) {
    ASSIGN_OR_RETURN(*response.mutable_case_(), Snapshot(*existing));
    response.set_created(false);
    return response;
  }

  auto c = std::make_shared<OpenCase>();
  c->type = type;
  v1::CaseRecord& record = c->record;
  // Parties.
  for (const v1::CasePartyInput& party : request.parties()) {
    if (std::find(type->parties().begin(), type->parties().end(),
                  party.role()) == type->parties().end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "parties: case type '", type->id(), "' has no party '", party.role(),
          "' (parties: ", absl::StrJoin(type->parties(), ", "), ")"));
    }
    if (c->kinds.contains(party.role())) {
      return absl::InvalidArgumentError(
          absl::StrCat("parties: party '", party.role(), "' given twice"));
    }
    identity::SubjectKind kind = identity::SubjectKind::kPerson;
    ASSIGN_OR_RETURN(std::string subject,
                     Canonical(party.role(), party.subject(), &kind));
    c->kinds[party.role()] = kind;
    v1::CasePartyInput* out = record.add_parties();
    out->set_role(party.role());
    out->set_subject(subject);
  }
  for (const std::string& role : type->parties()) {
    if (!c->kinds.contains(role)) {
      return absl::InvalidArgumentError(absl::StrCat("parties: missing party '",
                                                     role, "' of case type '",
                                                     type->id(), "'"));
    }
  }
  // Uploaded and deferred materials.
  absl::flat_hash_set<std::string> uploaded, deferred;
  for (const v1::UploadedMaterial& upload : request.uploaded()) {
    if (FindMaterial(*type, upload.material()) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("uploaded: case type '", type->id(),
                       "' has no material '", upload.material(), "'"));
    }
    if (upload.reference().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "uploaded[", upload.material(), "].reference: required"));
    }
    uploaded.insert(upload.material());
  }
  for (const std::string& id : request.deferred()) {
    const v1::Material* material = FindMaterial(*type, id);
    if (material == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "deferred: case type '", type->id(), "' has no material '", id, "'"));
    }
    if (!material->deferrable()) {
      return absl::FailedPreconditionError(
          absl::StrCat("deferred: material '", id, "' (", material->title(),
                       ") may not be deferred: it is needed at submission"));
    }
    deferred.insert(id);
  }
  std::vector<std::string> missing;
  for (const v1::Material& material : type->materials()) {
    if (!MaterialApplies(material, c->kinds[material.party()])) continue;
    if (uploaded.contains(material.id()) || deferred.contains(material.id()) ||
        !material.dataset().empty() || !material.issued_by_step().empty()) {
      continue;
    }
    missing.push_back(absl::StrCat(
        "'", material.id(), "' (", material.title(), ")",
        material.deferrable() ? " (deferrable: list it in `deferred`)" : ""));
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "uploaded: required material(s) neither pulled from shared data nor "
        "uploaded: ",
        absl::StrJoin(missing, ", ")));
  }

  const int64_t now = NowMicros();
  record.set_case_id(NewCaseId());
  record.set_case_type(type->id());
  record.set_state(v1::CASE_STATE_RUNNING);
  record.set_submitted_by(submitter);
  record.set_on_behalf_of(request.on_behalf_of());
  record.set_submitted_at_micros(now);
  for (const v1::Step& step : type->steps()) {
    v1::StepRecord* s = record.add_steps();
    s->set_step(step.id());
    s->set_department(step.department());
    s->set_state(v1::STEP_STATE_PENDING);
  }
  Txn txn;
  txn.change.request_key = request_key;
  for (const v1::UploadedMaterial& upload : request.uploaded()) {
    v1::MaterialRecord* m = MaterialRecordOf(&record, upload.material());
    m->set_source("uploaded");
    v1::StepMaterial data;
    data.set_material(upload.material());
    data.set_reference(upload.reference());
    c->materials[upload.material()] = data;
    txn.change.materials.push_back(std::move(data));
  }
  for (const std::string& id : request.deferred()) {
    if (uploaded.contains(id)) continue;
    const v1::Material* material = FindMaterial(*type, id);
    v1::MaterialRecord* m = MaterialRecordOf(&record, id);
    m->set_source("deferred");
    const absl::Time due =
        absl::FromUnixMicros(now) + options_.defer_day * material->defer_days();
    m->set_due_at_micros(absl::ToUnixMicros(due));
    txn.deadline_checks.push_back(due);
  }
  v1::SubmitCaseResponse out;
  {
    absl::MutexLock lock(&c->mu);
    v1::CaseEvent* event = AddEvent(*c, txn, v1::CASE_EVENT_KIND_SUBMITTED);
    event->set_detail(absl::StrCat("by ", submitter, ": ", uploaded.size(),
                                   " uploaded, ", deferred.size(),
                                   " deferred"));
    RETURN_IF_ERROR(CommitLocked(*c, txn));
    *out.mutable_case_() = c->record;
  }
  {
    absl::MutexLock lock(&mu_);
    open_[out.case_().case_id()] = c;
  }
  out.set_created(true);
  *out.mutable_case_()->mutable_metrics() =
      ComputeMetrics(*type, out.case_(), NowMicros());
  LogLine("case_submitted")
      .Str("case_id", out.case_().case_id())
      .Str("case_type", type->id())
      .Str("submitter", submitter);
  Dispatch(c, txn);
  StartPulls(c);
  return out;
}

absl::StatusOr<v1::CaseRecord> CaseEngine::Snapshot(
    absl::string_view case_id) const {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c != nullptr) {
    absl::MutexLock lock(&c->mu);
    v1::CaseRecord record = c->record;
    *record.mutable_metrics() = ComputeMetrics(*c->type, record, NowMicros());
    return record;
  }
  ASSIGN_OR_RETURN(v1::CaseRecord record, options_.store->Get(case_id));
  absl::StatusOr<const v1::CaseType*> type =
      options_.case_types->Find(record.case_type());
  if (type.ok() && !record.has_metrics()) {
    *record.mutable_metrics() = ComputeMetrics(**type, record, NowMicros());
  }
  return record;
}

absl::Status CaseEngine::CheckRead(const std::string& caller,
                                   const v1::CaseRecord& record) const {
  absl::StatusOr<const v1::CaseType*> type =
      options_.case_types->Find(record.case_type());
  if (CanRead(caller, record, type.ok() ? *type : nullptr,
              options_.audit_readers)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "department '", caller, "' may not read case '", record.case_id(),
      "' (its submitter, the audit readers and the departments performing "
      "its steps may)"));
}

absl::StatusOr<std::shared_ptr<CaseEngine::OpenCase>> CaseEngine::FindForChange(
    const std::string& caller, absl::string_view case_id,
    absl::string_view finished) const {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c != nullptr) return c;
  // Not in memory: finished, or unknown (the store says NOT_FOUND).
  ASSIGN_OR_RETURN(v1::CaseRecord record, options_.store->Get(case_id));
  RETURN_IF_ERROR(CheckRead(caller, record));
  return FinishedError(case_id, finished, record.state());
}

absl::Status CaseEngine::CheckChangeLocked(const OpenCase& c,
                                           const std::string& caller,
                                           absl::string_view verb,
                                           absl::string_view finished) const {
  if (caller != c.record.submitted_by()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "only the submitting department '", c.record.submitted_by(), "' may ",
        verb, " case '", c.record.case_id(), "'"));
  }
  if (!IsOpenState(c.record.state())) {
    return FinishedError(c.record.case_id(), finished, c.record.state());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CaseRecord> CaseEngine::Get(
    const std::string& caller, absl::string_view case_id) const {
  ASSIGN_OR_RETURN(v1::CaseRecord record, Snapshot(case_id));
  RETURN_IF_ERROR(CheckRead(caller, record));
  return record;
}

absl::StatusOr<v1::ListCasesResponse> CaseEngine::List(
    const std::string& caller, const v1::ListCasesRequest& request) const {
  v1::ListCasesResponse response;
  const int page_size =
      request.page_size() > 0 ? std::min(request.page_size(), 1000) : 50;
  std::string party;  // canonical party_subject, or "" for every case
  if (!request.party_subject().empty()) {
    identity::SubjectKind kind;
    absl::StatusOr<std::string> canonical =
        identity::NormalizeSubject(request.party_subject(), &kind);
    if (!canonical.ok()) {
      return identity::NameSubjectField(canonical.status(), "party_subject");
    }
    party = *std::move(canonical);
  }
  auto scan = [&](absl::string_view token, int64_t limit,
                  const std::function<bool(const v1::CaseRecord&)>& visit) {
    return party.empty()
               ? options_.store->ScanNewestFirst(token, limit, visit)
               : options_.store->ScanParty(party, token, limit, visit);
  };
  auto visible = [&](const v1::CaseRecord& stored, v1::CaseRecord* out) {
    absl::StatusOr<const v1::CaseType*> type =
        options_.case_types->Find(stored.case_type());
    if (!CanRead(caller, stored, type.ok() ? *type : nullptr,
                 options_.audit_readers)) {
      return false;
    }
    if (IsOpenState(stored.state())) {
      absl::StatusOr<v1::CaseRecord> live = Snapshot(stored.case_id());
      *out = live.ok() ? *live : stored;
    } else {
      *out = stored;
    }
    return true;
  };
  auto matches = [&](const v1::CaseRecord& r) {
    return (party.empty() || std::any_of(r.parties().begin(), r.parties().end(),
                                         [&](const v1::CasePartyInput& p) {
                                           return p.subject() == party;
                                         })) &&
           (request.case_type().empty() ||
            r.case_type() == request.case_type()) &&
           (request.state() == v1::CASE_STATE_UNSPECIFIED ||
            r.state() == request.state());
  };
  ASSIGN_OR_RETURN(
      std::string token,
      scan(request.page_token(), 0, [&](const v1::CaseRecord& stored) {
        v1::CaseRecord r;
        if (!visible(stored, &r) || !matches(r)) return true;
        *response.add_cases() = std::move(r);
        return response.cases_size() < page_size;
      }));
  response.set_next_page_token(token);
  CaseAggregator aggregator;
  RETURN_IF_ERROR(scan("", kMaxAggregated, [&](const v1::CaseRecord& stored) {
                    v1::CaseRecord r;
                    if (visible(stored, &r) && matches(r)) {
                      aggregator.Add(r);
                    }
                    return true;
                  }).status());
  for (v1::CaseTypeAggregate& a : aggregator.Finish()) {
    *response.add_aggregates() = std::move(a);
  }
  return response;
}

absl::StatusOr<v1::CaseRecord> CaseEngine::Supplement(
    const std::string& caller, const v1::SupplementRequest& request) {
  constexpr absl::string_view kFinished = "is finished";
  ASSIGN_OR_RETURN(std::shared_ptr<OpenCase> c,
                   FindForChange(caller, request.case_id(), kFinished));
  const std::string& id = request.material().material();
  Txn txn;
  v1::CaseRecord out;
  {
    absl::MutexLock lock(&c->mu);
    RETURN_IF_ERROR(CheckChangeLocked(*c, caller, "supplement", kFinished));
    if (FindMaterial(*c->type, id) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("material.material: case type '", c->type->id(),
                       "' has no material '", id, "'"));
    }
    if (request.material().reference().empty()) {
      return absl::InvalidArgumentError("material.reference: required");
    }
    for (const v1::MaterialRecord& m : c->record.materials()) {
      if (m.material() == id && IsPresentSource(m.source())) {
        return absl::FailedPreconditionError(absl::StrCat(
            "case '", request.case_id(), "' does not wait for material '", id,
            "' (it was ", m.source(), ")"));
      }
    }
    txn.change.previous_state = c->record.state();
    v1::MaterialRecord* m = MaterialRecordOf(&c->record, id);
    m->set_source("supplied");
    m->set_due_at_micros(0);
    v1::StepMaterial data;
    data.set_material(id);
    data.set_reference(request.material().reference());
    c->materials[id] = data;
    txn.change.materials.push_back(std::move(data));
    v1::CaseEvent* event = AddEvent(*c, txn, v1::CASE_EVENT_KIND_SUPPLEMENTED);
    event->set_material(id);
    Advance(*c, txn);
    RETURN_IF_ERROR(CommitLocked(*c, txn));
    out = c->record;
    *out.mutable_metrics() = ComputeMetrics(*c->type, out, NowMicros());
  }
  Dispatch(c, txn);
  return out;
}

absl::StatusOr<v1::CaseRecord> CaseEngine::Cancel(
    const std::string& caller, const v1::CancelCaseRequest& request) {
  constexpr absl::string_view kFinished = "is already finished";
  ASSIGN_OR_RETURN(std::shared_ptr<OpenCase> c,
                   FindForChange(caller, request.case_id(), kFinished));
  Txn txn;
  v1::CaseRecord out;
  {
    absl::MutexLock lock(&c->mu);
    RETURN_IF_ERROR(CheckChangeLocked(*c, caller, "cancel", kFinished));
    txn.change.previous_state = c->record.state();
    FinishCase(*c, txn, v1::CASE_STATE_CANCELLED,
               request.reason().empty() ? absl::StrCat("cancelled by ", caller)
                                        : absl::StrCat("cancelled by ", caller,
                                                       ": ", request.reason()));
    RETURN_IF_ERROR(CommitLocked(*c, txn));
    out = c->record;
  }
  MaybeEvict(request.case_id());
  return out;
}

absl::StatusOr<CaseEngine::WatchStart> CaseEngine::Watch(
    const std::string& caller, absl::string_view case_id, uint64_t after,
    EventSink sink) {
  WatchStart start;
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c != nullptr) {
    absl::MutexLock lock(&c->mu);
    RETURN_IF_ERROR(CheckRead(caller, c->record));
    // Every event up to last_event is committed (commits run under c->mu).
    ASSIGN_OR_RETURN(std::vector<v1::CaseEvent> past,
                     options_.store->Events(case_id, after));
    for (const v1::CaseEvent& event : past) sink(event);
    if (IsOpenState(c->record.state())) {
      start.id = next_watch_.fetch_add(1);
      // A caller may name a sequence beyond the last event; it gets only
      // the events after it.
      c->watchers[start.id] =
          [after, sink = std::move(sink)](const v1::CaseEvent& event) {
            if (event.sequence() > after) sink(event);
          };
    }
    return start;
  }
  ASSIGN_OR_RETURN(v1::CaseRecord record, options_.store->Get(case_id));
  RETURN_IF_ERROR(CheckRead(caller, record));
  ASSIGN_OR_RETURN(std::vector<v1::CaseEvent> past,
                   options_.store->Events(case_id, after));
  for (const v1::CaseEvent& event : past) sink(event);
  return start;
}

void CaseEngine::Unwatch(absl::string_view case_id, uint64_t id) {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c == nullptr) return;
  absl::MutexLock lock(&c->mu);
  c->watchers.erase(id);
}

}  // namespace datarun::cases
