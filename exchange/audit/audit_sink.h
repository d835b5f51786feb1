// The interface the query path writes every access decision to.
#ifndef DATARUN_EXCHANGE_AUDIT_AUDIT_SINK_H_
#define DATARUN_EXCHANGE_AUDIT_AUDIT_SINK_H_

#include <cstdint>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "datarun/v1/audit.pb.h"
#include "datarun/v1/exchange.pb.h"

namespace datarun::audit {

// Proof that an entry was made durable.
struct AuditReceipt {
  // Position of the entry in the log, 0-based, in append order.
  uint64_t index = 0;
  // Lowercase hex SHA-256 of the entry's bytes as stored.
  std::string entry_digest_hex;
  // When the entry was made durable.
  absl::Time logged_at;
  // Size of the Merkle tree after the batch holding the entry: the entry is
  // leaf `index` of every tree of at least this size.
  uint64_t tree_size = 0;
  // The C2SP signed checkpoint note of that tree (see
  // exchange/audit/stored_checkpoint.h); empty from sinks without one.
  std::string checkpoint_note;
};

// Returns `receipt` as the public datarun.v1.AuditReceipt message.
v1::AuditReceipt ToProto(const AuditReceipt& receipt);

class AuditSink {
 public:
  using AppendDone = absl::AnyInvocable<void(absl::StatusOr<AuditReceipt>)>;

  virtual ~AuditSink() = default;

  // Appends `entry` durably and then calls `done` exactly once with the
  // receipt, or with an error:
  //   UNAVAILABLE         "audit log is not writable: ..." (write failed
  //                       earlier or now, or the sink is closing); nothing
  //                       was acknowledged, so data must not be released;
  //   RESOURCE_EXHAUSTED  "audit queue full (N pending)".
  // `done` may run on a thread of the sink's, or on the calling thread
  // before Append returns (refusals); it must not block. The entry gets the
  // next index in append order. Thread-safe.
  virtual void Append(v1::AuditEntry entry, AppendDone done) = 0;

  // Append, blocking until `done` would run; returns its argument. For tools
  // and tests only: request paths must use Append.
  absl::StatusOr<AuditReceipt> AppendAndWait(v1::AuditEntry entry);
};

}  // namespace datarun::audit

#endif  // DATARUN_EXCHANGE_AUDIT_AUDIT_SINK_H_
