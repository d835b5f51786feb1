// The case engine's pulls (see case_engine.h):
//
//  - at submission, the submission check: for each dataset-backed material,
//    one query as the submitting department under its intake grants (the
//    material's identifying fields only) says whether the owner holds it;
//  - before a step is dispatched, the step pulls: each dataset-backed
//    material the step lists is read by the step's department, for that
//    step, inside the open case; the records go to that step's review only.
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log.h"
#include "exchange/cases/case_engine.h"
#include "exchange/cases/case_engine_internal.h"

namespace datarun::cases {
namespace {

std::string OwnerOf(const catalog::Catalog& catalog,
                    absl::string_view dataset) {
  absl::StatusOr<const v1::Dataset*> found = catalog.FindDataset(dataset);
  return found.ok() ? (*found)->owner() : "";
}

// "step 'deed_tax' (tax) could not read material 'x' (dataset 'd' of
// owner): CODE: message".
std::string StepPullFailure(const v1::Step& step, const v1::Material& material,
                            absl::string_view owner, const absl::Status& status,
                            int attempts) {
  return absl::StrCat(
      "step '", step.id(), "' (", step.department(),
      ") could not read material '", material.id(), "' (dataset '",
      material.dataset(), "' of ", owner, ")",
      attempts > 1 ? absl::StrCat(" after ", attempts, " attempts") : "", ": ",
      absl::StatusCodeToString(status.code()), ": ", status.message());
}

// Sets the structured fields of a MATERIAL_PULLED event: `reader` read
// `material` from its dataset of `owner`; `answer` (null when the read
// failed) adds the grant, the record count and the read's audit entry.
void DescribeRead(v1::CaseEvent* event, absl::string_view reader,
                  const v1::Material& material, absl::string_view owner,
                  const v1::QueryResponse* answer) {
  event->set_reader(std::string(reader));
  event->set_dataset(material.dataset());
  event->set_owner(std::string(owner));
  if (answer == nullptr) return;
  event->set_grant_id(answer->grant_id());
  event->set_records(answer->records_size());
  event->set_audit_entry_index(answer->receipt().entry_index());
}

}  // namespace

void CaseEngine::StartPulls(const std::shared_ptr<OpenCase>& c) {
  struct Pull {
    std::string material;
    v1::QueryRequest query;
  };
  std::vector<Pull> pulls;
  std::string submitter, case_id;
  {
    absl::MutexLock lock(&c->mu);
    const v1::CaseType& type = *c->type;
    case_id = c->record.case_id();
    submitter = c->record.submitted_by();
    for (const v1::Material& material : type.materials()) {
      if (material.dataset().empty() || !material.issued_by_step().empty()) {
        continue;
      }
      auto kind = c->kinds.find(material.party());
      if (kind == c->kinds.end() || !MaterialApplies(material, kind->second)) {
        continue;
      }
      if (FindMaterialRecord(c->record, material.id()) != nullptr) continue;
      Pull& pull = pulls.emplace_back();
      pull.material = material.id();
      pull.query.set_dataset(material.dataset());
      for (const v1::CasePartyInput& party : c->record.parties()) {
        if (party.role() == material.party()) {
          pull.query.set_subject(party.subject());
        }
      }
      // The material's identifying fields, released by the submitter's
      // intake grants: whether the record exists, not its content.
      *pull.query.mutable_fields() = material.fields();
      v1::RequestContext* context = pull.query.mutable_context();
      context->set_purpose(type.purpose());
      context->set_case_id(case_id);
      context->set_on_behalf_of(c->record.on_behalf_of());
      context->set_request_id(absl::StrCat(case_id, "/", material.id()));
    }
    c->pending_pulls = static_cast<int>(pulls.size());
  }
  if (pulls.empty()) {
    executor_->Post([this, case_id] { AdvanceNow(case_id); });
    return;
  }
  const absl::Time deadline = absl::Now() + options_.pull_deadline;
  for (Pull& pull : pulls) {
    options_.query(
        submitter, pull.query, deadline,
        OnEngineThread<absl::StatusOr<v1::QueryResponse>>(
            [case_id, material = pull.material](
                CaseEngine* engine, absl::StatusOr<v1::QueryResponse> result) {
              engine->OnPullDone(case_id, material, std::move(result));
            }));
  }
}

void CaseEngine::OnPullDone(const std::string& case_id,
                            const std::string& material_id,
                            absl::StatusOr<v1::QueryResponse> result) {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c == nullptr) return;
  Txn txn;
  {
    absl::MutexLock lock(&c->mu);
    --c->pending_pulls;
    Txn& pull_txn = c->pull_txn;
    const v1::Material* material = FindMaterial(*c->type, material_id);
    const std::string owner = OwnerOf(*options_.catalog, material->dataset());
    v1::CaseEvent* event =
        AddEvent(*c, pull_txn, v1::CASE_EVENT_KIND_MATERIAL_PULLED);
    event->set_material(material_id);
    DescribeRead(event, c->record.submitted_by(), *material, owner,
                 result.ok() ? &*result : nullptr);
    if (result.ok() && result->records_size() > 0) {
      // Only the fact is kept: each step's department reads the content.
      v1::MaterialRecord* record = MaterialRecordOf(&c->record, material_id);
      record->set_source("pulled");
      record->set_department(owner);
      record->set_audit_entry_index(result->receipt().entry_index());
      event->set_detail(absl::StrCat(
          "held by ", owner, " (", material->dataset(), ", ",
          result->records_size(), " record(s)): checked by ",
          c->record.submitted_by(), " on identifying fields only"));
    } else {
      const std::string why = result.ok()
                                  ? absl::StrCat(owner, " holds no record")
                                  : std::string(result.status().message());
      event->set_detail(absl::StrCat("not pulled: ", why));
      if (material->deferrable()) {
        v1::MaterialRecord* record = MaterialRecordOf(&c->record, material_id);
        record->set_source("deferred");
        record->set_department(owner);
        const absl::Time due =
            absl::FromUnixMicros(c->record.submitted_at_micros()) +
            options_.defer_day * material->defer_days();
        record->set_due_at_micros(absl::ToUnixMicros(due));
        pull_txn.deadline_checks.push_back(due);
      }
    }
    if (c->pending_pulls > 0) return;
    txn = std::move(pull_txn);
    pull_txn = Txn();
    txn.change.previous_state = c->record.state();
    Advance(*c, txn);
    if (!CommitLocked(*c, txn).ok()) return;
  }
  Dispatch(c, txn);
}

v1::QueryRequest CaseEngine::StepPullQuery(const OpenCase& c,
                                           const v1::Step& step,
                                           const v1::Material& material) const {
  v1::QueryRequest query;
  query.set_dataset(material.dataset());
  for (const v1::CasePartyInput& party : c.record.parties()) {
    if (party.role() == material.party()) query.set_subject(party.subject());
  }
  // No fields: the department's case-bound grant names exactly the fields
  // its review reads.
  v1::RequestContext* context = query.mutable_context();
  context->set_purpose(c.type->purpose());
  context->set_case_id(c.record.case_id());
  context->set_on_behalf_of(c.record.on_behalf_of());
  context->set_request_id(
      absl::StrCat(c.record.case_id(), "/", step.id(), "/", material.id()));
  return query;
}

void CaseEngine::SendStepPull(const std::string& case_id,
                              const std::string& step,
                              const std::string& material,
                              const std::string& department,
                              const v1::QueryRequest& query) {
  options_.query(
      department, query, absl::Now() + options_.pull_deadline,
      OnEngineThread<absl::StatusOr<v1::QueryResponse>>(
          [case_id, step, material](CaseEngine* engine,
                                    absl::StatusOr<v1::QueryResponse> result) {
            engine->OnStepPullDone(case_id, step, material, std::move(result));
          }));
}

void CaseEngine::RetryStepPull(const std::string& case_id,
                               const std::string& step_id,
                               const std::string& material_id) {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c == nullptr) return;
  v1::QueryRequest query;
  std::string department;
  {
    absl::MutexLock lock(&c->mu);
    const v1::Step* step = FindStep(*c->type, step_id);
    const v1::Material* material = FindMaterial(*c->type, material_id);
    if (step == nullptr || material == nullptr ||
        c->pulling.count(step_id) == 0) {
      return;
    }
    OpenCase::StepPulls& pulls = c->pulling[step_id];
    --pulls.retrying;
    if (!IsOpenState(c->record.state())) {
      // The case ended while the retry waited: this pull is over.
      --pulls.pending;
      c->DropFinishedPulls();
    } else {
      query = StepPullQuery(*c, *step, *material);
      department = step->department();
    }
  }
  if (department.empty()) {
    MaybeEvict(case_id);
    return;
  }
  SendStepPull(case_id, step_id, material_id, department, query);
}

void CaseEngine::OnStepPullDone(const std::string& case_id,
                                const std::string& step_id,
                                const std::string& material_id,
                                absl::StatusOr<v1::QueryResponse> result) {
  std::shared_ptr<OpenCase> c = Find(case_id);
  if (c == nullptr) return;
  Txn txn;
  bool dispatch = false;
  {
    absl::MutexLock lock(&c->mu);
    auto it = c->pulling.find(step_id);
    const v1::Step* step = FindStep(*c->type, step_id);
    const v1::Material* material = FindMaterial(*c->type, material_id);
    if (it == c->pulling.end() || step == nullptr || material == nullptr) {
      return;
    }
    OpenCase::StepPulls& pulls = it->second;
    const bool open = IsOpenState(c->record.state());
    const std::string owner = OwnerOf(*options_.catalog, material->dataset());
    if (result.ok() && result->records_size() == 0) {
      result = absl::NotFoundError(absl::StrCat(owner, " holds no record"));
    }
    int& attempts = pulls.attempts[material_id];
    const bool retry = open && !result.ok() &&
                       Transient(result.status().code()) &&
                       attempts < options_.max_attempts;
    if (!retry) --pulls.pending;
    if (retry) {
      absl::Duration backoff = options_.retry_backoff;
      for (int i = 1; i < attempts; ++i) backoff *= 2;
      ++attempts;
      ++pulls.retrying;
      LogLine("case_step_pull_retried", LogLevel::kWarning)
          .Str("case_id", case_id)
          .Str("step", step_id)
          .Str("material", material_id)
          .Int("attempt", attempts)
          .Status(result.status());
      executor_->PostAt(absl::Now() + backoff,
                        [this, case_id, step_id, material_id] {
                          RetryStepPull(case_id, step_id, material_id);
                        });
      // The group's other steps need not wait for this department.
      dispatch =
          StartPulledSteps(*c, txn, pulls.group) && CommitLocked(*c, txn).ok();
    } else if (!open) {
      c->DropFinishedPulls();
    } else if (!result.ok() && !material->deferrable()) {
      // A required material the step's department cannot read: the case
      // fails now; the step's other pulls are dropped when they answer.
      const std::string reason =
          StepPullFailure(*step, *material, owner, result.status(), attempts);
      txn.change.previous_state = c->record.state();
      v1::CaseEvent* event =
          AddEvent(*c, txn, v1::CASE_EVENT_KIND_MATERIAL_PULLED);
      event->set_step(step_id);
      event->set_material(material_id);
      event->set_detail(reason);
      DescribeRead(event, step->department(), *material, owner, nullptr);
      const int index = StepIndex(*c->type, step_id);
      if (index >= 0) {
        v1::StepRecord* s = c->record.mutable_steps(index);
        s->set_state(v1::STEP_STATE_FAILED);
        s->set_reason(reason);
        s->set_finished_at_micros(absl::ToUnixMicros(absl::Now()));
        event = AddEvent(*c, txn, v1::CASE_EVENT_KIND_STEP_FINISHED);
        event->set_step(step_id);
        event->set_step_state(v1::STEP_STATE_FAILED);
        event->set_detail(reason);
      }
      FinishCase(*c, txn, v1::CASE_STATE_FAILED, reason);
      c->DropFinishedPulls();
      if (!CommitLocked(*c, txn).ok()) return;
      LogLine("case_step_pull_failed", LogLevel::kWarning)
          .Str("case_id", case_id)
          .Str("step", step_id)
          .Str("material", material_id)
          .Str("department", step->department())
          .Status(result.status());
    } else {
      pulls.results[material_id] = std::move(result);
      dispatch =
          StartPulledSteps(*c, txn, pulls.group) && CommitLocked(*c, txn).ok();
    }
  }
  if (dispatch) Dispatch(c, txn);
  MaybeEvict(case_id);
}

bool CaseEngine::StartPulledSteps(OpenCase& c, Txn& txn, uint64_t group) const {
  std::vector<std::string> steps;
  for (const auto& [id, other] : c.pulling) {
    if (other.group != group) continue;
    if (other.pending == 0) {
      steps.push_back(id);
    } else if (other.pending > other.retrying) {
      return false;  // A pull of the group is still on its way.
    }
  }
  if (steps.empty()) return false;
  txn.change.previous_state = c.record.state();
  for (const std::string& id : steps) RecordStepPulls(c, txn, id);
  Advance(c, txn);
  return true;
}

void CaseEngine::RecordStepPulls(OpenCase& c, Txn& txn,
                                 const std::string& step_id) const {
  auto it = c.pulling.find(step_id);
  OpenCase::StepPulls pulls = std::move(it->second);
  c.pulling.erase(it);
  const v1::Step& step = *FindStep(*c.type, step_id);
  for (auto& [material_id, result] : pulls.results) {
    const v1::Material& material = *FindMaterial(*c.type, material_id);
    const std::string owner = OwnerOf(*options_.catalog, material.dataset());
    const int attempts = pulls.attempts[material_id];
    v1::CaseEvent* event =
        AddEvent(c, txn, v1::CASE_EVENT_KIND_MATERIAL_PULLED);
    event->set_step(step_id);
    event->set_material(material_id);
    DescribeRead(event, step.department(), material, owner,
                 result.ok() ? &*result : nullptr);
    if (result.ok()) {
      v1::StepMaterial data;
      data.set_material(material_id);
      data.set_dataset(material.dataset());
      *data.mutable_records() = std::move(*result->mutable_records());
      event->set_detail(absl::StrCat(
          "read by ", step.department(), " for step '", step_id, "' from ",
          material.dataset(), " (", owner, ") under grant '",
          result->grant_id(), "': ", data.records_size(),
          " record(s), audit entry #", result->receipt().entry_index(),
          attempts > 1 ? absl::StrCat(", after ", attempts, " attempts") : ""));
      c.step_materials[step_id][material_id] = data;
      txn.change.step_materials.emplace_back(step_id, std::move(data));
      continue;
    }
    // A deferrable material: the step waits for the applicant to supply it
    // by its deadline.
    event->set_detail(absl::StrCat(
        StepPullFailure(step, material, owner, result.status(), attempts),
        "; the step waits for it to be supplied"));
    v1::MaterialRecord* record = MaterialRecordOf(&c.record, material_id);
    record->set_source("deferred");
    if (record->due_at_micros() == 0) {
      const absl::Time due =
          absl::FromUnixMicros(c.record.submitted_at_micros()) +
          options_.defer_day * material.defer_days();
      record->set_due_at_micros(absl::ToUnixMicros(due));
      txn.deadline_checks.push_back(due);
    }
  }
}

}  // namespace datarun::cases
