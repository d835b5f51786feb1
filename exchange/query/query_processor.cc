#include "exchange/query/query_processor.h"

#include <utility>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "exchange/audit/record_digest.h"
#include "exchange/identity/subject_id.h"
#include "exchange/policy/masking.h"

namespace datarun::query {

struct QueryProcessor::Call {
  std::string consumer;
  v1::QueryRequest request;
  absl::Time deadline;
  Done done;
  const v1::Dataset* dataset = nullptr;
  policy::Decision decision;
  v1::AuditEntry entry;
};

namespace {

std::string NewRequestId() {
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(gen),
                         absl::Uniform<uint64_t>(gen));
}

// The kind of subject a dataset is keyed by, as the identity library names it.
absl::Status CheckSubjectKind(const v1::Dataset& dataset,
                              identity::SubjectKind kind) {
  if (dataset.subject_kind() == v1::SUBJECT_KIND_PERSON &&
      kind != identity::SubjectKind::kPerson) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subject: dataset '", dataset.id(),
        "' is about persons and needs an 18-digit resident identity number, "
        "not a unified social credit code"));
  }
  if (dataset.subject_kind() == v1::SUBJECT_KIND_ORGANISATION &&
      kind != identity::SubjectKind::kOrganisation) {
    return absl::InvalidArgumentError(absl::StrCat(
        "subject: dataset '", dataset.id(),
        "' is about organisations and needs an 18-character unified social "
        "credit code, not a resident identity number"));
  }
  return absl::OkStatus();
}

}  // namespace

QueryProcessor::QueryProcessor(Options options)
    : options_(std::move(options)) {}

void QueryProcessor::Query(const std::string& consumer,
                           const v1::QueryRequest& request, absl::Time deadline,
                           Done done) {
  auto call = std::make_shared<Call>();
  call->consumer = consumer;
  call->request = request;
  call->deadline = deadline;
  call->done = std::move(done);
  if (call->request.context().request_id().empty()) {
    call->request.mutable_context()->set_request_id(NewRequestId());
  }

  v1::AuditEntry& entry = call->entry;
  entry.set_time_micros(absl::ToUnixMicros(options_.now()));
  entry.set_consumer(consumer);
  entry.set_on_behalf_of(request.context().on_behalf_of());
  entry.set_dataset(request.dataset());
  // Hash the canonical spelling (a lowercase check character "x" is the same
  // number), so "who accessed my data" finds every entry.
  entry.set_subject_hash(
      options_.subject_hasher->Hash(absl::AsciiStrToUpper(request.subject())));
  for (const std::string& field : request.fields()) {
    entry.add_fields_requested(field);
  }
  entry.set_purpose(request.context().purpose());
  entry.set_case_id(request.context().case_id());
  entry.set_request_id(call->request.context().request_id());

  absl::Status decided = Decide(*call);
  if (!decided.ok()) {
    entry.set_decision(v1::AUDIT_DECISION_DENY);
    AuditAndFinish(std::move(call), decided);
    return;
  }
  entry.set_decision(v1::AUDIT_DECISION_ALLOW);
  entry.set_grant_id(call->decision.grant_id);

  const absl::Time now = options_.now();
  const absl::Time fetch_deadline = call->deadline - options_.audit_reserve;
  if (fetch_deadline <= now) {
    AuditAndFinish(
        std::move(call),
        absl::DeadlineExceededError(absl::StrCat(
            "the request's deadline leaves no time to ask department '",
            call->dataset->owner(), "'")));
    return;
  }

  v1::FetchRequest fetch;
  fetch.set_dataset(call->dataset->id());
  fetch.set_subject(call->request.subject());
  for (const std::string& field : call->decision.fetch_fields) {
    fetch.add_fields(field);
  }
  fetch.set_consumer(consumer);
  *fetch.mutable_context() = call->request.context();
  if (!options_.local_id) {
    SendFetch(std::move(call), std::move(fetch), fetch_deadline);
    return;
  }
  if (options_.cached_local_id) {
    absl::optional<std::string> cached = options_.cached_local_id(
        call->request.subject(), call->dataset->owner());
    if (cached.has_value()) {
      fetch.set_local_id(*std::move(cached));
      SendFetch(std::move(call), std::move(fetch), fetch_deadline);
      return;
    }
  }
  if (options_.offload) {
    // The lookup needs a storage read: not on this (possibly a reactor's)
    // thread.
    absl::Status queued =
        options_.offload([this, call, fetch, fetch_deadline]() mutable {
          AddLocalId(*call, fetch);
          SendFetch(std::move(call), std::move(fetch), fetch_deadline);
        });
    if (queued.ok()) return;
    LogLine("identity_lookup_skipped", LogLevel::kWarning)
        .Str("department", call->dataset->owner())
        .Status(queued);
  } else {
    AddLocalId(*call, fetch);
  }
  SendFetch(std::move(call), std::move(fetch), fetch_deadline);
}

void QueryProcessor::AddLocalId(const Call& call,
                                v1::FetchRequest& fetch) const {
  absl::StatusOr<std::string> local_id =
      options_.local_id(call.request.subject(), call.dataset->owner());
  if (local_id.ok()) {
    fetch.set_local_id(*std::move(local_id));
    return;
  }
  // The adapter falls back to its own lookup by subject.
  LogLine("identity_lookup_failed", LogLevel::kWarning)
      .Str("department", call.dataset->owner())
      .Status(local_id.status());
}

void QueryProcessor::SendFetch(std::shared_ptr<Call> call,
                               v1::FetchRequest fetch, absl::Time deadline) {
  const std::string owner = call->dataset->owner();
  options_.router->Fetch(
      owner, std::move(fetch), deadline,
      [this, call](absl::StatusOr<v1::FetchResponse> fetched) mutable {
        OnFetched(std::move(call), std::move(fetched));
      });
}

absl::Status QueryProcessor::Decide(Call& call) {
  const v1::QueryRequest& request = call.request;
  if (request.dataset().empty()) {
    return absl::InvalidArgumentError(
        "dataset: required (for example 'land.property_title'; see "
        "ListDatasets)");
  }
  if (request.subject().empty()) {
    return absl::InvalidArgumentError(
        "subject: required (resident identity number or unified social credit "
        "code)");
  }
  if (request.context().purpose().empty()) {
    return absl::InvalidArgumentError(
        "context.purpose: required (declare why the data is needed, e.g. "
        "'property_transfer.deed_tax')");
  }
  if (request.fields_size() > options_.max_fields) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fields: ", request.fields_size(), " fields requested, at most ",
        options_.max_fields, " are allowed in one query"));
  }
  ASSIGN_OR_RETURN(call.dataset,
                   options_.catalog->FindDataset(request.dataset()));
  call.entry.set_owner(call.dataset->owner());
  ASSIGN_OR_RETURN(identity::SubjectKind kind,
                   identity::ValidateSubject(request.subject()));
  RETURN_IF_ERROR(CheckSubjectKind(*call.dataset, kind));

  policy::QueryIntent intent;
  intent.consumer = call.consumer;
  intent.dataset = request.dataset();
  intent.fields.assign(request.fields().begin(), request.fields().end());
  intent.purpose = request.context().purpose();
  intent.case_id = request.context().case_id();
  if (options_.case_binding) {
    intent.check_case = [this, &request](absl::string_view case_type) {
      return options_.case_binding(request.context().case_id(), case_type,
                                   absl::AsciiStrToUpper(request.subject()));
    };
  }
  intent.now = options_.now();
  std::string considered_grant;
  absl::StatusOr<policy::Decision> decision =
      options_.policy->Decide(intent, &considered_grant);
  call.entry.set_grant_id(considered_grant);
  if (!decision.ok()) return decision.status();
  call.decision = *std::move(decision);
  return absl::OkStatus();
}

void QueryProcessor::OnFetched(std::shared_ptr<Call> call,
                               absl::StatusOr<v1::FetchResponse> fetched) {
  if (!fetched.ok()) {
    AuditAndFinish(std::move(call), fetched.status());
    return;
  }
  const v1::Dataset& dataset = *call->dataset;
  v1::QueryResponse response;
  response.set_dataset(dataset.id());
  response.set_dataset_version(dataset.version());
  response.set_grant_id(call->decision.grant_id);
  response.set_request_id(call->request.context().request_id());
  for (const std::string& field : call->decision.masked_fields) {
    response.add_masked_fields(field);
  }
  for (v1::Record& record : *fetched->mutable_records()) {
    absl::Status valid = options_.catalog->ValidateRecord(dataset, record);
    if (!valid.ok()) {
      AuditAndFinish(
          std::move(call),
          absl::InternalError(absl::StrCat(
              "department '", dataset.owner(),
              "' returned a record that does not match the catalog: ",
              valid.message())));
      return;
    }
    absl::Status applied =
        policy::ApplyDecision(call->decision, dataset, &record);
    if (!applied.ok()) {
      AuditAndFinish(std::move(call), applied);
      return;
    }
    *response.add_records() = std::move(record);
  }
  v1::AuditEntry& entry = call->entry;
  for (const std::string& field : call->decision.clear_fields) {
    entry.add_fields_released(field);
  }
  for (const std::string& field : call->decision.masked_fields) {
    entry.add_fields_masked(field);
  }
  entry.set_record_count(response.records_size());
  entry.set_record_digest(audit::RecordDigestHex(response.records()));
  AuditAndFinish(std::move(call), std::move(response));
}

void QueryProcessor::AuditAndFinish(std::shared_ptr<Call> call,
                                    absl::StatusOr<v1::QueryResponse> result) {
  v1::AuditEntry& entry = call->entry;
  entry.set_status_code(absl::StatusCodeToString(result.status().code()));
  if (!result.ok()) entry.set_reason(std::string(result.status().message()));
  // The entry is moved, not copied: nothing reads call->entry after this.
  options_.audit->Append(
      std::move(entry),
      [call, result = std::move(result)](
          absl::StatusOr<audit::AuditReceipt> receipt) mutable {
        if (!receipt.ok()) {
          LogLine("audit_append_failed", LogLevel::kError)
              .Str("request_id", call->request.context().request_id())
              .Status(receipt.status());
          if (result.ok()) {
            call->done(absl::UnavailableError(absl::StrCat(
                "the access could not be recorded in the audit log, so no "
                "data is released: ",
                receipt.status().message())));
          } else {
            call->done(std::move(result));
          }
          return;
        }
        if (result.ok()) {
          *result->mutable_receipt() = audit::ToProto(*receipt);
        }
        call->done(std::move(result));
      });
}

}  // namespace datarun::query
