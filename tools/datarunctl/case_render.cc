#include "tools/datarunctl/case_render.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "exchange/identity/subject_id.h"

namespace datarun::ctl {
namespace {

// The text of `s` between `open` and the following `close`, advancing `s`
// past `close`; false (s unchanged) when either is missing.
bool Between(absl::string_view* s, absl::string_view open,
             absl::string_view close, std::string* out) {
  const size_t a = s->find(open);
  if (a == absl::string_view::npos) return false;
  const size_t from = a + open.size();
  const size_t b = s->find(close, from);
  if (b == absl::string_view::npos) return false;
  *out = std::string(s->substr(from, b - from));
  s->remove_prefix(b + close.size());
  return true;
}

// The decimal number at the start of `s`; -1 when there is none.
int64_t LeadingNumber(absl::string_view s) {
  size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  int64_t v = -1;
  if (n == 0 || !absl::SimpleAtoi(s.substr(0, n), &v)) return -1;
  return v;
}

const char* StepStateName(v1::StepState state) {
  switch (state) {
    case v1::STEP_STATE_PENDING:
      return "pending";
    case v1::STEP_STATE_WAITING:
      return "waiting";
    case v1::STEP_STATE_RUNNING:
      return "running";
    case v1::STEP_STATE_APPROVED:
      return "approved";
    case v1::STEP_STATE_REJECTED:
      return "REJECTED";
    case v1::STEP_STATE_FAILED:
      return "FAILED";
    case v1::STEP_STATE_SKIPPED:
      return "skipped";
    default:
      return "?";
  }
}

std::string Pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " "
                              : text + std::string(width - text.size(), ' ');
}

// A document's display number: its certificate_no field when it has one.
std::string DocumentNumber(const v1::StepMaterial& document) {
  for (const v1::Record& record : document.records()) {
    auto it = record.fields().find("certificate_no");
    if (it != record.fields().end()) return it->second.string_value();
  }
  return document.reference();
}

// "name=value" of a review's scalar findings, in name order.
std::string RenderFindings(const v1::Record& findings) {
  std::map<std::string, std::string> sorted;
  for (const auto& [name, value] : findings.fields()) {
    switch (value.kind_case()) {
      case v1::Value::kStringValue:
        sorted[name] = value.string_value();
        break;
      case v1::Value::kIntValue:
        sorted[name] = absl::StrCat(value.int_value());
        break;
      case v1::Value::kDecimalValue:
        sorted[name] = value.decimal_value();
        break;
      case v1::Value::kBoolValue:
        sorted[name] = value.bool_value() ? "yes" : "no";
        break;
      case v1::Value::kDateValue:
        sorted[name] = value.date_value();
        break;
      default:
        break;
    }
  }
  std::vector<std::string> parts;
  for (const auto& [name, text] : sorted) {
    parts.push_back(absl::StrCat(name, "=", text));
  }
  return absl::StrJoin(parts, " ");
}

std::string RenderEventLine(const v1::CaseEvent& event) {
  return absl::StrCat(
      "  #", event.sequence(), " ",
      v1::CaseEventKind_Name(event.kind()).substr(strlen("CASE_EVENT_KIND_")),
      event.step().empty() ? "" : absl::StrCat(" ", event.step()),
      event.material().empty() ? "" : absl::StrCat(" ", event.material()),
      event.detail().empty() ? "" : absl::StrCat(": ", event.detail()), "\n");
}

// "#3" or "#3-#9".
std::string SequenceRange(uint64_t first, uint64_t last) {
  return first == last ? absl::StrCat("#", first)
                       : absl::StrCat("#", first, "-#", last);
}

}  // namespace

const char* CaseStateName(v1::CaseState state) {
  switch (state) {
    case v1::CASE_STATE_RUNNING:
      return "RUNNING";
    case v1::CASE_STATE_WAITING:
      return "WAITING";
    case v1::CASE_STATE_COMPLETED:
      return "COMPLETED";
    case v1::CASE_STATE_REJECTED:
      return "REJECTED";
    case v1::CASE_STATE_FAILED:
      return "FAILED";
    case v1::CASE_STATE_CANCELLED:
      return "CANCELLED";
    default:
      return "?";
  }
}

MaterialEvent ParseMaterialEvent(const v1::CaseEvent& event) {
  MaterialEvent m;
  m.sequence = event.sequence();
  m.step = event.step();
  m.material = event.material();
  m.detail = event.detail();
  if (!event.reader().empty() || !event.dataset().empty()) {
    const bool answered = event.has_audit_entry_index();
    m.ok = answered && event.records() > 0;
    if (!m.step.empty()) m.department = event.reader();
    m.dataset = event.dataset();
    m.owner = event.owner();
    m.grant = event.grant_id();
    if (answered) {
      m.records = event.records();
      m.audit_entry = static_cast<int64_t>(event.audit_entry_index());
    }
    return m;
  }
  // Events stored before the structured fields existed: the detail text.
  absl::string_view d = event.detail();
  if (absl::ConsumePrefix(&d, "read by ")) {
    // read by <dept> for step '<s>' from <dataset> (<owner>) under grant
    // '<g>': N record(s), audit entry #K
    const size_t sp = d.find(' ');
    if (sp == absl::string_view::npos) return m;
    m.department = std::string(d.substr(0, sp));
    std::string ignored;
    if (!Between(&d, "for step '", "' from ", &ignored)) return m;
    const size_t paren = d.find(" (");
    if (paren == absl::string_view::npos) return m;
    m.dataset = std::string(d.substr(0, paren));
    if (!Between(&d, " (", ") under grant '", &m.owner)) return m;
    const size_t quote = d.find("': ");
    if (quote == absl::string_view::npos) return m;
    m.grant = std::string(d.substr(0, quote));
    d.remove_prefix(quote + 3);
    m.records = LeadingNumber(d);
    const size_t hash = d.find("audit entry #");
    if (hash != absl::string_view::npos) {
      m.audit_entry = LeadingNumber(d.substr(hash + strlen("audit entry #")));
    }
    m.ok = true;
  } else if (absl::ConsumePrefix(&d, "held by ")) {
    // held by <owner> (<dataset>, N record(s)): checked by ...
    const size_t paren = d.find(" (");
    if (paren == absl::string_view::npos) return m;
    m.owner = std::string(d.substr(0, paren));
    d.remove_prefix(paren + 2);
    const size_t comma = d.find(", ");
    if (comma == absl::string_view::npos) return m;
    m.dataset = std::string(d.substr(0, comma));
    m.records = LeadingNumber(d.substr(comma + 2));
    m.ok = true;
  }
  return m;
}

bool MaterialEventGroups::Add(const v1::CaseEvent& event) {
  if (event.kind() != v1::CASE_EVENT_KIND_MATERIAL_PULLED) return false;
  MaterialEvent m = ParseMaterialEvent(event);
  if (m.step.empty()) {
    auto it = std::find_if(
        checks_.begin(), checks_.end(),
        [&](const MaterialEvent& c) { return c.material == m.material; });
    if (it == checks_.end()) {
      checks_.push_back(std::move(m));
    } else {
      *it = std::move(m);
    }
    return true;
  }
  std::vector<MaterialEvent>& reads = reads_[m.step];
  if (reads.empty()) steps_.push_back(m.step);
  reads.push_back(std::move(m));
  return true;
}

const std::vector<MaterialEvent>& MaterialEventGroups::ReadsOf(
    const std::string& step) const {
  static const std::vector<MaterialEvent>* const kNone =
      new std::vector<MaterialEvent>();
  auto it = reads_.find(step);
  return it == reads_.end() ? *kNone : it->second;
}

std::string RenderReads(const std::vector<MaterialEvent>& reads) {
  std::vector<std::string> parts;
  for (const MaterialEvent& r : reads) {
    if (!r.ok) {
      parts.push_back(absl::StrCat(r.material, ": not read (", r.detail, ")"));
      continue;
    }
    std::vector<std::string> about;
    if (!r.dataset.empty()) about.push_back(r.dataset);
    if (!r.grant.empty()) about.push_back(absl::StrCat("grant ", r.grant));
    if (r.audit_entry >= 0) {
      about.push_back(absl::StrCat("audit #", r.audit_entry));
    }
    parts.push_back(absl::StrCat(
        r.material, about.empty()
                        ? ""
                        : absl::StrCat(" (", absl::StrJoin(about, ", "), ")")));
  }
  return absl::StrJoin(parts, ", ");
}

std::string RenderChecks(const std::vector<MaterialEvent>& checks,
                         const v1::CaseRecord* record) {
  // Held materials by owner, owners in first-seen order.
  std::vector<std::string> owners;
  std::map<std::string, std::vector<std::string>> held;
  std::vector<std::string> not_held, deferred;
  for (const MaterialEvent& c : checks) {
    if (c.ok) {
      if (!held.count(c.owner)) owners.push_back(c.owner);
      held[c.owner].push_back(c.material);
      continue;
    }
    bool is_deferred = false;
    if (record != nullptr) {
      for (const v1::MaterialRecord& m : record->materials()) {
        if (m.material() == c.material && m.source() == "deferred") {
          is_deferred = true;
        }
      }
    }
    absl::string_view why = c.detail;
    absl::ConsumePrefix(&why, "not pulled: ");
    (is_deferred ? deferred : not_held)
        .push_back(absl::StrCat(c.material, " (", why, ")"));
  }
  std::vector<std::string> parts;
  for (const std::string& owner : owners) {
    parts.push_back(absl::StrCat("held by ",
                                 owner.empty() ? "a department" : owner, ": ",
                                 absl::StrJoin(held[owner], ", ")));
  }
  if (!not_held.empty()) {
    parts.push_back(absl::StrCat("not held: ", absl::StrJoin(not_held, ", ")));
  }
  if (!deferred.empty()) {
    parts.push_back(absl::StrCat("deferred: ", absl::StrJoin(deferred, ", ")));
  }
  return absl::StrJoin(parts, "; ");
}

std::string RenderCaseTimeline(const v1::CaseRecord& c,
                               const MaterialEventGroups* groups) {
  std::string out = absl::StrCat(
      "case ", c.case_id(), "  ", c.case_type(), "  ", CaseStateName(c.state()),
      c.reason().empty() ? "" : absl::StrCat(" (", c.reason(), ")"), "\n");
  for (const v1::CasePartyInput& party : c.parties()) {
    absl::StrAppend(&out, "  ", party.role(), ": ",
                    identity::MaskSubject(party.subject()), "\n");
  }
  if (groups != nullptr && !groups->checks().empty()) {
    absl::StrAppend(&out, "  checked at submission by ", c.submitted_by(), ": ",
                    RenderChecks(groups->checks(), &c), "\n");
  }
  const int64_t start = c.submitted_at_micros();
  int64_t end = c.finished_at_micros();
  for (const v1::StepRecord& step : c.steps()) {
    end = std::max(end, step.finished_at_micros());
  }
  const double span = std::max<int64_t>(end - start, 1);
  constexpr int kBar = 40;
  absl::StrAppend(&out, "  ", Pad("step", 17), Pad("department", 11),
                  Pad("start", 9), Pad("end", 9), "timeline\n");
  for (const v1::StepRecord& step : c.steps()) {
    std::string bar(kBar, ' ');
    std::string from = "", to = "";
    if (step.started_at_micros() > 0) {
      const int64_t s = step.started_at_micros() - start;
      const int64_t e =
          (step.finished_at_micros() > 0 ? step.finished_at_micros() : end) -
          start;
      from = absl::StrCat("+", s / 1000, "ms");
      to = step.finished_at_micros() > 0 ? absl::StrCat("+", e / 1000, "ms")
                                         : "";
      const int a = static_cast<int>(s / span * kBar);
      const int b = std::max(a + 1, static_cast<int>(e / span * kBar));
      for (int i = a; i < std::min(b, kBar); ++i) bar[i] = '#';
    }
    absl::StrAppend(
        &out, "  ", Pad(step.step(), 17), Pad(step.department(), 11),
        Pad(from, 9), Pad(to, 9), "|", bar, "| ", StepStateName(step.state()),
        step.reason().empty() ? "" : absl::StrCat(": ", step.reason()), "\n");
    if (groups != nullptr && !groups->ReadsOf(step.step()).empty()) {
      absl::StrAppend(&out,
                      "      read: ", RenderReads(groups->ReadsOf(step.step())),
                      "\n");
    }
    if (!step.findings().fields().empty()) {
      absl::StrAppend(&out, "      findings: ", RenderFindings(step.findings()),
                      "\n");
    }
    for (const v1::StepMaterial& document : step.issued()) {
      absl::StrAppend(&out, "      issued ", document.material(), " ",
                      DocumentNumber(document), "\n");
    }
  }
  const v1::CaseMetrics& m = c.metrics();
  absl::StrAppend(&out, "elapsed ", m.elapsed_ms(), " ms; serial sum of steps ",
                  m.serial_sum_ms(), " ms; critical path ",
                  m.critical_path_ms(), " ms; trips ", m.trips(),
                  "; materials ", m.materials_pulled(), " pulled, ",
                  m.materials_uploaded(), " uploaded\n");
  return out;
}

std::string CaseEventPrinter::Add(const v1::CaseEvent& event) {
  if (event.kind() == v1::CASE_EVENT_KIND_MATERIAL_PULLED) {
    pending_.push_back(event);
    return "";
  }
  return absl::StrCat(Flush(), RenderEventLine(event));
}

std::string CaseEventPrinter::Flush() {
  if (pending_.empty()) return "";
  MaterialEventGroups groups;
  for (const v1::CaseEvent& e : pending_) groups.Add(e);
  pending_.clear();
  std::string out;
  if (!groups.checks().empty()) {
    uint64_t first = groups.checks().front().sequence;
    uint64_t last = first;
    for (const MaterialEvent& c : groups.checks()) {
      first = std::min(first, c.sequence);
      last = std::max(last, c.sequence);
    }
    absl::StrAppend(&out, "  ", SequenceRange(first, last),
                    " MATERIALS checked at submission: ",
                    RenderChecks(groups.checks(), nullptr), "\n");
  }
  for (const std::string& step : groups.steps()) {
    const std::vector<MaterialEvent>& reads = groups.ReadsOf(step);
    std::string department;
    for (const MaterialEvent& r : reads) {
      if (!r.department.empty()) department = r.department;
    }
    absl::StrAppend(
        &out, "  ",
        SequenceRange(reads.front().sequence, reads.back().sequence), " ", step,
        department.empty() ? "" : absl::StrCat(" (", department, ")"),
        " read: ", RenderReads(reads), "\n");
  }
  return out;
}

}  // namespace datarun::ctl
