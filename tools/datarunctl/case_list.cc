#include "tools/datarunctl/case_list.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/datarunctl/case_render.h"

namespace datarun::ctl {
namespace {

constexpr int kMaxPageSize = 200;

std::string Pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " "
                              : text + std::string(width - text.size(), ' ');
}

}  // namespace

absl::StatusOr<CaseListing> ListCasePages(v1::ListCasesRequest request,
                                          int limit,
                                          const CaseListFetch& fetch) {
  if (limit < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--limit: must be at least 1, got ", limit));
  }
  CaseListing listing;
  request.clear_page_token();
  bool first = true;
  while (true) {
    const int wanted = limit - static_cast<int>(listing.cases.size());
    request.set_page_size(std::min(wanted, kMaxPageSize));
    v1::ListCasesResponse page;
    absl::Status status = fetch(request, &page);
    if (!status.ok()) return status;
    if (first) {
      listing.aggregates.assign(page.aggregates().begin(),
                                page.aggregates().end());
      first = false;
    }
    for (v1::CaseRecord& c : *page.mutable_cases()) {
      if (static_cast<int>(listing.cases.size()) >= limit) {
        listing.more = true;
        break;
      }
      listing.cases.push_back(std::move(c));
    }
    if (page.next_page_token().empty()) break;
    if (static_cast<int>(listing.cases.size()) >= limit) {
      listing.more = true;
      break;
    }
    if (page.next_page_token() == request.page_token()) {
      return absl::InternalError(
          absl::StrCat("Case.List returned the same next_page_token twice ('",
                       page.next_page_token(), "'): stopping after ",
                       listing.cases.size(), " case(s)"));
    }
    request.set_page_token(page.next_page_token());
  }
  return listing;
}

std::string RenderCaseListing(const CaseListing& listing, int limit) {
  std::string out;
  for (const v1::CaseRecord& c : listing.cases) {
    absl::StrAppend(&out, "  ", Pad(c.case_id(), 28), Pad(c.case_type(), 32),
                    Pad(CaseStateName(c.state()), 10), c.metrics().elapsed_ms(),
                    " ms\n");
  }
  absl::StrAppend(&out, listing.cases.size(), " case(s) shown",
                  listing.more ? absl::StrCat("; more exist (the limit is ",
                                              limit, ": raise --limit)")
                               : "",
                  "\n");
  for (const v1::CaseTypeAggregate& a : listing.aggregates) {
    absl::StrAppend(
        &out, a.case_type(), ": ", a.cases(), " cases, ", a.completed(),
        " completed; mean elapsed ", static_cast<int64_t>(a.mean_elapsed_ms()),
        " ms vs serial ", static_cast<int64_t>(a.mean_serial_sum_ms()),
        " ms (critical path ", static_cast<int64_t>(a.mean_critical_path_ms()),
        " ms); trips ", a.mean_trips(), "; materials pulled ",
        a.mean_materials_pulled(), ", uploaded ", a.mean_materials_uploaded(),
        "\n");
  }
  return out;
}

}  // namespace datarun::ctl
