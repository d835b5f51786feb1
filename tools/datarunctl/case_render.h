// Text renderings of cases for `datarunctl case`: the timeline of a
// CaseRecord, with the material events grouped (one submission check per
// material; under each step, what its department read), and the live
// event stream, whose consecutive material events print as one line per
// step.
#ifndef DATARUN_TOOLS_DATARUNCTL_CASE_RENDER_H_
#define DATARUN_TOOLS_DATARUNCTL_CASE_RENDER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "datarun/v1/case.pb.h"

namespace datarun::ctl {

// One CASE_EVENT_KIND_MATERIAL_PULLED event, read back from its fields and
// its detail text (the exchange writes "read by <dept> for step '<s>' from
// <dataset> (<owner>) under grant '<g>': N record(s), audit entry #K" for a
// step read and "held by <owner> (<dataset>, N record(s)): checked by ..."
// for the submission check). Fields the detail does not carry stay empty.
struct MaterialEvent {
  uint64_t sequence = 0;
  std::string step;  // empty: the submission check
  std::string material;
  bool ok = false;         // held (check) / read (step)
  std::string department;  // who read it (step reads)
  std::string dataset;
  std::string owner;  // the department holding the dataset
  std::string grant;
  int64_t records = -1;      // -1: not stated
  int64_t audit_entry = -1;  // -1: not stated
  std::string detail;        // the event's detail as sent
};

// Reads one material event (`event` must be CASE_EVENT_KIND_MATERIAL_PULLED)
// from its structured fields, or, for events stored before those existed,
// from its detail text.
MaterialEvent ParseMaterialEvent(const v1::CaseEvent& event);

// The material events of a case, grouped. Not thread-safe.
class MaterialEventGroups {
 public:
  // Adds `event` when it is a material event; returns false (and ignores
  // it) for any other kind.
  bool Add(const v1::CaseEvent& event);

  // The latest submission check of each material, in first-seen order.
  const std::vector<MaterialEvent>& checks() const { return checks_; }

  // The reads for `step`, in event order (empty when none).
  const std::vector<MaterialEvent>& ReadsOf(const std::string& step) const;

  // Steps with reads, in first-seen order.
  const std::vector<std::string>& steps() const { return steps_; }

  bool empty() const { return checks_.empty() && steps_.empty(); }

 private:
  std::vector<MaterialEvent> checks_;
  std::vector<std::string> steps_;
  std::map<std::string, std::vector<MaterialEvent>> reads_;
};

// "buyer_sale_contract (housing.sale_contract, grant tax.sale_contract.case,
// audit #123)" for each read, joined by ", "; a failed read as
// "material: FAILED (<detail>)".
std::string RenderReads(const std::vector<MaterialEvent>& reads);

// The submission checks as "held by land: a, b; held by housing: c; not
// held: d (why); deferred: e (why)", using the record's materials (source
// "deferred") to tell a deferred material from one simply not held. `record`
// may be null.
std::string RenderChecks(const std::vector<MaterialEvent>& checks,
                         const v1::CaseRecord* record);

// The case as a table of steps with a bar per step on a common time axis,
// findings, issued documents and, when `groups` is non-null, the
// submission checks and each step's reads; then the metrics.
std::string RenderCaseTimeline(const v1::CaseRecord& record,
                               const MaterialEventGroups* groups);

// Prints a live event stream: other events one line each; consecutive
// material events held back and printed grouped when the next other event
// arrives (or on Flush). Not thread-safe.
class CaseEventPrinter {
 public:
  // Returns the text to print for `event` (possibly empty, or several
  // lines: the held-back group first).
  std::string Add(const v1::CaseEvent& event);

  // Returns the held-back material events as text (empty when none).
  std::string Flush();

 private:
  std::vector<v1::CaseEvent> pending_;
};

// "RUNNING", "COMPLETED", ... ("?" for an unknown state).
const char* CaseStateName(v1::CaseState state);

}  // namespace datarun::ctl

#endif  // DATARUN_TOOLS_DATARUNCTL_CASE_RENDER_H_
