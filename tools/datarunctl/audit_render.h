// Human-readable renderings of audit log answers for `datarunctl audit`:
// the offline verification summary, a search result table, one proof, and
// the citizen's "who accessed my data" report.
#ifndef DATARUN_TOOLS_DATARUNCTL_AUDIT_RENDER_H_
#define DATARUN_TOOLS_DATARUNCTL_AUDIT_RENDER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "datarun/v1/audit_service.pb.h"
#include "datarun/v1/exchange.pb.h"
#include "exchange/audit/verifier.h"
#include "exchange/checkpoint/checkpoint.h"

namespace datarun::ctl {

// An entry as fetched, with the outcome of checking its inclusion proof
// against the verified checkpoint of `tree_size` entries.
struct CheckedEntry {
  v1::ProvedEntry proved;
  uint64_t tree_size = 0;
  absl::Status verified;
};

// Display names from the catalog: department id -> name, dataset id ->
// title. Missing ids are shown as ids.
struct CatalogNames {
  std::map<std::string, std::string> departments;
  std::map<std::string, std::string> datasets;
};

// Returns the names of a ListDatasets answer.
CatalogNames NamesFrom(const v1::ListDatasetsResponse& catalog);

// Where the checks' trust comes from, e.g. "key datarun.local/audit+1a2b3c4d
// pinned with --verifier_key" or "... as served by the exchange".
struct KeySource {
  std::string key_name;  // "<name>+<8 hex key id>"
  bool pinned = false;
};

// "verified" or "NOT VERIFIED: <reason>".
std::string VerifiedText(const absl::Status& status);

// Summary of an offline `audit verify` that passed.
std::string RenderVerifyReport(const std::string& dir,
                               const audit::VerifyReport& report,
                               bool pinned_key);

// Result of `audit proof`: entry, leaf, tree, root and the verdict.
// `entry` may be null (the caller may not read entries).
std::string RenderProof(uint64_t index, const std::string& leaf_hash,
                        int proof_hashes,
                        const checkpoint::Checkpoint& checkpoint,
                        const KeySource& key, const v1::AuditEntry* entry,
                        const absl::Status& verified);

// Table of search hits, one line each, with "verified" per entry.
std::string RenderSearch(const std::vector<CheckedEntry>& entries,
                         const KeySource& key, absl::TimeZone zone);

// The citizen's report: for each access when, which department and
// official, which dataset and fields, purpose, case, decision, and whether
// its proof verified. `masked_subject` is shown in the heading.
std::string RenderWhoAccessed(const std::string& masked_subject,
                              const std::vector<CheckedEntry>& entries,
                              const CatalogNames& names, const KeySource& key,
                              absl::TimeZone zone);

}  // namespace datarun::ctl

#endif  // DATARUN_TOOLS_DATARUNCTL_AUDIT_RENDER_H_
