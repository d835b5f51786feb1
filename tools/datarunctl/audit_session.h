// One `datarunctl audit` conversation with the exchange: an mTLS channel to
// the Audit (and Exchange) service, the command's deadline, and the trusted
// verifier key that every checkpoint the exchange returns is checked with.
// Not thread-safe.
#ifndef DATARUN_TOOLS_DATARUNCTL_AUDIT_SESSION_H_
#define DATARUN_TOOLS_DATARUNCTL_AUDIT_SESSION_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/optional.h"
#include "datarun/v1/audit_service.grpc.pb.h"
#include "datarun/v1/exchange.grpc.pb.h"
#include "exchange/checkpoint/checkpoint.h"
#include "exchange/checkpoint/note_verifier.h"
#include "tools/datarunctl/audit_render.h"
#include "tools/datarunctl/exchange_client.h"

namespace datarun::ctl {

// Returns the trusted key text of a --verifier_key value: the content of
// the file it names when there is one, else the value itself.
absl::StatusOr<std::string> VerifierKeyText(const std::string& flag);

class AuditSession {
 public:
  // Connects as `connection` says (see ConnectChannel for errors);
  // connection.timeout_ms bounds each call, and `connection` is updated
  // with the defaults it resolved. `verifier_key_flag` is --verifier_key
  // ("" to trust the key the exchange serves).
  static absl::StatusOr<std::unique_ptr<AuditSession>> Connect(
      ConnectionOptions& connection, std::string verifier_key_flag);

  // Runs one call with a fresh ClientContext carrying the deadline; returns
  // its status as absl::Status.
  absl::Status Call(
      const std::function<grpc::Status(grpc::ClientContext*)>& call) const;

  v1::Audit::Stub& audit() { return *audit_; }
  v1::Exchange::Stub& exchange() { return *exchange_; }

  // Fetches the latest checkpoint (with `publish`, a newly published one)
  // and sets the trusted key: --verifier_key when given, otherwise the key
  // the exchange serves. Errors: the call's, or INVALID_ARGUMENT for a
  // malformed key. Must be called before Open and CheckPage.
  absl::StatusOr<v1::GetCheckpointResponse> Start(bool publish);

  // Where trust comes from (valid after Start).
  const KeySource& key() const { return key_; }

  // Returns the checkpoint of `signed_checkpoint` after checking its
  // signature with the trusted key (see OpenCheckpoint). Cached per note.
  absl::StatusOr<checkpoint::Checkpoint> Open(
      const v1::SignedCheckpoint& signed_checkpoint);

  // Appends every entry of a page to `checked`, with the outcome of
  // verifying it against the page's checkpoint.
  void CheckPage(
      const google::protobuf::RepeatedPtrField<v1::ProvedEntry>& entries,
      const v1::SignedCheckpoint& signed_checkpoint,
      std::vector<CheckedEntry>* checked);

 private:
  AuditSession(int timeout_ms, std::string verifier_key_flag,
               const std::shared_ptr<grpc::Channel>& channel);

  const int timeout_ms_;
  const std::string verifier_key_flag_;
  std::unique_ptr<v1::Audit::Stub> audit_;
  std::unique_ptr<v1::Exchange::Stub> exchange_;
  absl::optional<checkpoint::NoteVerifier> verifier_;
  KeySource key_;
  std::map<std::string, checkpoint::Checkpoint> opened_;
};

}  // namespace datarun::ctl

#endif  // DATARUN_TOOLS_DATARUNCTL_AUDIT_SESSION_H_
