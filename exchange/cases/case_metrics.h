// Per-case metrics (elapsed, serial sum, critical path, trips, materials)
// and per-case-type aggregates. Pure functions; thread-safe.
#ifndef DATARUN_EXCHANGE_CASES_CASE_METRICS_H_
#define DATARUN_EXCHANGE_CASES_CASE_METRICS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "datarun/v1/case.pb.h"
#include "datarun/v1/workflow.pb.h"

namespace datarun::cases {

// Returns the metrics of `record` (a case of `type`) at `now_micros`:
//  elapsed_ms        submission to finish (to now while open);
//  serial_sum_ms     sum of the durations of every finished step;
//  critical_path_ms  the longest chain of finished-step durations through
//                    the `after` DAG;
//  trips             1 when a material requires presence or a material is
//                    still deferred (the applicant must come back), else 0;
//  materials_pulled / materials_uploaded (uploaded or supplied online).
v1::CaseMetrics ComputeMetrics(const v1::CaseType& type,
                               const v1::CaseRecord& record,
                               int64_t now_micros);

// Sums cases into per-type aggregates. Not thread-safe.
class CaseAggregator {
 public:
  // Counts `record` (its metrics must be filled).
  void Add(const v1::CaseRecord& record);
  // Returns one aggregate per case type seen, by type id.
  std::vector<v1::CaseTypeAggregate> Finish() const;

 private:
  struct Sums {
    int64_t cases = 0, completed = 0;
    double elapsed = 0, serial = 0, critical = 0, trips = 0, pulled = 0,
           uploaded = 0;
  };
  std::map<std::string, Sums> sums_;
};

}  // namespace datarun::cases

#endif  // DATARUN_EXCHANGE_CASES_CASE_METRICS_H_
