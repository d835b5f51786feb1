// The datarun.v1.Audit gRPC service (proto/datarun/v1/audit_service.proto):
// a thin translator between callers and audit::AuditLog.
//
// Each method authenticates the caller from its mTLS certificate, checks
// AuditAccess, and hands the read to a small ReadPool: audit reads are
// RocksDB lookups that may block, so they never run on a gRPC callback
// thread. One structured log line ("audit_request") is written per call;
// the subject of ListSubjectAccesses is never logged.
//
// Every answer is relative to the latest signed checkpoint read at the start
// of the call: proofs are against it and no entry beyond its size is
// returned, so a response is always self-consistent.
#ifndef DATARUN_EXCHANGE_SERVER_AUDIT_SERVICE_H_
#define DATARUN_EXCHANGE_SERVER_AUDIT_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "datarun/v1/audit_service.grpc.pb.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/security/authenticator.h"
#include "exchange/server/audit_access.h"
#include "exchange/server/pooled_call.h"
#include "exchange/server/read_pool.h"

namespace datarun {
class LogLine;
}  // namespace datarun

namespace datarun::server {

class AuditService final : public v1::Audit::CallbackService {
 public:
  struct Options {
    // Not owned; must outlive the service.
    audit::AuditLog* log = nullptr;
    const audit::SubjectHasher* subject_hasher = nullptr;
    const security::Authenticator* authenticator = nullptr;
    // Who may read what.
    AuditAccess::Options access;
    // Departments of the catalog (to check `access`).
    std::vector<std::string> known_departments;
    // Threads running the log reads, and reads allowed to wait for them.
    int read_threads = 2;
    int max_queued_reads = 256;
  };

  // Returns the service. INVALID_ARGUMENT when a pointer is missing or
  // `access` names a department that is not in `known_departments`.
  static absl::StatusOr<std::unique_ptr<AuditService>> Create(
      const Options& options);

  // Finishes the reads still queued. The gRPC server must have been shut
  // down (Shutdown + Wait) first.
  ~AuditService() override = default;

  grpc::ServerUnaryReactor* GetCheckpoint(
      grpc::CallbackServerContext* context,
      const v1::GetCheckpointRequest* request,
      v1::GetCheckpointResponse* response) override;
  grpc::ServerUnaryReactor* ListCheckpoints(
      grpc::CallbackServerContext* context,
      const v1::ListCheckpointsRequest* request,
      v1::ListCheckpointsResponse* response) override;
  grpc::ServerUnaryReactor* GetInclusionProof(
      grpc::CallbackServerContext* context,
      const v1::GetInclusionProofRequest* request,
      v1::GetInclusionProofResponse* response) override;
  grpc::ServerUnaryReactor* GetConsistencyProof(
      grpc::CallbackServerContext* context,
      const v1::GetConsistencyProofRequest* request,
      v1::GetConsistencyProofResponse* response) override;
  grpc::ServerUnaryReactor* ListEntries(
      grpc::CallbackServerContext* context,
      const v1::ListEntriesRequest* request,
      v1::ListEntriesResponse* response) override;
  grpc::ServerUnaryReactor* SearchEntries(
      grpc::CallbackServerContext* context,
      const v1::SearchEntriesRequest* request,
      v1::SearchEntriesResponse* response) override;
  grpc::ServerUnaryReactor* ListSubjectAccesses(
      grpc::CallbackServerContext* context,
      const v1::ListSubjectAccessesRequest* request,
      v1::ListSubjectAccessesResponse* response) override;

 private:
  // The work of one call: given the authenticated caller, fills the
  // response and adds fields to the call's log line.
  using Work = PooledWork;

  AuditService(Options options, AuditAccess access);

  // Authenticates, runs `work` on the read pool and finishes the call.
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context,
                                const char* method, Work work);

  absl::Status DoGetCheckpoint(const v1::GetCheckpointRequest& request,
                               v1::GetCheckpointResponse* response);
  absl::Status DoListCheckpoints(const v1::ListCheckpointsRequest& request,
                                 v1::ListCheckpointsResponse* response);
  absl::Status DoGetInclusionProof(const v1::GetInclusionProofRequest& request,
                                   v1::GetInclusionProofResponse* response);
  absl::Status DoGetConsistencyProof(
      const v1::GetConsistencyProofRequest& request,
      v1::GetConsistencyProofResponse* response);
  absl::Status DoListEntries(const std::string& caller,
                             const v1::ListEntriesRequest& request,
                             v1::ListEntriesResponse* response);
  // The audit key's hash of `subject` as the query path records it (a
  // legacy 15-digit identity number upgraded, the check character
  // upper-cased). INVALID_ARGUMENT "subject: <reason>" when `subject` is
  // empty or malformed; the number is never echoed.
  absl::StatusOr<std::string> SubjectHashOf(absl::string_view subject) const;
  // Shared by SearchEntries and ListSubjectAccesses: runs `query` (its
  // start_index and limit set from the page token and size) and fills the
  // three out-parameters of either response.
  absl::Status SearchPage(
      audit::AuditLog::SearchQuery query, int32_t page_size,
      const std::string& page_token,
      google::protobuf::RepeatedPtrField<v1::ProvedEntry>* entries,
      v1::SignedCheckpoint* checkpoint, std::string* next_page_token);
  // Fills `out` with entry `index`'s leaf hash and its inclusion proof in
  // the tree of `tree_size` entries.
  absl::Status AddProof(uint64_t index, uint64_t tree_size,
                        v1::ProvedEntry* out) const;
  // Returns whether a signed checkpoint of exactly `size` entries exists
  // (`latest` or one of the history) and, if so, sets *out to it.
  absl::StatusOr<bool> FindCheckpoint(uint64_t size,
                                      const audit::SignedCheckpoint& latest,
                                      v1::SignedCheckpoint* out) const;

  const Options options_;
  const AuditAccess access_;
  // Last member: destroyed (drained) first.
  ReadPool pool_;
};

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_AUDIT_SERVICE_H_
