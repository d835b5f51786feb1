#include "gateway/audit_calls.h"

#include <utility>

#include "gateway/query_params.h"

namespace datarun::gateway {

void GetCheckpoint(ExchangeClients* clients, ExchangeIdentity& identity,
                   CheckpointDone done) {
  CallUnary<v1::GetCheckpointRequest, v1::GetCheckpointResponse>(
      clients,
      [stub = identity.audit.get()](auto* c, auto* q, auto* r, auto cb) {
        stub->async()->GetCheckpoint(c, q, r, std::move(cb));
      },
      v1::GetCheckpointRequest(), std::move(done));
}

absl::StatusOr<v1::SearchEntriesRequest> ParseAuditFilters(
    const HttpRequest& request) {
  v1::SearchEntriesRequest search;
  search.set_subject(request.Query("subject"));
  search.set_consumer(request.Query("consumer"));
  search.set_dataset(request.Query("dataset"));
  search.set_purpose(request.Query("purpose"));
  absl::StatusOr<int64_t> since = TimeParamMicros(request, "since");
  if (!since.ok()) return since.status();
  absl::StatusOr<int64_t> until = TimeParamMicros(request, "until");
  if (!until.ok()) return until.status();
  if (*since != 0 && *until != 0 && *since > *until) {
    return absl::InvalidArgumentError(
        "query parameters since and until: since is after until");
  }
  search.set_from_micros(*since);
  search.set_to_micros(*until);
  absl::StatusOr<int64_t> page_size = IntParam(request, "page_size", 0, 0, 200);
  if (!page_size.ok()) return page_size.status();
  search.set_page_size(static_cast<int32_t>(*page_size));
  search.set_page_token(request.Query("page_token"));
  return search;
}

void SearchAudit(ExchangeClients* clients,
                 const v1::SearchEntriesRequest& search, SearchDone done) {
  CallUnary<v1::SearchEntriesRequest, v1::SearchEntriesResponse>(
      clients,
      [stub = clients->auditor().audit.get()](auto* c, auto* q, auto* r,
                                              auto cb) {
        stub->async()->SearchEntries(c, q, r, std::move(cb));
      },
      search, std::move(done));
}

}  // namespace datarun::gateway
