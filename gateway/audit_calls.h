// The Audit service calls the audit console and the citizen pages share,
// as non-blocking functions (their callbacks run on gRPC threads), and the
// search request built from the console's query parameters.
#ifndef DATARUN_GATEWAY_AUDIT_CALLS_H_
#define DATARUN_GATEWAY_AUDIT_CALLS_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "datarun/v1/audit_service.pb.h"
#include "gateway/exchange_clients.h"
#include "gateway/http_types.h"

namespace datarun::gateway {

using CheckpointDone =
    std::function<void(absl::Status, v1::GetCheckpointResponse)>;
using SearchDone = std::function<void(absl::Status, v1::SearchEntriesResponse)>;

// Audit.GetCheckpoint (latest, not publishing) as `identity`.
void GetCheckpoint(ExchangeClients* clients, ExchangeIdentity& identity,
                   CheckpointDone done);

// The audit console's filters: subject, consumer, dataset, purpose, since,
// until (see TimeParamMicros), page_size (1..200), page_token.
struct AuditFilters {
  std::string subject;
  v1::SearchEntriesRequest search;
};

// Reads the filters from the query string. INVALID_ARGUMENT naming the
// parameter.
absl::StatusOr<AuditFilters> ParseAuditFilters(const HttpRequest& request);

// Runs one page of the search as the auditor: Audit.SearchEntries, or, with
// a subject, Audit.ListSubjectAccesses whose entries are then filtered by
// the other filters (consumer, dataset, purpose, time) — the answer has the
// SearchEntriesResponse shape either way.
void SearchAudit(ExchangeClients* clients, const AuditFilters& filters,
                 SearchDone done);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_AUDIT_CALLS_H_
