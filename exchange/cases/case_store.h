// Durable storage of cases (docs/case-store-format.md): one RocksDB database
// holding each case's record (with its steps and material list), the
// materials handed to reviews (and the records each step's department pulled
// for it), the per-case event sequence, the idempotency
// key of every started step, and indexes by submission request id, by open
// state (for resume), by submission time (for List) and by party (keyed
// hashes of the parties' subjects, for List by party_subject).
//
// Every change of a case is one atomic WriteBatch (fsync'ed when
// Options::sync): the record, its new events, new materials and the index
// updates land together or not at all.
//
// Thread-safe: any number of readers and writers. Callers serialise the
// writes of one case (the engine holds the case's mutex).
#ifndef DATARUN_EXCHANGE_CASES_CASE_STORE_H_
#define DATARUN_EXCHANGE_CASES_CASE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "datarun/v1/adapter.pb.h"
#include "datarun/v1/case.pb.h"
#include "exchange/audit/subject_hasher.h"
#include "rocksdb/db.h"

namespace datarun::cases {

class CaseStore {
 public:
  struct Options {
    // Directory of the database; created when missing.
    std::string path;
    // fsync every commit (turn off only in benchmarks of the engine's CPU).
    bool sync = true;
    // Keys the party index: the exchange's subject hasher (the audit key, as
    // for the audit log and the identity registry). Not owned; must outlive
    // the store. Without one no party index is kept (ScanParty fails) and
    // the next open with a hasher rebuilds it.
    const audit::SubjectHasher* hasher = nullptr;
  };

  // One atomic change of a case.
  struct Change {
    // The case as it stands after the change (required).
    const v1::CaseRecord* record = nullptr;
    // State of the case before the change (UNSPECIFIED for a new case).
    v1::CaseState previous_state = v1::CASE_STATE_UNSPECIFIED;
    // Events appended by the change, in sequence order.
    std::vector<v1::CaseEvent> events;
    // Materials (pulled records, uploads, issued documents) to keep for the
    // reviews, keyed by material id; a later one replaces an earlier one.
    std::vector<v1::StepMaterial> materials;
    // Started steps: step id -> idempotency key of its review.
    std::vector<std::pair<std::string, std::string>> step_keys;
    // Records pulled for one step by its department (step id, material),
    // handed to that step's reviews; a later one replaces an earlier one.
    std::vector<std::pair<std::string, v1::StepMaterial>> step_materials;
    // For a new case: "<submitter>/<request_id>" to index.
    std::string request_key;
  };

  // Opens (creating) the database at options.path. With a hasher, rebuilds
  // the party index from the case records when it is missing (a store
  // written before the index existed, or opened without a hasher since) or
  // was keyed with another hasher key. Errors: INTERNAL / DATA_LOSS from
  // RocksDB, naming the path; DATA_LOSS for a case record that does not
  // parse during a rebuild.
  static absl::StatusOr<std::unique_ptr<CaseStore>> Open(Options options);

  // Writes `change` atomically; a new case's party index rows (one per
  // distinct party subject) go in the same batch, and so does the deletion
  // of the records read for its steps when the change ends the case (they
  // were kept for the reviews and a resume only). Errors: INTERNAL from
  // RocksDB.
  absl::Status Commit(const Change& change);

  // Returns the case `case_id`; NOT_FOUND "unknown case 'x'".
  absl::StatusOr<v1::CaseRecord> Get(absl::string_view case_id) const;

  // Returns the case id submitted under `request_key`, or nullopt.
  absl::StatusOr<absl::optional<std::string>> FindRequest(
      absl::string_view request_key) const;

  // Returns the materials kept for `case_id`, in material id order.
  absl::StatusOr<std::vector<v1::StepMaterial>> Materials(
      absl::string_view case_id) const;

  // Returns the records pulled for the steps of open case `case_id`, as
  // (step id, material) pairs in step then material id order (none once the
  // case has ended). DATA_LOSS when one does not parse.
  absl::StatusOr<std::vector<std::pair<std::string, v1::StepMaterial>>>
  StepMaterials(absl::string_view case_id) const;

  // Returns the step idempotency keys of `case_id` (step id -> key).
  absl::StatusOr<std::vector<std::pair<std::string, std::string>>> StepKeys(
      absl::string_view case_id) const;

  // Returns the events of `case_id` with sequence > `after`, in order.
  absl::StatusOr<std::vector<v1::CaseEvent>> Events(absl::string_view case_id,
                                                    uint64_t after) const;

  // Returns every case in state RUNNING or WAITING.
  absl::StatusOr<std::vector<v1::CaseRecord>> OpenCases() const;

  // Visits cases newest first, starting after the position `token` (empty:
  // the newest), until `visit` returns false or `limit` cases were visited
  // (0: no limit). Returns the position of the last visited case (a page
  // token), or "" when no case follows it. INVALID_ARGUMENT naming
  // page_token when `token` is not a position this method returned.
  absl::StatusOr<std::string> ScanNewestFirst(
      absl::string_view token, int64_t limit,
      const std::function<bool(const v1::CaseRecord&)>& visit) const;

  // As ScanNewestFirst, over the cases in which `subject` (canonical, as
  // stored in the records) is a party, through the party index. Its tokens
  // are not ScanNewestFirst's (INVALID_ARGUMENT naming page_token for one of
  // those). FAILED_PRECONDITION when the store was opened without a hasher.
  absl::StatusOr<std::string> ScanParty(
      absl::string_view subject, absl::string_view token, int64_t limit,
      const std::function<bool(const v1::CaseRecord&)>& visit) const;

 private:
  CaseStore() = default;

  // Rebuilds the party index unless its marker holds this hasher's probe.
  absl::Status EnsurePartyIndex();

  // Visits the index rows "<key_prefix><position>" newest first, after the
  // token "<token_prefix><position>"; see ScanNewestFirst.
  absl::StatusOr<std::string> ScanIndex(
      absl::string_view key_prefix, absl::string_view token_prefix,
      absl::string_view token, int64_t limit,
      const std::function<bool(const v1::CaseRecord&)>& visit) const;

  Options options_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace datarun::cases

#endif  // DATARUN_EXCHANGE_CASES_CASE_STORE_H_
