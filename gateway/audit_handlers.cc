// The audit console (auditors only; the administrator may not read it):
// search, checkpoint history, the latest checkpoint, consistency checks
// recomputed by the gateway. Export is in audit_export.cc.
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "exchange/audit/proof_check.h"
#include "exchange/merkle/hash.h"
#include "gateway/audit_calls.h"
#include "gateway/handlers.h"
#include "gateway/query_params.h"

namespace datarun::gateway {

// In audit_export.cc.
void ExportAudit(const ApiContext& context, const ApiCallPtr& call);

namespace {

void SearchEntries(const ApiContext& context, const ApiCallPtr& call) {
  absl::StatusOr<v1::SearchEntriesRequest> filters =
      ParseAuditFilters(call->request);
  if (!filters.ok()) return call->Fail(filters.status());
  SearchAudit(context.clients, *filters,
              [call](absl::Status status, v1::SearchEntriesResponse response) {
                if (!status.ok()) return call->Fail(status);
                call->Reply(response);
              });
}

void ListCheckpoints(const ApiContext& context, const ApiCallPtr& call) {
  absl::StatusOr<int64_t> limit =
      IntParam(call->request, "page_size", 0, 0, 1000);
  if (!limit.ok()) return call->Fail(limit.status());
  // The page token is the smallest tree size wanted (the next page starts
  // after the last size returned); min_tree_size is the same.
  std::string token = call->request.Query("page_token");
  if (token.empty()) token = call->request.Query("min_tree_size");
  uint64_t min_size = 0;
  if (!token.empty() && !absl::SimpleAtoi(token, &min_size)) {
    return call->Fail(absl::InvalidArgumentError(
        "query parameter page_token: expected a tree size"));
  }
  v1::ListCheckpointsRequest request;
  request.set_min_tree_size(min_size);
  request.set_limit(static_cast<int32_t>(*limit));
  CallUnary<v1::ListCheckpointsRequest, v1::ListCheckpointsResponse>(
      context.clients,
      [stub = context.clients->auditor().audit.get()](auto* c, auto* q, auto* r,
                                                      auto cb) {
        stub->async()->ListCheckpoints(c, q, r, std::move(cb));
      },
      std::move(request),
      [call](absl::Status status, v1::ListCheckpointsResponse response) {
        if (!status.ok()) return call->Fail(status);
        call->Reply(response);
      });
}

void LatestCheckpoint(const ApiContext& context, const ApiCallPtr& call) {
  GetCheckpoint(context.clients, IdentityFor(context, *call->session),
                [call](absl::Status status, v1::GetCheckpointResponse r) {
                  if (!status.ok()) return call->Fail(status);
                  call->Reply(r);
                });
}

// GET /api/v1/audit/consistency?first=N&second=M: fetches the verifier key,
// the published checkpoints of both sizes and the proof, then checks the
// signatures and the proof itself.
class ConsistencyCheck : public std::enable_shared_from_this<ConsistencyCheck> {
 public:
  ConsistencyCheck(ApiContext context, ApiCallPtr call, uint64_t first,
                   uint64_t second)
      : api_(std::move(context)), call_(std::move(call)) {
    result_.set_old_size(first);
    result_.set_new_size(second);
  }

  void Start() {
    auto self = shared_from_this();
    GetCheckpoint(api_.clients, api_.clients->auditor(),
                  [self](absl::Status status, v1::GetCheckpointResponse r) {
                    if (!status.ok()) return self->call_->Fail(status);
                    self->result_.set_verifier_key(r.verifier_key());
                    self->latest_ = r.checkpoint();
                    if (self->result_.new_size() == 0) {
                      self->result_.set_new_size(self->latest_.tree_size());
                    }
                    self->FetchOld();
                  });
  }

 private:
  // Finds the published checkpoint of exactly `size` (the latest, or one
  // of the history) and passes it to `next`; NOT_FOUND when none.
  void FindCheckpoint(
      uint64_t size,
      std::function<void(absl::Status, v1::SignedCheckpoint)> next) {
    if (size == latest_.tree_size()) return next(absl::OkStatus(), latest_);
    v1::ListCheckpointsRequest request;
    request.set_min_tree_size(size);
    request.set_limit(1);
    CallUnary<v1::ListCheckpointsRequest, v1::ListCheckpointsResponse>(
        api_.clients,
        [stub = api_.clients->auditor().audit.get()](auto* c, auto* q, auto* r,
                                                     auto cb) {
          stub->async()->ListCheckpoints(c, q, r, std::move(cb));
        },
        std::move(request),
        [size, next = std::move(next)](absl::Status status,
                                       v1::ListCheckpointsResponse r) {
          if (!status.ok()) return next(status, v1::SignedCheckpoint());
          if (r.checkpoints_size() == 0 ||
              r.checkpoints(0).tree_size() != size) {
            return next(absl::InvalidArgumentError(absl::StrCat(
                            "no published checkpoint has tree size ", size,
                            " (pick two sizes from the checkpoint history)")),
                        v1::SignedCheckpoint());
          }
          next(absl::OkStatus(), r.checkpoints(0));
        });
  }

  void FetchOld() {
    auto self = shared_from_this();
    if (result_.old_size() == 0) return FetchProof();
    FindCheckpoint(result_.old_size(),
                   [self](absl::Status status, v1::SignedCheckpoint old) {
                     if (!status.ok()) return self->call_->Fail(status);
                     *self->result_.mutable_old_checkpoint() = std::move(old);
                     self->FetchProof();
                   });
  }

  void FetchProof() {
    auto self = shared_from_this();
    v1::GetConsistencyProofRequest request;
    request.set_old_size(result_.old_size());
    request.set_new_size(result_.new_size());
    CallUnary<v1::GetConsistencyProofRequest, v1::GetConsistencyProofResponse>(
        api_.clients,
        [stub = api_.clients->auditor().audit.get()](auto* c, auto* q, auto* r,
                                                     auto cb) {
          stub->async()->GetConsistencyProof(c, q, r, std::move(cb));
        },
        std::move(request),
        [self](absl::Status status, v1::GetConsistencyProofResponse r) {
          if (!status.ok()) return self->call_->Fail(status);
          *self->result_.mutable_proof() = r.proof();
          if (r.has_new_checkpoint()) {
            *self->result_.mutable_new_checkpoint() = r.new_checkpoint();
            return self->Verify();
          }
          self->FindCheckpoint(
              self->result_.new_size(),
              [self](absl::Status found, v1::SignedCheckpoint cp) {
                if (!found.ok()) return self->call_->Fail(found);
                *self->result_.mutable_new_checkpoint() = std::move(cp);
                self->Verify();
              });
        });
  }

  void Verify() {
    absl::Status verified = Check();
    result_.set_verified(verified.ok());
    if (!verified.ok())
      result_.set_verify_error(std::string(verified.message()));
    call_->Reply(result_);
  }

  absl::Status Check() const {
    absl::StatusOr<checkpoint::NoteVerifier> verifier =
        checkpoint::NoteVerifier::FromVerifierKey(result_.verifier_key());
    if (!verifier.ok()) return verifier.status();
    checkpoint::Checkpoint older;
    older.size = 0;
    older.root = merkle::EmptyRoot();
    if (result_.old_size() != 0) {
      absl::StatusOr<checkpoint::Checkpoint> opened =
          audit::OpenCheckpoint(result_.old_checkpoint(), *verifier);
      if (!opened.ok()) return opened.status();
      older = *opened;
    }
    absl::StatusOr<checkpoint::Checkpoint> newer =
        audit::OpenCheckpoint(result_.new_checkpoint(), *verifier);
    if (!newer.ok()) return newer.status();
    return audit::VerifyConsistency(older, *newer, result_.proof());
  }

  const ApiContext api_;
  const ApiCallPtr call_;
  v1::SignedCheckpoint latest_;
  v1::ConsistencyCheckResponse result_;
};

void Consistency(const ApiContext& context, const ApiCallPtr& call) {
  absl::StatusOr<int64_t> first =
      IntParam(call->request, "first", -1, 0, INT64_MAX);
  if (!first.ok()) return call->Fail(first.status());
  absl::StatusOr<int64_t> second =
      IntParam(call->request, "second", 0, 0, INT64_MAX);
  if (!second.ok()) return call->Fail(second.status());
  if (*first < 0) {
    return call->Fail(absl::InvalidArgumentError(
        "query parameter first: required (the older tree size)"));
  }
  if (*second != 0 && *first > *second) {
    return call->Fail(absl::InvalidArgumentError(
        "query parameters first and second: first must not exceed second"));
  }
  std::make_shared<ConsistencyCheck>(context, call,
                                     static_cast<uint64_t>(*first),
                                     static_cast<uint64_t>(*second))
      ->Start();
}

}  // namespace

absl::Status AddAuditRoutes(Api* api) {
  const ApiContext& context = api->context();
  const RoleSet auditor = RoleBit(Role::kAuditor);
  auto bind = [context](void (*fn)(const ApiContext&, const ApiCallPtr&)) {
    return [context, fn](const ApiCallPtr& call) { fn(context, call); };
  };
  const char* console = "use the audit console";
  const RouteSpec routes[] = {
      {"GET", "/api/v1/audit/entries", auditor, console, true,
       bind(SearchEntries)},
      {"GET", "/api/v1/audit/checkpoints", auditor, console, true,
       bind(ListCheckpoints)},
      {"GET", "/api/v1/audit/checkpoint", auditor | RoleBit(Role::kCitizen),
       "read the audit checkpoint", true, bind(LatestCheckpoint)},
      {"GET", "/api/v1/audit/consistency", auditor, console, true,
       bind(Consistency)},
      {"GET", "/api/v1/audit/export", auditor, console, true,
       bind(ExportAudit)},
  };
  for (const RouteSpec& route : routes) {
    if (absl::Status status = api->Add(route); !status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace datarun::gateway
