// Running a unary callback RPC's work off the gRPC callback threads.
//
// The Audit and Identity services do blocking work (RocksDB reads, synced
// writes, calls to adapters). RunPooled authenticates the caller, queues the
// work on a ReadPool, and finishes the reactor exactly once with the work's
// status, writing one structured log line per call.
#ifndef DATARUN_EXCHANGE_SERVER_POOLED_CALL_H_
#define DATARUN_EXCHANGE_SERVER_POOLED_CALL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "exchange/security/authenticator.h"
#include "exchange/server/read_pool.h"

namespace datarun {
class LogLine;
}  // namespace datarun

namespace datarun::server {

// The work of one call: given the authenticated calling department, fills
// the response (owned by gRPC, alive until the reactor finishes) and adds
// fields to the call's log line. Never log a subject.
using PooledWork =
    absl::AnyInvocable<absl::Status(const std::string& caller, LogLine&)>;

// Where a pooled call runs and how it is named.
struct PooledCallSite {
  // Not owned; must outlive every call.
  const security::Authenticator* authenticator = nullptr;
  ReadPool* pool = nullptr;
  // Service name for authentication messages, e.g. "Audit".
  const char* service = "";
  // Event name of the per-call log line, e.g. "audit_request".
  const char* log_event = "";
};

// Returns the call's reactor. The caller is authenticated first
// (UNAUTHENTICATED / PERMISSION_DENIED finish the call at once); a full
// pool finishes it with RESOURCE_EXHAUSTED. The log line gets method,
// caller, latency_us and the status.
grpc::ServerUnaryReactor* RunPooled(const PooledCallSite& site,
                                    grpc::CallbackServerContext* context,
                                    const char* method, PooledWork work);

// Returns the absolute deadline of a call: the caller's, capped at
// `max_deadline` from now, or `default_deadline` from now when it set none.
absl::Time CallDeadline(const grpc::CallbackServerContext& context,
                        absl::Duration default_deadline,
                        absl::Duration max_deadline);

}  // namespace datarun::server

#endif  // DATARUN_EXCHANGE_SERVER_POOLED_CALL_H_
