// `datarunctl case list`: pages through Case.List up to a limit and prints
// the cases, how many were shown and whether more exist, and the per-type
// aggregates.
#ifndef DATARUN_TOOLS_DATARUNCTL_CASE_LIST_H_
#define DATARUN_TOOLS_DATARUNCTL_CASE_LIST_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "datarun/v1/case.pb.h"

namespace datarun::ctl {

struct CaseListing {
  std::vector<v1::CaseRecord> cases;
  // From the first page (the exchange computes them over every matching
  // case, whatever the page).
  std::vector<v1::CaseTypeAggregate> aggregates;
  // True when the exchange has more matching cases than were fetched.
  bool more = false;
};

// One Case.List call; returns its status (non-OK stops the listing).
using CaseListFetch = std::function<absl::Status(
    const v1::ListCasesRequest& request, v1::ListCasesResponse* response)>;

// Calls `fetch` with `request` (its filters kept, page_size at most 200 and
// never more than what is still wanted, page_token following each
// next_page_token) until `limit` cases are held or no page is left.
// Returns the first failed call's status unchanged; INVALID_ARGUMENT when
// `limit` < 1.
absl::StatusOr<CaseListing> ListCasePages(v1::ListCasesRequest request,
                                          int limit,
                                          const CaseListFetch& fetch);

// One line per case, then "N case(s) shown[; more exist (raise --limit)]",
// then the aggregates.
std::string RenderCaseListing(const CaseListing& listing, int limit);

}  // namespace datarun::ctl

#endif  // DATARUN_TOOLS_DATARUNCTL_CASE_LIST_H_
