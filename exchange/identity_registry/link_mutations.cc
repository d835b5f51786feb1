#include "exchange/identity_registry/link_mutations.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace datarun::identity {
namespace {

bool Contains(const std::vector<SubjectHash>& list, const SubjectHash& h) {
  return std::find(list.begin(), list.end(), h) != list.end();
}

void EraseFrom(std::vector<SubjectHash>& list, const SubjectHash& h) {
  list.erase(std::remove(list.begin(), list.end(), h), list.end());
}

}  // namespace

absl::StatusOr<SubjectHash> FollowMerge(WriteSet& ws, const SubjectHash& h) {
  ASSIGN_OR_RETURN(const SubjectRecord* record, ws.Record(h));
  if (!record->merged_into.has_value()) return h;
  const SubjectHash target = *record->merged_into;
  ASSIGN_OR_RETURN(const SubjectRecord* next, ws.Record(target));
  if (next->merged_into.has_value()) {
    return absl::DataLossError(absl::StrCat(
        "identity registry: subject ", Fingerprint(h), " is merged into ",
        Fingerprint(target), ", which is itself merged"));
  }
  return target;
}

absl::Status Reconcile(WriteSet& ws, const v1::LocalId& id,
                       const ChangeContext& context) {
  ASSIGN_OR_RETURN(const std::vector<SubjectHash>* claims_now, ws.Claims(id));
  if (claims_now->size() >= 2) {
    // The conflict marker may change with the kind's shared-ness.
    ASSIGN_OR_RETURN(claims_now, ws.MutableClaims(id));
  }
  const std::vector<SubjectHash> claims = *claims_now;
  const bool shared = ws.IsShared(id);
  for (const SubjectHash& claimant : claims) {
    std::vector<std::string> want;
    if (!shared) {
      for (const SubjectHash& other : claims) {
        if (other != claimant) want.push_back(Fingerprint(other));
      }
    }
    const v1::LinkState want_state =
        want.empty() ? v1::LINK_STATE_ACTIVE : v1::LINK_STATE_CONFLICT;
    ASSIGN_OR_RETURN(const SubjectRecord* view, ws.Record(claimant));
    const v1::IdentityLink* current = view->Find(id);
    if (current == nullptr) {
      return absl::DataLossError(absl::StrCat(
          "identity registry: ", LocalIdName(id), " is claimed by subject ",
          Fingerprint(claimant), ", which has no such link"));
    }
    const std::vector<std::string> have(current->conflicting_subjects().begin(),
                                        current->conflicting_subjects().end());
    if (have == want && current->state() == want_state) continue;
    ASSIGN_OR_RETURN(SubjectRecord * record, ws.MutableRecord(claimant));
    v1::IdentityLink* link = record->Find(id);
    for (const std::string& fp : want) {
      if (std::find(have.begin(), have.end(), fp) == have.end()) {
        ws.AddEvent(claimant, v1::IDENTITY_EVENT_KIND_CONFLICT_FLAGGED, &id, fp,
                    context);
      }
    }
    for (const std::string& fp : have) {
      if (std::find(want.begin(), want.end(), fp) == want.end()) {
        ws.AddEvent(claimant, v1::IDENTITY_EVENT_KIND_CONFLICT_CLEARED, &id, fp,
                    context);
      }
    }
    link->set_state(want_state);
    link->clear_conflicting_subjects();
    for (std::string& fp : want) link->add_conflicting_subjects(std::move(fp));
  }
  return absl::OkStatus();
}

absl::StatusOr<LinkOutcome> ApplyLink(WriteSet& ws, const SubjectHash& given,
                                      const v1::LocalId& id, bool primary,
                                      const ChangeContext& context) {
  ASSIGN_OR_RETURN(const SubjectHash subject, FollowMerge(ws, given));
  LinkOutcome outcome;
  ASSIGN_OR_RETURN(const SubjectRecord* view, ws.Record(subject));
  const v1::IdentityLink* existing = view->Find(id);
  if (existing != nullptr && existing->primary() == primary) {
    outcome.link = *existing;
    return outcome;
  }
  ASSIGN_OR_RETURN(SubjectRecord * record, ws.MutableRecord(subject));
  if (primary) {
    v1::IdentityLink* old = record->FindPrimary(id.department());
    if (old != nullptr && !SameLocalId(old->local_id(), id)) {
      old->set_primary(false);
      ws.AddEvent(subject, v1::IDENTITY_EVENT_KIND_PRIMARY_CHANGED,
                  &old->local_id(), "", context);
    }
  }
  if (existing != nullptr) {
    v1::IdentityLink* link = record->Find(id);
    link->set_primary(primary);
    ws.AddEvent(subject, v1::IDENTITY_EVENT_KIND_PRIMARY_CHANGED, &id, "",
                context);
    outcome.updated = true;
    outcome.link = *link;
    return outcome;
  }
  v1::IdentityLink link;
  *link.mutable_local_id() = id;
  link.set_primary(primary);
  link.set_state(v1::LINK_STATE_ACTIVE);
  link.set_asserted_by(context.asserted_by);
  link.set_asserted_at_micros(ws.now_micros());
  link.set_basis(context.basis);
  record->Insert(std::move(link));
  ws.AddEvent(subject, v1::IDENTITY_EVENT_KIND_LINKED, &id, "", context);
  ASSIGN_OR_RETURN(std::vector<SubjectHash> * claims, ws.MutableClaims(id));
  if (!Contains(*claims, subject)) claims->push_back(subject);
  RETURN_IF_ERROR(Reconcile(ws, id, context));
  ASSIGN_OR_RETURN(view, ws.Record(subject));
  outcome.added = true;
  outcome.link = *view->Find(id);
  return outcome;
}

absl::Status ApplyRetract(WriteSet& ws, const SubjectHash& given,
                          const v1::LocalId& id, const ChangeContext& context) {
  ASSIGN_OR_RETURN(const SubjectHash subject, FollowMerge(ws, given));
  ASSIGN_OR_RETURN(const SubjectRecord* view, ws.Record(subject));
  if (view->Find(id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("subject ", Fingerprint(subject),
                     " has no active or conflicting link ", LocalIdName(id)));
  }
  ASSIGN_OR_RETURN(SubjectRecord * record, ws.MutableRecord(subject));
  record->Remove(id);
  ws.AddEvent(subject, v1::IDENTITY_EVENT_KIND_RETRACTED, &id, "", context);
  ASSIGN_OR_RETURN(std::vector<SubjectHash> * claims, ws.MutableClaims(id));
  EraseFrom(*claims, subject);
  return Reconcile(ws, id, context);
}

absl::StatusOr<int> ApplyMerge(WriteSet& ws, const SubjectHash& from,
                               const SubjectHash& into,
                               const ChangeContext& context) {
  if (from == into) {
    return absl::InvalidArgumentError(
        "into_subject: is the same subject as from_subject");
  }
  ASSIGN_OR_RETURN(const SubjectRecord* from_view, ws.Record(from));
  if (from_view->merged_into.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "from_subject: subject ", Fingerprint(from), " is already merged into ",
        Fingerprint(*from_view->merged_into)));
  }
  ASSIGN_OR_RETURN(const SubjectHash target, FollowMerge(ws, into));
  if (target == from) {
    return absl::FailedPreconditionError(absl::StrCat(
        "merging subject ", Fingerprint(from), " into ", Fingerprint(into),
        " would form a cycle: ", Fingerprint(into), " is merged into ",
        Fingerprint(from)));
  }
  ASSIGN_OR_RETURN(SubjectRecord * source, ws.MutableRecord(from));
  ASSIGN_OR_RETURN(SubjectRecord * dest, ws.MutableRecord(target));
  const std::vector<v1::IdentityLink> moving = std::move(source->links);
  source->links.clear();
  source->merged_into = target;
  // Subjects merged into `from` earlier now resolve to the target directly.
  const std::vector<SubjectHash> earlier = std::move(source->merged_from);
  source->merged_from.clear();
  for (const SubjectHash& h : earlier) {
    ASSIGN_OR_RETURN(SubjectRecord * record, ws.MutableRecord(h));
    record->merged_into = target;
    dest->merged_from.push_back(h);
  }
  dest->merged_from.push_back(from);
  const std::string from_fp = Fingerprint(from);
  ws.AddEvent(from, v1::IDENTITY_EVENT_KIND_MERGED_INTO, nullptr,
              Fingerprint(target), context);
  ws.AddEvent(target, v1::IDENTITY_EVENT_KIND_MERGED_FROM, nullptr, from_fp,
              context);
  int moved = 0;
  for (const v1::IdentityLink& link : moving) {
    const v1::LocalId& id = link.local_id();
    ASSIGN_OR_RETURN(std::vector<SubjectHash> * claims, ws.MutableClaims(id));
    EraseFrom(*claims, from);
    if (dest->Find(id) == nullptr) {
      v1::IdentityLink copy = link;
      copy.set_state(v1::LINK_STATE_ACTIVE);
      copy.clear_conflicting_subjects();
      if (copy.primary() && dest->FindPrimary(id.department()) != nullptr) {
        copy.set_primary(false);
      }
      dest->Insert(std::move(copy));
      ws.AddEvent(target, v1::IDENTITY_EVENT_KIND_LINKED, &id, from_fp,
                  context);
      if (!Contains(*claims, target)) claims->push_back(target);
      ++moved;
    }
    RETURN_IF_ERROR(Reconcile(ws, id, context));
  }
  return moved;
}

}  // namespace datarun::identity
