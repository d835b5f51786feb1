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

absl::StatusOr<AuditFilters> ParseAuditFilters(const HttpRequest& request) {
  AuditFilters filters;
  filters.subject = request.Query("subject");
  v1::SearchEntriesRequest& search = filters.search;
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
  return filters;
}

namespace {

bool Matches(const v1::SearchEntriesRequest& filter,
             const v1::AuditEntry& entry) {
  if (!filter.consumer().empty() && entry.consumer() != filter.consumer()) {
    return false;
  }
  if (!filter.dataset().empty() && entry.dataset() != filter.dataset()) {
    return false;
  }
  if (!filter.purpose().empty() && entry.purpose() != filter.purpose()) {
    return false;
  }
  if (filter.from_micros() != 0 && entry.time_micros() < filter.from_micros()) {
    return false;
  }
  if (filter.to_micros() != 0 && entry.time_micros() >= filter.to_micros()) {
    return false;
  }
  return true;
}

}  // namespace

void SearchAudit(ExchangeClients* clients, const AuditFilters& filters,
                 SearchDone done) {
  if (filters.subject.empty()) {
    CallUnary<v1::SearchEntriesRequest, v1::SearchEntriesResponse>(
        clients,
        [stub = clients->auditor().audit.get()](auto* c, auto* q, auto* r,
                                                auto cb) {
          stub->async()->SearchEntries(c, q, r, std::move(cb));
        },
        filters.search, std::move(done));
    return;
  }
  v1::ListSubjectAccessesRequest request;
  request.set_subject(filters.subject);
  request.set_page_size(filters.search.page_size());
  request.set_page_token(filters.search.page_token());
  CallUnary<v1::ListSubjectAccessesRequest, v1::ListSubjectAccessesResponse>(
      clients,
      [stub = clients->auditor().audit.get()](auto* c, auto* q, auto* r,
                                              auto cb) {
        stub->async()->ListSubjectAccesses(c, q, r, std::move(cb));
      },
      std::move(request),
      [filter = filters.search, done = std::move(done)](
          absl::Status status, v1::ListSubjectAccessesResponse response) {
        v1::SearchEntriesResponse out;
        if (status.ok()) {
          for (v1::ProvedEntry& entry : *response.mutable_entries()) {
            if (Matches(filter, entry.entry())) {
              *out.add_entries() = std::move(entry);
            }
          }
          *out.mutable_checkpoint() = std::move(*response.mutable_checkpoint());
          out.set_next_page_token(response.next_page_token());
        }
        done(status, std::move(out));
      });
}

}  // namespace datarun::gateway
