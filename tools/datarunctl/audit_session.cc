#include "tools/datarunctl/audit_session.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "common/file_util.h"
#include "common/grpc_status.h"
#include "common/status_macros.h"
#include "exchange/audit/proof_check.h"

namespace datarun::ctl {

absl::StatusOr<std::string> VerifierKeyText(const std::string& flag) {
  absl::StatusOr<std::string> file = ReadFile(flag);
  if (file.ok()) return std::string(absl::StripAsciiWhitespace(*file));
  return flag;
}

absl::StatusOr<std::unique_ptr<AuditSession>> AuditSession::Connect(
    ConnectionOptions& connection, std::string verifier_key_flag) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                   ConnectChannel(connection));
  return std::unique_ptr<AuditSession>(new AuditSession(
      connection.timeout_ms, std::move(verifier_key_flag), channel));
}

AuditSession::AuditSession(int timeout_ms, std::string verifier_key_flag,
                           const std::shared_ptr<grpc::Channel>& channel)
    : timeout_ms_(timeout_ms),
      verifier_key_flag_(std::move(verifier_key_flag)),
      audit_(v1::Audit::NewStub(channel)),
      exchange_(v1::Exchange::NewStub(channel)) {}

absl::Status AuditSession::Call(
    const std::function<grpc::Status(grpc::ClientContext*)>& call) const {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(timeout_ms_));
  return FromGrpcStatus(call(&context));
}

absl::StatusOr<v1::GetCheckpointResponse> AuditSession::Start(bool publish) {
  v1::GetCheckpointRequest request;
  request.set_publish(publish);
  v1::GetCheckpointResponse response;
  RETURN_IF_ERROR(Call([&](grpc::ClientContext* context) {
    return audit_->GetCheckpoint(context, request, &response);
  }));
  std::string key = response.verifier_key();
  if (!verifier_key_flag_.empty()) {
    ASSIGN_OR_RETURN(key, VerifierKeyText(verifier_key_flag_));
  }
  absl::StatusOr<checkpoint::NoteVerifier> verifier =
      checkpoint::NoteVerifier::FromVerifierKey(key);
  if (!verifier.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(verifier_key_flag_.empty() ? "the exchange's verifier key"
                                                : "--verifier_key",
                     ": ", verifier.status().message()));
  }
  verifier_.emplace(*std::move(verifier));
  key_.key_name =
      absl::StrFormat("%s+%08x", verifier_->name(), verifier_->key_id());
  key_.pinned = !verifier_key_flag_.empty();
  return response;
}

absl::StatusOr<checkpoint::Checkpoint> AuditSession::Open(
    const v1::SignedCheckpoint& signed_checkpoint) {
  if (!verifier_.has_value()) {
    return absl::FailedPreconditionError("no trusted key yet (call Start)");
  }
  auto it = opened_.find(signed_checkpoint.note());
  if (it != opened_.end()) return it->second;
  ASSIGN_OR_RETURN(checkpoint::Checkpoint checkpoint,
                   audit::OpenCheckpoint(signed_checkpoint, *verifier_));
  opened_.emplace(signed_checkpoint.note(), checkpoint);
  return checkpoint;
}

void AuditSession::CheckPage(
    const google::protobuf::RepeatedPtrField<v1::ProvedEntry>& entries,
    const v1::SignedCheckpoint& signed_checkpoint,
    std::vector<CheckedEntry>* checked) {
  absl::StatusOr<checkpoint::Checkpoint> checkpoint = Open(signed_checkpoint);
  for (const v1::ProvedEntry& proved : entries) {
    CheckedEntry entry;
    entry.proved = proved;
    entry.tree_size = signed_checkpoint.tree_size();
    entry.verified = checkpoint.ok()
                         ? audit::VerifyProvedEntry(proved, *checkpoint)
                         : checkpoint.status();
    checked->push_back(std::move(entry));
  }
}

}  // namespace datarun::ctl
