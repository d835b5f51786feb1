#include "exchange/server/audit_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "exchange/identity/subject_id.h"

namespace datarun::server {
namespace {

constexpr int kDefaultCheckpoints = 100;
constexpr int kMaxCheckpoints = 1000;
constexpr int kDefaultEntries = 100;
constexpr int kMaxEntries = 1000;
constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 200;

// `value` defaulted when 0, INVALID_ARGUMENT naming `field` when negative or
// above `max`.
absl::StatusOr<int> Limit(absl::string_view field, int32_t value, int def,
                          int max) {
  if (value == 0) return def;
  if (value < 0 || value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", value, " is out of range; ask for 1 to ", max,
                     " (0 means ", def, ")"));
  }
  return value;
}

// The next index encoded in a page token ("" = 0).
absl::StatusOr<uint64_t> ParsePageToken(const std::string& token) {
  uint64_t index = 0;
  if (!token.empty() && !absl::SimpleAtoi(token, &index)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "page_token: '", token.substr(0, 40),
        "' is not a token this service returned (pass next_page_token "
        "unchanged)"));
  }
  return index;
}

void ToProto(const audit::SignedCheckpoint& checkpoint,
             v1::SignedCheckpoint* out) {
  out->set_note(checkpoint.note);
  out->set_tree_size(checkpoint.checkpoint.size);
  out->set_root_hash(
      std::string(merkle::HashBytes(checkpoint.checkpoint.root)));
  out->set_published_at_micros(absl::ToUnixMicros(checkpoint.published_at));
}

absl::Status TreeSizeBeyond(absl::string_view field, uint64_t size,
                            uint64_t latest) {
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": ", size, " is beyond the latest signed checkpoint (tree size ",
      latest, ")"));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditService>> AuditService::Create(
    const Options& options) {
  if (options.log == nullptr || options.subject_hasher == nullptr ||
      options.authenticator == nullptr) {
    return absl::InvalidArgumentError(
        "AuditService needs the audit log, the subject hasher and the "
        "authenticator");
  }
  ASSIGN_OR_RETURN(
      AuditAccess access,
      AuditAccess::Create(options.access, options.known_departments));
  return std::unique_ptr<AuditService>(
      new AuditService(options, std::move(access)));
}

AuditService::AuditService(Options options, AuditAccess access)
    : options_(std::move(options)),
      access_(std::move(access)),
      pool_("audit reads", options_.read_threads, options_.max_queued_reads) {}

grpc::ServerUnaryReactor* AuditService::Run(
    grpc::CallbackServerContext* context, const char* method, Work work) {
  const PooledCallSite site{options_.authenticator, &pool_, "Audit",
                            "audit_request"};
  return RunPooled(site, context, method, std::move(work));
}

grpc::ServerUnaryReactor* AuditService::GetCheckpoint(
    grpc::CallbackServerContext* context,
    const v1::GetCheckpointRequest* request,
    v1::GetCheckpointResponse* response) {
  return Run(context, "GetCheckpoint",
             [this, request, response](const std::string& caller,
                                       LogLine& line) -> absl::Status {
               line.Bool("publish", request->publish());
               // Publishing is a synced write: audit readers only.
               if (request->publish()) {
                 RETURN_IF_ERROR(access_.CheckPublish(caller));
               }
               absl::Status status = DoGetCheckpoint(*request, response);
               line.Int("tree_size", static_cast<int64_t>(
                                         response->checkpoint().tree_size()));
               return status;
             });
}

grpc::ServerUnaryReactor* AuditService::ListCheckpoints(
    grpc::CallbackServerContext* context,
    const v1::ListCheckpointsRequest* request,
    v1::ListCheckpointsResponse* response) {
  return Run(context, "ListCheckpoints",
             [this, request, response](const std::string&, LogLine& line) {
               absl::Status status = DoListCheckpoints(*request, response);
               line.Int("checkpoints", response->checkpoints_size());
               return status;
             });
}

grpc::ServerUnaryReactor* AuditService::GetInclusionProof(
    grpc::CallbackServerContext* context,
    const v1::GetInclusionProofRequest* request,
    v1::GetInclusionProofResponse* response) {
  return Run(
      context, "GetInclusionProof",
      [this, request, response](const std::string&, LogLine& line) {
        line.Int("entry_index", static_cast<int64_t>(request->entry_index()));
        absl::Status status = DoGetInclusionProof(*request, response);
        line.Int("tree_size", static_cast<int64_t>(response->tree_size()));
        return status;
      });
}

grpc::ServerUnaryReactor* AuditService::GetConsistencyProof(
    grpc::CallbackServerContext* context,
    const v1::GetConsistencyProofRequest* request,
    v1::GetConsistencyProofResponse* response) {
  return Run(context, "GetConsistencyProof",
             [this, request, response](const std::string&, LogLine& line) {
               line.Int("old_size", static_cast<int64_t>(request->old_size()));
               absl::Status status = DoGetConsistencyProof(*request, response);
               line.Int("new_size", static_cast<int64_t>(response->new_size()));
               return status;
             });
}

grpc::ServerUnaryReactor* AuditService::ListEntries(
    grpc::CallbackServerContext* context, const v1::ListEntriesRequest* request,
    v1::ListEntriesResponse* response) {
  return Run(
      context, "ListEntries",
      [this, request, response](const std::string& caller, LogLine& line) {
        line.Int("begin", static_cast<int64_t>(request->begin()));
        absl::Status status = DoListEntries(caller, *request, response);
        line.Int("entries", response->entries_size());
        return status;
      });
}

grpc::ServerUnaryReactor* AuditService::SearchEntries(
    grpc::CallbackServerContext* context,
    const v1::SearchEntriesRequest* request,
    v1::SearchEntriesResponse* response) {
  return Run(
      context, "SearchEntries",
      [this, request, response](const std::string& caller,
                                LogLine& line) -> absl::Status {
        line.Str("consumer", request->consumer())
            .Str("dataset", request->dataset())
            .Str("purpose", request->purpose());
        ASSIGN_OR_RETURN(std::string consumer,
                         access_.SearchConsumer(caller, request->consumer()));
        if (request->from_micros() != 0 && request->to_micros() != 0 &&
            request->from_micros() > request->to_micros()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "from_micros (", request->from_micros(), ") is after to_micros (",
              request->to_micros(), ")"));
        }
        audit::AuditLog::SearchQuery query;
        if (!request->subject().empty()) {
          // The subject is neither logged nor echoed in errors.
          RETURN_IF_ERROR(access_.CheckSubjectAccess(caller));
          ASSIGN_OR_RETURN(query.subject_hash,
                           SubjectHashOf(request->subject()));
          line.Bool("by_subject", true);
        }
        query.consumer = std::move(consumer);
        query.dataset = request->dataset();
        query.purpose = request->purpose();
        if (request->from_micros() != 0) {
          query.from = absl::FromUnixMicros(request->from_micros());
        }
        if (request->to_micros() != 0) {
          query.to = absl::FromUnixMicros(request->to_micros());
        }
        absl::Status status = SearchPage(
            std::move(query), request->page_size(), request->page_token(),
            response->mutable_entries(), response->mutable_checkpoint(),
            response->mutable_next_page_token());
        line.Int("entries", response->entries_size());
        return status;
      });
}

grpc::ServerUnaryReactor* AuditService::ListSubjectAccesses(
    grpc::CallbackServerContext* context,
    const v1::ListSubjectAccessesRequest* request,
    v1::ListSubjectAccessesResponse* response) {
  return Run(
      context, "ListSubjectAccesses",
      [this, request, response](const std::string& caller,
                                LogLine& line) -> absl::Status {
        // The subject is neither logged nor echoed in errors.
        RETURN_IF_ERROR(access_.CheckSubjectAccess(caller));
        audit::AuditLog::SearchQuery query;
        ASSIGN_OR_RETURN(query.subject_hash, SubjectHashOf(request->subject()));
        absl::Status status = SearchPage(
            std::move(query), request->page_size(), request->page_token(),
            response->mutable_entries(), response->mutable_checkpoint(),
            response->mutable_next_page_token());
        line.Int("entries", response->entries_size());
        return status;
      });
}

absl::StatusOr<std::string> AuditService::SubjectHashOf(
    absl::string_view subject) const {
  if (subject.empty()) {
    return absl::InvalidArgumentError(
        "subject: required (resident identity number or unified social "
        "credit code)");
  }
  identity::SubjectKind kind;
  ASSIGN_OR_RETURN(std::string normalized,
                   identity::NormalizeSubject(subject, &kind));
  // The query path hashes the canonical spelling (upper-case check
  // character), so both spellings find the same entries.
  return options_.subject_hasher->Hash(absl::AsciiStrToUpper(normalized));
}

absl::Status AuditService::DoGetCheckpoint(
    const v1::GetCheckpointRequest& request,
    v1::GetCheckpointResponse* response) {
  ASSIGN_OR_RETURN(audit::SignedCheckpoint checkpoint,
                   request.publish() ? options_.log->PublishCheckpoint()
                                     : options_.log->LatestCheckpoint());
  ToProto(checkpoint, response->mutable_checkpoint());
  response->set_verifier_key(options_.log->VerifierKey());
  return absl::OkStatus();
}

absl::Status AuditService::DoListCheckpoints(
    const v1::ListCheckpointsRequest& request,
    v1::ListCheckpointsResponse* response) {
  ASSIGN_OR_RETURN(int limit, Limit("limit", request.limit(),
                                    kDefaultCheckpoints, kMaxCheckpoints));
  ASSIGN_OR_RETURN(
      std::vector<audit::SignedCheckpoint> history,
      options_.log->CheckpointHistory(request.min_tree_size(), limit));
  for (const audit::SignedCheckpoint& checkpoint : history) {
    ToProto(checkpoint, response->add_checkpoints());
  }
  return absl::OkStatus();
}

absl::Status AuditService::DoGetInclusionProof(
    const v1::GetInclusionProofRequest& request,
    v1::GetInclusionProofResponse* response) {
  ASSIGN_OR_RETURN(audit::SignedCheckpoint latest,
                   options_.log->LatestCheckpoint());
  const uint64_t latest_size = latest.checkpoint.size;
  const uint64_t size =
      request.tree_size() == 0 ? latest_size : request.tree_size();
  if (size > latest_size) return TreeSizeBeyond("tree_size", size, latest_size);
  if (request.entry_index() >= size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry_index: ", request.entry_index(), " is not below tree_size ",
        size, size == latest_size ? " (the latest signed checkpoint)" : ""));
  }
  v1::ProvedEntry proved;
  RETURN_IF_ERROR(AddProof(request.entry_index(), size, &proved));
  response->set_entry_index(request.entry_index());
  response->set_tree_size(size);
  response->set_leaf_hash(std::move(*proved.mutable_leaf_hash()));
  *response->mutable_proof() = std::move(*proved.mutable_inclusion_proof());
  v1::SignedCheckpoint checkpoint;
  ASSIGN_OR_RETURN(bool found, FindCheckpoint(size, latest, &checkpoint));
  if (found) *response->mutable_checkpoint() = std::move(checkpoint);
  return absl::OkStatus();
}

absl::Status AuditService::DoGetConsistencyProof(
    const v1::GetConsistencyProofRequest& request,
    v1::GetConsistencyProofResponse* response) {
  ASSIGN_OR_RETURN(audit::SignedCheckpoint latest,
                   options_.log->LatestCheckpoint());
  const uint64_t latest_size = latest.checkpoint.size;
  const uint64_t new_size =
      request.new_size() == 0 ? latest_size : request.new_size();
  if (new_size > latest_size) {
    return TreeSizeBeyond("new_size", new_size, latest_size);
  }
  if (request.old_size() > new_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("old_size: ", request.old_size(),
                     " is larger than new_size ", new_size));
  }
  ASSIGN_OR_RETURN(
      std::vector<merkle::Hash> proof,
      options_.log->ConsistencyProof(request.old_size(), new_size));
  response->set_old_size(request.old_size());
  response->set_new_size(new_size);
  for (const merkle::Hash& hash : proof) {
    response->add_proof(std::string(merkle::HashBytes(hash)));
  }
  v1::SignedCheckpoint checkpoint;
  ASSIGN_OR_RETURN(bool found, FindCheckpoint(new_size, latest, &checkpoint));
  if (found) *response->mutable_new_checkpoint() = std::move(checkpoint);
  return absl::OkStatus();
}

absl::Status AuditService::DoListEntries(const std::string& caller,
                                         const v1::ListEntriesRequest& request,
                                         v1::ListEntriesResponse* response) {
  RETURN_IF_ERROR(access_.CheckListEntries(caller));
  ASSIGN_OR_RETURN(
      int limit, Limit("limit", request.limit(), kDefaultEntries, kMaxEntries));
  ASSIGN_OR_RETURN(audit::SignedCheckpoint latest,
                   options_.log->LatestCheckpoint());
  const uint64_t latest_size = latest.checkpoint.size;
  const uint64_t size =
      request.tree_size() == 0 ? latest_size : request.tree_size();
  if (size > latest_size) return TreeSizeBeyond("tree_size", size, latest_size);
  if (request.begin() > size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "begin: ", request.begin(), " is beyond tree size ", size));
  }
  const uint64_t end = std::min<uint64_t>(size, request.begin() + limit);
  ASSIGN_OR_RETURN(std::vector<v1::AuditEntry> entries,
                   options_.log->Read(request.begin(), end));
  for (uint64_t index = request.begin(); index < end; ++index) {
    v1::ProvedEntry* out = response->add_entries();
    out->set_index(index);
    *out->mutable_entry() = std::move(entries[index - request.begin()]);
    if (request.include_proofs()) {
      RETURN_IF_ERROR(AddProof(index, size, out));
    } else {
      ASSIGN_OR_RETURN(merkle::Hash leaf, options_.log->LeafHash(index));
      out->set_leaf_hash(std::string(merkle::HashBytes(leaf)));
    }
  }
  v1::SignedCheckpoint checkpoint;
  ASSIGN_OR_RETURN(bool found, FindCheckpoint(size, latest, &checkpoint));
  if (found) *response->mutable_checkpoint() = std::move(checkpoint);
  response->set_next_begin(end);
  return absl::OkStatus();
}

absl::Status AuditService::SearchPage(
    audit::AuditLog::SearchQuery query, int32_t page_size,
    const std::string& page_token,
    google::protobuf::RepeatedPtrField<v1::ProvedEntry>* entries,
    v1::SignedCheckpoint* checkpoint, std::string* next_page_token) {
  ASSIGN_OR_RETURN(query.limit,
                   Limit("page_size", page_size, kDefaultPage, kMaxPage));
  ASSIGN_OR_RETURN(query.start_index, ParsePageToken(page_token));
  // The checkpoint first: hits appended after it are left for the next page.
  ASSIGN_OR_RETURN(audit::SignedCheckpoint latest,
                   options_.log->LatestCheckpoint());
  const uint64_t size = latest.checkpoint.size;
  // Where the next page starts; 0 when there is nothing more to find.
  uint64_t next = 0;
  std::vector<audit::AuditLog::Hit> hits;
  if (query.start_index < size) {
    ASSIGN_OR_RETURN(hits, options_.log->Search(query, &next));
  }
  for (audit::AuditLog::Hit& hit : hits) {
    if (hit.index >= size) {
      next = hit.index;  // Appended after `latest`: for the next page.
      break;
    }
    v1::ProvedEntry* out = entries->Add();
    out->set_index(hit.index);
    *out->mutable_entry() = std::move(hit.entry);
    RETURN_IF_ERROR(AddProof(hit.index, size, out));
  }
  ToProto(latest, checkpoint);
  if (next != 0) {
    *next_page_token = absl::StrCat(next);
  } else {
    next_page_token->clear();
  }
  return absl::OkStatus();
}

absl::Status AuditService::AddProof(uint64_t index, uint64_t tree_size,
                                    v1::ProvedEntry* out) const {
  ASSIGN_OR_RETURN(merkle::Hash leaf, options_.log->LeafHash(index));
  ASSIGN_OR_RETURN(std::vector<merkle::Hash> proof,
                   options_.log->InclusionProof(index, tree_size));
  out->set_leaf_hash(std::string(merkle::HashBytes(leaf)));
  out->clear_inclusion_proof();
  for (const merkle::Hash& hash : proof) {
    out->add_inclusion_proof(std::string(merkle::HashBytes(hash)));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> AuditService::FindCheckpoint(
    uint64_t size, const audit::SignedCheckpoint& latest,
    v1::SignedCheckpoint* out) const {
  if (size == latest.checkpoint.size) {
    ToProto(latest, out);
    return true;
  }
  ASSIGN_OR_RETURN(std::vector<audit::SignedCheckpoint> history,
                   options_.log->CheckpointHistory(size, 1));
  if (history.empty() || history[0].checkpoint.size != size) return false;
  ToProto(history[0], out);
  return true;
}

}  // namespace datarun::server
