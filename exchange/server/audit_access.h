// Who may read what from the Audit service. Pure rules over department ids
// (the caller comes from its mTLS certificate); the service asks before
// touching the log.
//
//  - proofs and checkpoints: any member department (not decided here);
//  - ListEntries: audit readers only;
//  - SearchEntries: audit readers any consumer, others only themselves;
//  - ListSubjectAccesses: audit readers and the subject-access departments
//    (the citizen-facing service hall).
//
// Immutable after construction; thread-safe.
#ifndef DATARUN_EXCHANGE_SERVER_AUDIT_ACCESS_H_
#define DATARUN_EXCHANGE_SERVER_AUDIT_ACCESS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace datarun::server {

class AuditAccess {
 public:
  struct Options {
    // Departments that may read the whole log (ExchangeConfig.audit_readers).
    std::vector<std::string> audit_readers;
    // Departments that may list the accesses to any subject's data on a
    // citizen's behalf, besides the audit readers.
    std::vector<std::string> subject_readers = {"servicehall"};
  };

  // Returns the rules, after checking that every department named in
  // `options` is in `known_departments`; otherwise INVALID_ARGUMENT
  // "audit_readers: 'x' is not a department of the catalog".
  static absl::StatusOr<AuditAccess> Create(
      const Options& options,
      const std::vector<std::string>& known_departments);

  // True when `department` may read the whole log.
  bool IsAuditReader(absl::string_view department) const;

  // OK when `caller` may list entries by range; otherwise PERMISSION_DENIED
  // naming the rule.
  absl::Status CheckListEntries(absl::string_view caller) const;

  // OK when `caller` may publish a checkpoint on demand (a synced write to
  // the history); otherwise PERMISSION_DENIED naming the rule. Reading the
  // latest checkpoint is open to every member.
  absl::Status CheckPublish(absl::string_view caller) const;

  // Returns the consumer filter a search by `caller` that asked for
  // `requested` (empty: any) must use: `requested` for audit readers, the
  // caller itself for anyone else. PERMISSION_DENIED when a department that
  // is not an audit reader asked for another consumer.
  absl::StatusOr<std::string> SearchConsumer(absl::string_view caller,
                                             absl::string_view requested) const;

  // OK when `caller` may list the accesses to a subject's data; otherwise
  // PERMISSION_DENIED naming the rule.
  absl::Status CheckSubjectAccess(absl::string_view caller) const;

 private:
  AuditAccess() = default;

  absl::flat_hash_set<std::string> audit_readers_;
  absl::flat_hash_set<std::string> subject_readers_;
  // For messages: "audit" or "audit, inspection".
  std::string audit_reader_list_;
};

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_AUDIT_ACCESS_H_
