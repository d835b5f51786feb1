#include "exchange/audit/audit_sink.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"

namespace datarun::audit {

v1::AuditReceipt ToProto(const AuditReceipt& receipt) {
  v1::AuditReceipt proto;
  proto.set_entry_index(receipt.index);
  proto.set_entry_digest(receipt.entry_digest_hex);
  proto.set_logged_at_micros(absl::ToUnixMicros(receipt.logged_at));
  proto.set_tree_size(receipt.tree_size);
  proto.set_checkpoint(receipt.checkpoint_note);
  return proto;
}

absl::StatusOr<AuditReceipt> AuditSink::AppendAndWait(v1::AuditEntry entry) {
  absl::Notification done;
  absl::StatusOr<AuditReceipt> result = absl::UnknownError("not appended");
  Append(std::move(entry), [&](absl::StatusOr<AuditReceipt> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

}  // namespace datarun::audit
