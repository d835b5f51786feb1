#include "exchange/cases/case_metrics.h"

#include <algorithm>
#include <functional>

#include "absl/container/flat_hash_map.h"
#include "exchange/cases/case_type_set.h"

namespace datarun::cases {
namespace {

int64_t Ms(int64_t micros) { return micros / 1000; }

bool Finished(const v1::StepRecord& step) {
  return step.finished_at_micros() > 0 && step.started_at_micros() > 0;
}

}  // namespace

v1::CaseMetrics ComputeMetrics(const v1::CaseType& type,
                               const v1::CaseRecord& record,
                               int64_t now_micros) {
  v1::CaseMetrics metrics;
  const int64_t end = record.finished_at_micros() > 0
                          ? record.finished_at_micros()
                          : now_micros;
  metrics.set_elapsed_ms(
      Ms(std::max<int64_t>(0, end - record.submitted_at_micros())));

  // Durations of finished steps, and the longest chain ending at each.
  absl::flat_hash_map<std::string, int64_t> duration;
  for (const v1::StepRecord& step : record.steps()) {
    if (!Finished(step)) continue;
    const int64_t d = step.finished_at_micros() - step.started_at_micros();
    duration[step.step()] = d;
  }
  int64_t serial = 0;
  for (const auto& [step, d] : duration) serial += d;
  metrics.set_serial_sum_ms(Ms(serial));

  absl::flat_hash_map<std::string, int64_t> longest;
  // The DAG is validated acyclic; memoised depth-first search.
  std::function<int64_t(const v1::Step&)> chain = [&](const v1::Step& step) {
    auto memo = longest.find(step.id());
    if (memo != longest.end()) return memo->second;
    int64_t before = 0;
    for (const std::string& after : step.after()) {
      const v1::Step* parent = FindStep(type, after);
      if (parent != nullptr) before = std::max(before, chain(*parent));
    }
    auto d = duration.find(step.id());
    int64_t total = before + (d == duration.end() ? 0 : d->second);
    longest[step.id()] = total;
    return total;
  };
  int64_t critical = 0;
  for (const v1::Step& step : type.steps()) {
    critical = std::max(critical, chain(step));
  }
  metrics.set_critical_path_ms(Ms(critical));

  int trips = 0;
  for (const v1::MaterialRecord& material : record.materials()) {
    const v1::Material* declared = FindMaterial(type, material.material());
    if (declared != nullptr && declared->requires_presence()) trips = 1;
    if (material.source() == "deferred") trips = 1;
    if (material.source() == "pulled") {
      metrics.set_materials_pulled(metrics.materials_pulled() + 1);
    } else if (material.source() == "uploaded" ||
               material.source() == "supplied") {
      metrics.set_materials_uploaded(metrics.materials_uploaded() + 1);
    }
  }
  metrics.set_trips(trips);
  return metrics;
}

void CaseAggregator::Add(const v1::CaseRecord& record) {
  Sums& s = sums_[record.case_type()];
  ++s.cases;
  if (record.state() == v1::CASE_STATE_COMPLETED) ++s.completed;
  const v1::CaseMetrics& m = record.metrics();
  s.elapsed += m.elapsed_ms();
  s.serial += m.serial_sum_ms();
  s.critical += m.critical_path_ms();
  s.trips += m.trips();
  s.pulled += m.materials_pulled();
  s.uploaded += m.materials_uploaded();
}

std::vector<v1::CaseTypeAggregate> CaseAggregator::Finish() const {
  std::vector<v1::CaseTypeAggregate> out;
  for (const auto& [type, s] : sums_) {
    v1::CaseTypeAggregate a;
    a.set_case_type(type);
    a.set_cases(s.cases);
    a.set_completed(s.completed);
    const double n = static_cast<double>(s.cases);
    a.set_mean_elapsed_ms(s.elapsed / n);
    a.set_mean_serial_sum_ms(s.serial / n);
    a.set_mean_critical_path_ms(s.critical / n);
    a.set_mean_trips(s.trips / n);
    a.set_mean_materials_pulled(s.pulled / n);
    a.set_mean_materials_uploaded(s.uploaded / n);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace datarun::cases
