// The case engine's transitions: pulls, starting steps, review answers,
// retries, deadlines. See case_engine.h.
#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "exchange/cases/case_engine.h"
#include "exchange/cases/case_engine_internal.h"
#include "exchange/cases/case_metrics.h"

namespace datarun::cases {
namespace {

// Round of a review key: "<case>/<step>" is 1, "<case>/<step>/<n>" is n.
int RoundOf(absl::string_view key, absl::string_view case_id,
            absl::string_view step) {
  const std::string prefix = absl::StrCat(case_id, "/", step);
  if (key.size() <= prefix.size() + 1) return 1;
  int round = 1;
  if (!absl::SimpleAtoi(key.substr(prefix.size() + 1), &round)) return 1;
  return round;
}

}  // namespace

int StepIndex(const v1::CaseType& type, absl::string_view step) {
  for (int i = 0; i < type.steps_size(); ++i) {
    if (type.steps(i).id() == step) return i;
  }
  return -1;
}

bool Transient(absl::StatusCode code) {
  return code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kDeadlineExceeded;
}

std::string ReviewKey(absl::string_view case_id, absl::string_view step,
                      int round) {
  if (round <= 1) return absl::StrCat(case_id, "/", step);
  return absl::StrCat(case_id, "/", step, "/", round);
}

int64_t CaseEngine::NowMicros() const {
  return absl::ToUnixMicros(absl::Now());
}

v1::CaseEvent* CaseEngine::AddEvent(OpenCase& c, Txn& txn,
                                    v1::CaseEventKind kind) const {
  c.record.set_last_event(c.record.last_event() + 1);
  v1::CaseEvent& event = txn.change.events.emplace_back();
  event.set_case_id(c.record.case_id());
  event.set_sequence(c.record.last_event());
  event.set_at_micros(NowMicros());
  event.set_kind(kind);
  event.set_case_state(c.record.state());
  return &event;
}

absl::Status CaseEngine::CommitLocked(OpenCase& c, Txn& txn) const {
  txn.change.record = &c.record;
  absl::Status status = options_.store->Commit(txn.change);
  if (!status.ok()) {
    LogLine("case_store_write_failed", LogLevel::kError)
        .Str("case_id", c.record.case_id())
        .Status(status);
    // Nothing the transition would do may happen now.
    txn.sends.clear();
    txn.retries.clear();
    for (const Txn::Pull& pull : txn.pulls) c.pulling.erase(pull.step);
    txn.pulls.clear();
    return status;
  }
  for (const v1::CaseEvent& event : txn.change.events) {
    for (auto& [id, sink] : c.watchers) sink(event);
  }
  if (!IsOpenState(c.record.state())) c.watchers.clear();
  txn.change.previous_state = c.record.state();
  txn.change.events.clear();
  txn.change.materials.clear();
  txn.change.step_keys.clear();
  txn.change.step_materials.clear();
  txn.change.request_key.clear();
  return absl::OkStatus();
}

void CaseEngine::Dispatch(const std::shared_ptr<OpenCase>& c, Txn& txn) {
  std::string case_id;
  {
    absl::MutexLock lock(&c->mu);
    c->outstanding += static_cast<int>(txn.sends.size());
    case_id = c->record.case_id();
  }
  for (Txn::Send& send : txn.sends) {
    const std::string step = send.request.step();
    const std::string key = send.request.idempotency_key();
    options_.review(
        send.department, send.request, send.deadline,
        OnEngineThread<absl::StatusOr<v1::ReviewResponse>>(
            [case_id, step, key](CaseEngine* engine,
                                 absl::StatusOr<v1::ReviewResponse> result) {
              engine->OnReviewDone(case_id, step, key, std::move(result));
            }));
  }
  for (const Txn::Retry& retry : txn.retries) {
    executor_->PostAt(retry.when,
                      [this, case_id, step = retry.step, key = retry.key] {
                        Resend(case_id, step, key);
                      });
  }
  for (absl::Time when : txn.deadline_checks) {
    executor_->PostAt(when, [this, case_id] { CheckDeadline(case_id); });
  }
  for (const Txn::Pull& pull : txn.pulls) {
    SendStepPull(case_id, pull.step, pull.material, pull.department,
                 pull.query);
  }
  txn.pulls.clear();
  txn.sends.clear();
  txn.retries.clear();
  txn.deadline_checks.clear();
}

v1::ReviewRequest CaseEngine::BuildReview(const OpenCase& c,
                                          const v1::Step& step,
                                          const std::string& key) const {
  v1::ReviewRequest request;
  request.set_case_id(c.record.case_id());
  request.set_case_type(c.type->id());
  request.set_step(step.id());
  request.set_idempotency_key(key);
  for (const v1::CasePartyInput& party : c.record.parties()) {
    v1::CaseParty* out = request.add_parties();
    out->set_role(party.role());
    out->set_subject(party.subject());
    if (options_.local_id) {
      absl::StatusOr<std::string> local =
          options_.local_id(party.subject(), step.department());
      if (local.ok()) out->set_local_id(*local);
    }
  }
  auto pulled = c.step_materials.find(step.id());
  for (const std::string& id : step.materials()) {
    // Records the step's department read for it, unless the applicant
    // supplied the material since.
    const v1::MaterialRecord* record = FindMaterialRecord(c.record, id);
    if (pulled != c.step_materials.end() && record != nullptr &&
        record->source() == "pulled") {
      auto it = pulled->second.find(id);
      if (it != pulled->second.end()) {
        *request.add_materials() = it->second;
        continue;
      }
    }
    auto it = c.materials.find(id);
    if (it != c.materials.end()) *request.add_materials() = it->second;
  }
  for (const v1::MaterialRecord& record : c.record.materials()) {
    if (record.source() != "issued") continue;
    auto it = c.materials.find(record.material());
    if (it != c.materials.end()) *request.add_issued_before() = it->second;
  }
  v1::RequestContext* context = request.mutable_context();
  context->set_purpose(c.type->purpose());
  context->set_case_id(c.record.case_id());
  context->set_on_behalf_of(c.record.on_behalf_of());
  context->set_request_id(key);
  return request;
}

void CaseEngine::FinishCase(OpenCase& c, Txn& txn, v1::CaseState state,
                            const std::string& reason) const {
  c.record.set_state(state);
  c.record.set_reason(reason);
  c.record.set_finished_at_micros(NowMicros());
  for (v1::StepRecord& step : *c.record.mutable_steps()) {
    if (step.state() == v1::STEP_STATE_PENDING ||
        step.state() == v1::STEP_STATE_WAITING) {
      step.set_state(v1::STEP_STATE_SKIPPED);
    }
  }
  *c.record.mutable_metrics() =
      ComputeMetrics(*c.type, c.record, c.record.finished_at_micros());
  v1::CaseEvent* event = AddEvent(c, txn, v1::CASE_EVENT_KIND_FINISHED);
  event->set_detail(reason);
}

void CaseEngine::Advance(OpenCase& c, Txn& txn) const {
  if (!IsOpenState(c.record.state()) || c.pending_pulls > 0) return;
  const v1::CaseType& type = *c.type;
  auto approved = [&](absl::string_view id) {
    int i = StepIndex(type, id);
    return i >= 0 && c.record.steps(i).state() == v1::STEP_STATE_APPROVED;
  };
  std::vector<std::string> requested;
  for (const v1::MaterialRecord& m : c.record.materials()) {
    if (m.source() == "requested") requested.push_back(m.material());
  }
  bool all_approved = true, any_waiting = false;
  const uint64_t pull_group = ++c.last_pull_group;
  for (int i = 0; i < type.steps_size(); ++i) {
    const v1::Step& step = type.steps(i);
    v1::StepRecord* s = c.record.mutable_steps(i);
    if (s->state() == v1::STEP_STATE_APPROVED) continue;
    all_approved = false;
    if (s->state() != v1::STEP_STATE_PENDING &&
        s->state() != v1::STEP_STATE_WAITING) {
      continue;
    }
    if (!std::all_of(step.after().begin(), step.after().end(), approved)) {
      continue;
    }
    bool issuer_pending = false;
    std::vector<std::string> missing, to_pull;
    for (const std::string& id : step.materials()) {
      const v1::Material* material = FindMaterial(type, id);
      if (material == nullptr) continue;
      auto kind = c.kinds.find(material->party());
      if (kind != c.kinds.end() && !MaterialApplies(*material, kind->second)) {
        continue;
      }
      const v1::MaterialRecord* record = FindMaterialRecord(c.record, id);
      if (record != nullptr && record->source() == "pulled" &&
          !material->dataset().empty() && material->issued_by_step().empty()) {
        // Held by its department: the step's department reads it for the
        // step, once.
        auto pulled = c.step_materials.find(step.id());
        if (pulled == c.step_materials.end() || pulled->second.count(id) == 0) {
          to_pull.push_back(id);
        }
        continue;
      }
      if (record != nullptr && IsPresentSource(record->source()) &&
          c.materials.count(id) > 0) {
        continue;
      }
      if (!material->issued_by_step().empty() &&
          !approved(material->issued_by_step())) {
        issuer_pending = true;
        continue;
      }
      missing.push_back(id);
    }
    if (issuer_pending) continue;
    if (s->state() == v1::STEP_STATE_WAITING || !requested.empty()) {
      for (const std::string& id : requested) {
        if (std::find(missing.begin(), missing.end(), id) == missing.end()) {
          missing.push_back(id);
        }
      }
    }
    if (!missing.empty()) {
      const std::string reason =
          absl::StrCat("waits for material ", absl::StrJoin(missing, ", "));
      if (s->state() != v1::STEP_STATE_WAITING || s->reason() != reason) {
        s->set_state(v1::STEP_STATE_WAITING);
        s->set_reason(reason);
        v1::CaseEvent* event = AddEvent(c, txn, v1::CASE_EVENT_KIND_WAITING);
        event->set_step(step.id());
        event->set_material(missing.front());
        event->set_step_state(v1::STEP_STATE_WAITING);
        event->set_detail(reason);
      }
      any_waiting = true;
      continue;
    }
    if (!to_pull.empty()) {
      // Ready once its department has read its materials (in parallel with
      // every other step that became ready).
      if (c.pulling.count(step.id()) == 0) {
        OpenCase::StepPulls& pulls = c.pulling[step.id()];
        pulls.group = pull_group;
        pulls.pending = static_cast<int>(to_pull.size());
        for (const std::string& id : to_pull) {
          pulls.attempts[id] = 1;
          txn.pulls.push_back(
              {step.id(), id, step.department(),
               StepPullQuery(c, step, *FindMaterial(type, id))});
        }
      }
      if (s->state() == v1::STEP_STATE_WAITING) {
        s->set_state(v1::STEP_STATE_PENDING);
        s->clear_reason();
      }
      continue;
    }
    // Ready: start it.
    auto previous = c.keys.find(step.id());
    const int round =
        previous == c.keys.end()
            ? 1
            : RoundOf(previous->second, c.record.case_id(), step.id()) + 1;
    const std::string key = ReviewKey(c.record.case_id(), step.id(), round);
    c.keys[step.id()] = key;
    txn.change.step_keys.emplace_back(step.id(), key);
    s->set_state(v1::STEP_STATE_RUNNING);
    s->set_started_at_micros(NowMicros());
    s->set_finished_at_micros(0);
    s->set_attempts(1);
    s->clear_reason();
    v1::CaseEvent* event = AddEvent(c, txn, v1::CASE_EVENT_KIND_STEP_STARTED);
    event->set_step(step.id());
    event->set_step_state(v1::STEP_STATE_RUNNING);
    event->set_detail(absl::StrCat(step.department(), ", key ", key));
    const int sla = step.sla_seconds() > 0 ? step.sla_seconds() : 3600;
    txn.sends.push_back(
        {step.department(), BuildReview(c, step, key),
         absl::Now() + std::min(absl::Seconds(sla), options_.max_review_wait)});
  }
  if (all_approved) {
    FinishCase(c, txn, v1::CASE_STATE_COMPLETED, "");
    return;
  }
  c.record.set_state(any_waiting ? v1::CASE_STATE_WAITING
                                 : v1::CASE_STATE_RUNNING);
}

void CaseEngine::AdvanceNow(const std::string& case_id) {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c == nullptr) return;
  Txn txn;
  {
    absl::MutexLock lock(&c->mu);
    txn.change.previous_state = c->record.state();
    Advance(*c, txn);
    if (txn.change.events.empty() && txn.sends.empty()) {
      // Only pulls (reads, repeated after a crash): nothing to persist.
      if (txn.pulls.empty()) return;
    } else if (!CommitLocked(*c, txn).ok()) {
      return;
    }
  }
  Dispatch(c, txn);
}

void CaseEngine::OnReviewDone(const std::string& case_id,
                              const std::string& step_id,
                              const std::string& key,
                              absl::StatusOr<v1::ReviewResponse> result) {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c == nullptr) return;
  Txn txn;
  bool dispatch = false;
  {
    absl::MutexLock lock(&c->mu);
    --c->outstanding;
    dispatch = ApplyReview(*c, txn, step_id, key, std::move(result));
  }
  if (dispatch) Dispatch(c, txn);
  MaybeEvict(case_id);
}

bool CaseEngine::ApplyReview(OpenCase& c, Txn& txn, const std::string& step_id,
                             const std::string& key,
                             absl::StatusOr<v1::ReviewResponse> result) {
  const int index = StepIndex(*c.type, step_id);
  if (index < 0) return false;
  const v1::Step& step = c.type->steps(index);
  v1::StepRecord* s = c.record.mutable_steps(index);
  // A stale answer: an earlier round, or a duplicate after a resume.
  if (c.keys[step_id] != key || s->state() != v1::STEP_STATE_RUNNING) {
    return false;
  }
  txn.change.previous_state = c.record.state();
  const bool open = IsOpenState(c.record.state());
  const std::string who =
      absl::StrCat("step '", step.id(), "' (", step.department(), ")");
  auto finished = [&](v1::StepState state, const std::string& reason) {
    s->set_state(state);
    s->set_reason(reason);
    s->set_finished_at_micros(NowMicros());
    if (!open) return;
    v1::CaseEvent* event = AddEvent(c, txn, v1::CASE_EVENT_KIND_STEP_FINISHED);
    event->set_step(step.id());
    event->set_step_state(state);
    event->set_detail(reason);
  };
  if (!result.ok()) {
    const absl::Status& status = result.status();
    if (open && Transient(status.code()) &&
        s->attempts() < options_.max_attempts) {
      s->set_attempts(s->attempts() + 1);
      v1::CaseEvent* event = AddEvent(c, txn, v1::CASE_EVENT_KIND_STEP_RETRIED);
      event->set_step(step.id());
      event->set_step_state(v1::STEP_STATE_RUNNING);
      event->set_detail(
          absl::StrCat("attempt ", s->attempts(), " after ", status.message()));
      absl::Duration backoff = options_.retry_backoff;
      for (int i = 2; i < s->attempts(); ++i) backoff *= 2;
      txn.retries.push_back({absl::Now() + backoff, step.id(), key});
    } else {
      const std::string reason =
          absl::StrCat(who, " failed after ", s->attempts(),
                       " attempt(s): ", status.message());
      finished(v1::STEP_STATE_FAILED, reason);
      if (open) FinishCase(c, txn, v1::CASE_STATE_FAILED, reason);
    }
  } else {
    v1::ReviewResponse& response = *result;
    *s->mutable_findings() = response.findings();
    switch (response.decision()) {
      case v1::REVIEW_DECISION_APPROVE: {
        *s->mutable_issued() = response.issued();
        finished(v1::STEP_STATE_APPROVED, response.reason());
        if (!open) break;
        for (const v1::StepMaterial& issued : response.issued()) {
          c.materials[issued.material()] = issued;
          txn.change.materials.push_back(issued);
          v1::MaterialRecord* record =
              MaterialRecordOf(&c.record, issued.material());
          record->set_source("issued");
          record->set_department(step.department());
          record->set_due_at_micros(0);
        }
        Advance(c, txn);
        break;
      }
      case v1::REVIEW_DECISION_REJECT: {
        const std::string reason =
            absl::StrCat(who, " rejected the case: ", response.reason());
        finished(v1::STEP_STATE_REJECTED, response.reason());
        if (open) FinishCase(c, txn, v1::CASE_STATE_REJECTED, reason);
        break;
      }
      case v1::REVIEW_DECISION_NEEDS_SUPPLEMENT: {
        std::vector<std::string> known;
        for (const std::string& id : response.missing_materials()) {
          if (FindMaterial(*c.type, id) != nullptr) known.push_back(id);
        }
        if (known.empty()) {
          const std::string reason = absl::StrCat(
              who, " asked for a supplement without naming a material of '",
              c.type->id(), "': ", response.reason());
          finished(v1::STEP_STATE_FAILED, reason);
          if (open) FinishCase(c, txn, v1::CASE_STATE_FAILED, reason);
          break;
        }
        const std::string reason =
            absl::StrCat("needs supplement of ", absl::StrJoin(known, ", "),
                         ": ", response.reason());
        finished(v1::STEP_STATE_WAITING, reason);
        s->set_finished_at_micros(0);
        if (!open) break;
        for (const std::string& id : known) {
          MaterialRecordOf(&c.record, id)->set_source("requested");
        }
        Advance(c, txn);
        break;
      }
      default: {
        const std::string reason =
            absl::StrCat(who, " answered without a decision");
        finished(v1::STEP_STATE_FAILED, reason);
        if (open) FinishCase(c, txn, v1::CASE_STATE_FAILED, reason);
      }
    }
  }
  if (!open) {
    // Recorded and ignored: the case ended first.
    txn.sends.clear();
    txn.retries.clear();
  }
  return CommitLocked(c, txn).ok();
}

void CaseEngine::Resend(const std::string& case_id, const std::string& step_id,
                        const std::string& key) {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c == nullptr) return;
  Txn txn;
  {
    absl::MutexLock lock(&c->mu);
    const int index = StepIndex(*c->type, step_id);
    if (index < 0 || !IsOpenState(c->record.state()) ||
        c->record.steps(index).state() != v1::STEP_STATE_RUNNING ||
        c->keys[step_id] != key) {
      return;
    }
    const v1::Step& step = c->type->steps(index);
    const int sla = step.sla_seconds() > 0 ? step.sla_seconds() : 3600;
    txn.sends.push_back(
        {step.department(), BuildReview(*c, step, key),
         absl::Now() + std::min(absl::Seconds(sla), options_.max_review_wait)});
  }
  Dispatch(c, txn);
}

void CaseEngine::CheckDeadline(const std::string& case_id) {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c == nullptr) return;
  Txn txn;
  {
    absl::MutexLock lock(&c->mu);
    if (!IsOpenState(c->record.state())) return;
    const int64_t now = NowMicros();
    for (const v1::MaterialRecord& m : c->record.materials()) {
      if (m.source() != "deferred" || m.due_at_micros() == 0 ||
          m.due_at_micros() > now) {
        continue;
      }
      const v1::Material* material = FindMaterial(*c->type, m.material());
      txn.change.previous_state = c->record.state();
      FinishCase(
          *c, txn, v1::CASE_STATE_FAILED,
          absl::StrCat("deferred material '", m.material(), "' (",
                       material != nullptr ? material->title() : "",
                       ") was not supplied by its deadline ",
                       absl::FormatTime(absl::FromUnixMicros(m.due_at_micros()),
                                        absl::UTCTimeZone()),
                       " (", material != nullptr ? material->defer_days() : 0,
                       " days after submission)"));
      break;
    }
    if (txn.change.events.empty()) return;
    if (!CommitLocked(*c, txn).ok()) return;
  }
  MaybeEvict(case_id);
}

void CaseEngine::MaybeEvict(const std::string& case_id) {
  absl::MutexLock lock(&mu_);
  auto it = open_.find(case_id);
  if (it == open_.end()) return;
  OpenCase& c = *it->second;
  absl::MutexLock case_lock(&c.mu);
  if (!IsOpenState(c.record.state()) && c.outstanding == 0 &&
      c.pending_pulls == 0 && c.pulling.empty()) {
    open_.erase(it);
  }
}

}  // namespace datarun::cases
