#include "tools/datarunctl/audit_render.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "exchange/merkle/hash.h"

namespace datarun::ctl {
namespace {

std::string Time(int64_t micros, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Ez", absl::FromUnixMicros(micros),
                          zone);
}

std::string Name(const std::map<std::string, std::string>& names,
                 const std::string& id) {
  auto it = names.find(id);
  if (it == names.end() || it->second.empty()) return id;
  return absl::StrCat(it->second, " (", id, ")");
}

std::string OrDash(const std::string& value) {
  return value.empty() ? "-" : value;
}

std::string Decision(const v1::AuditEntry& entry) {
  switch (entry.decision()) {
    case v1::AUDIT_DECISION_ALLOW:
      if (entry.status_code() == "OK" || entry.status_code().empty()) {
        return absl::StrCat("allowed, ", entry.record_count(),
                            entry.record_count() == 1 ? " record" : " records",
                            " released");
      }
      return absl::StrCat("allowed, but nothing released (",
                          entry.status_code(), ": ", entry.reason(), ")");
    case v1::AUDIT_DECISION_DENY:
      return absl::StrCat("DENIED (", entry.status_code(),
                          "): ", entry.reason());
    default:
      return absl::StrCat("unknown decision ", entry.decision());
  }
}

std::string KeyText(const KeySource& key) {
  return absl::StrCat(key.key_name,
                      key.pinned ? " (pinned with --verifier_key)"
                                 : " (as served by the exchange; pin it with "
                                   "--verifier_key)");
}

// Pads `text` to `width` bytes (at least one space after).
std::string Col(absl::string_view text, size_t width) {
  std::string out(text);
  out.append(out.size() + 1 > width ? 1 : width - out.size(), ' ');
  return out;
}

}  // namespace

CatalogNames NamesFrom(const v1::ListDatasetsResponse& catalog) {
  CatalogNames names;
  for (const v1::Department& department : catalog.departments()) {
    names.departments[department.id()] = department.name();
  }
  for (const v1::Dataset& dataset : catalog.datasets()) {
    names.datasets[dataset.id()] = dataset.title();
  }
  return names;
}

std::string VerifiedText(const absl::Status& status) {
  if (status.ok()) return "verified";
  return absl::StrCat("NOT VERIFIED: ", status.message());
}

std::string RenderVerifyReport(const std::string& dir,
                               const audit::VerifyReport& report,
                               bool pinned_key) {
  return absl::StrCat(
      "audit log ", dir, ": verified\n", "  entries      ", report.entries,
      "  (every leaf hash recomputed from the stored entry)\n",
      "  tree hashes  every stored interior hash recomputed\n",
      "  checkpoints  ", report.checkpoints, "  (roots and signatures, ",
      pinned_key ? "with the pinned --verifier_key"
                 : "with the key stored in the log; pin one with "
                   "--verifier_key for a stronger check",
      ")\n", "  index keys   ", report.index_keys, "\n", "  root         ",
      merkle::HashToHex(report.root), "\n");
}

std::string RenderProof(uint64_t index, const std::string& leaf_hash,
                        int proof_hashes,
                        const checkpoint::Checkpoint& checkpoint,
                        const KeySource& key, const v1::AuditEntry* entry,
                        const absl::Status& verified) {
  absl::StatusOr<merkle::Hash> leaf = merkle::HashFromBytes(leaf_hash);
  std::string out = absl::StrCat(
      "audit entry #", index, ": ", VerifiedText(verified), "\n",
      "  leaf hash    ", leaf.ok() ? merkle::HashToHex(*leaf) : "(malformed)",
      "\n", "  tree size    ", checkpoint.size, "  (", checkpoint.origin, ")\n",
      "  root         ", merkle::HashToBase64(checkpoint.root), "\n",
      "  proof        ", proof_hashes, proof_hashes == 1 ? " hash" : " hashes",
      "\n", "  signed by    ", KeyText(key), "\n");
  if (entry != nullptr) {
    absl::StrAppend(&out, "  entry        ", entry->consumer(), " read ",
                    entry->dataset(), " for ", entry->purpose(), "; ",
                    Decision(*entry), "\n");
  }
  return out;
}

std::string RenderSearch(const std::vector<CheckedEntry>& entries,
                         const KeySource& key, absl::TimeZone zone) {
  std::string out =
      absl::StrCat(entries.size(), entries.size() == 1 ? " entry" : " entries",
                   "; proofs checked against checkpoints "
                   "signed by ",
                   KeyText(key), "\n");
  if (entries.empty()) return out;
  absl::StrAppend(&out, "  ", Col("#", 7), Col("time", 27), Col("consumer", 12),
                  Col("official", 10), Col("dataset", 26), Col("purpose", 36),
                  Col("decision", 9), "proof\n");
  for (const CheckedEntry& checked : entries) {
    const v1::AuditEntry& entry = checked.proved.entry();
    absl::StrAppend(
        &out, "  ", Col(absl::StrCat(checked.proved.index()), 7),
        Col(Time(entry.time_micros(), zone), 27), Col(entry.consumer(), 12),
        Col(OrDash(entry.on_behalf_of()), 10), Col(entry.dataset(), 26),
        Col(OrDash(entry.purpose()), 36),
        Col(entry.decision() == v1::AUDIT_DECISION_DENY ? "DENY" : "ALLOW", 9),
        VerifiedText(checked.verified), "\n");
  }
  return out;
}

std::string RenderWhoAccessed(const std::string& masked_subject,
                              const std::vector<CheckedEntry>& entries,
                              const CatalogNames& names, const KeySource& key,
                              absl::TimeZone zone) {
  const size_t bad =
      std::count_if(entries.begin(), entries.end(),
                    [](const CheckedEntry& e) { return !e.verified.ok(); });
  std::string out = absl::StrCat(
      "Who accessed the data of ", masked_subject, "\n", entries.size(),
      entries.size() == 1 ? " access" : " accesses",
      " recorded in the exchange's audit log",
      bad == 0 ? (entries.empty() ? ".\n" : ", each proven to be in the log.\n")
               : absl::StrCat("; ", bad, " FAILED verification.\n"),
      "Proofs checked against checkpoints signed by ", KeyText(key), ".\n");
  for (const CheckedEntry& checked : entries) {
    const v1::AuditEntry& entry = checked.proved.entry();
    absl::StrAppend(&out, "\n", Time(entry.time_micros(), zone), "  (entry #",
                    checked.proved.index(), ")\n");
    absl::StrAppend(&out, "  department  ",
                    Name(names.departments, entry.consumer()), "\n");
    absl::StrAppend(&out, "  official    ", OrDash(entry.on_behalf_of()), "\n");
    absl::StrAppend(&out, "  data        ",
                    Name(names.datasets, entry.dataset()), ", held by ",
                    Name(names.departments, entry.owner()), "\n");
    std::vector<std::string> released(entry.fields_released().begin(),
                                      entry.fields_released().end());
    std::vector<std::string> masked(entry.fields_masked().begin(),
                                    entry.fields_masked().end());
    absl::StrAppend(
        &out, "  fields      ",
        released.empty() ? "none released" : absl::StrJoin(released, ", "));
    if (!masked.empty()) {
      absl::StrAppend(&out, "; masked: ", absl::StrJoin(masked, ", "));
    }
    if (released.empty() && entry.fields_requested_size() > 0) {
      absl::StrAppend(&out, " (asked for ",
                      absl::StrJoin(entry.fields_requested(), ", "), ")");
    }
    absl::StrAppend(&out, "\n  purpose     ", OrDash(entry.purpose()), "\n");
    absl::StrAppend(&out, "  case        ", OrDash(entry.case_id()), "\n");
    absl::StrAppend(&out, "  decision    ", Decision(entry), "\n");
    absl::StrAppend(&out, "  proof       ", VerifiedText(checked.verified),
                    checked.verified.ok()
                        ? absl::StrCat(" (in the signed log of ",
                                       checked.tree_size, " entries)")
                        : "",
                    "\n");
  }
  return out;
}

}  // namespace datarun::ctl
