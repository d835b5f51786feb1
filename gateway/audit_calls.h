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

// Reads the audit console's filters from the query string into a search
// request: subject, consumer, dataset, purpose, since, until (see
// TimeParamMicros), page_size (1..200), page_token. INVALID_ARGUMENT naming
// the parameter.
absl::StatusOr<v1::SearchEntriesRequest> ParseAuditFilters(
    const HttpRequest& request);

// Runs one page of Audit.SearchEntries as the auditor (a subject is
// searched through the exchange's subject index, with the other filters).
void SearchAudit(ExchangeClients* clients,
                 const v1::SearchEntriesRequest& search, SearchDone done);

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_AUDIT_CALLS_H_
