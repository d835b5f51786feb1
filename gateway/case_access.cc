#include "gateway/case_access.h"

#include "exchange/identity/subject_id.h"

namespace datarun::gateway {
namespace {

std::string Normalized(const std::string& subject) {
  identity::SubjectKind kind;
  absl::StatusOr<std::string> normalized =
      identity::NormalizeSubject(subject, &kind);
  return normalized.ok() ? *normalized : subject;
}

}  // namespace

bool IsParty(const v1::CaseRecord& record, const std::string& subject) {
  if (subject.empty()) return false;
  for (const v1::CasePartyInput& party : record.parties()) {
    if (Normalized(party.subject()) == subject) return true;
  }
  return false;
}

void MaskOtherParties(const std::string& subject, v1::CaseRecord* record) {
  for (v1::CasePartyInput& party : *record->mutable_parties()) {
    if (Normalized(party.subject()) != subject) {
      party.set_subject(identity::MaskSubject(party.subject()));
    }
  }
}

}  // namespace datarun::gateway
