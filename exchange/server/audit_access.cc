#include "exchange/server/audit_access.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace datarun::server {
namespace {

absl::Status CheckKnown(absl::string_view field,
                        const std::vector<std::string>& departments,
                        const std::vector<std::string>& known) {
  for (const std::string& department : departments) {
    if (std::find(known.begin(), known.end(), department) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", department,
                       "' is not a department of the catalog (known: ",
                       absl::StrJoin(known, ", "), ")"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AuditAccess> AuditAccess::Create(
    const Options& options, const std::vector<std::string>& known_departments) {
  absl::Status status =
      CheckKnown("audit_readers", options.audit_readers, known_departments);
  if (!status.ok()) return status;
  AuditAccess access;
  access.audit_readers_.insert(options.audit_readers.begin(),
                               options.audit_readers.end());
  // A subject-access department missing from the catalog can never call, so
  // it is simply not granted anything.
  for (const std::string& department : options.subject_readers) {
    if (std::find(known_departments.begin(), known_departments.end(),
                  department) != known_departments.end()) {
      access.subject_readers_.insert(department);
    }
  }
  access.audit_reader_list_ = options.audit_readers.empty()
                                  ? "none configured"
                                  : absl::StrJoin(options.audit_readers, ", ");
  return access;
}

bool AuditAccess::IsAuditReader(absl::string_view department) const {
  return audit_readers_.contains(department);
}

absl::Status AuditAccess::CheckListEntries(absl::string_view caller) const {
  if (IsAuditReader(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("ListEntries: only audit readers (", audit_reader_list_,
                   ") may list the whole log; department '", caller,
                   "' can search its own accesses with SearchEntries"));
}

absl::Status AuditAccess::CheckPublish(absl::string_view caller) const {
  if (IsAuditReader(caller)) return absl::OkStatus();
  return absl::PermissionDeniedError(
      absl::StrCat("GetCheckpoint: only audit readers (", audit_reader_list_,
                   ") may publish a checkpoint on demand; department '", caller,
                   "' can read the latest one (publish=false)"));
}

absl::StatusOr<std::string> AuditAccess::SearchConsumer(
    absl::string_view caller, absl::string_view requested) const {
  if (IsAuditReader(caller)) return std::string(requested);
  if (requested.empty() || requested == caller) return std::string(caller);
  return absl::PermissionDeniedError(
      absl::StrCat("SearchEntries: department '", caller,
                   "' may search only its own accesses (consumer '", caller,
                   "'), not those of '", requested, "'; only audit readers (",
                   audit_reader_list_, ") may search every consumer"));
}

absl::Status AuditAccess::CheckSubjectAccess(absl::string_view caller) const {
  if (IsAuditReader(caller) || subject_readers_.contains(caller)) {
    return absl::OkStatus();
  }
  std::vector<std::string> allowed(subject_readers_.begin(),
                                   subject_readers_.end());
  std::sort(allowed.begin(), allowed.end());
  return absl::PermissionDeniedError(absl::StrCat(
      "ListSubjectAccesses: department '", caller,
      "' may not list who accessed a person's data; only audit readers (",
      audit_reader_list_, ") and the service hall (",
      allowed.empty() ? "none" : absl::StrJoin(allowed, ", "),
      ") may, on the citizen's behalf"));
}

}  // namespace datarun::server
