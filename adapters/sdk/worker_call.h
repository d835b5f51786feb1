// The common part of the Adapter service's calls that run on the SDK's
// worker pool (Fetch, ListLocalIds). Internal to the SDK.
//
// Start() runs on the gRPC thread: it checks the caller
// (AdapterService::Authorize), the subclass's Precheck() and the deadline,
// then queues the call on the WorkerPool; it never blocks. On a worker
// thread the deadline and cancellation are checked again, then the
// subclass's Work() runs and produces the call's status (filling the
// response when OK). The call is finished exactly once, after the
// subclass's Log() has written the request's log line; the object deletes
// itself in OnDone, which gRPC calls only after Finish.
#ifndef DATARUN_ADAPTERS_SDK_WORKER_CALL_H_
#define DATARUN_ADAPTERS_SDK_WORKER_CALL_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace datarun {
namespace adapter {

class AdapterService;

class WorkerCall : public grpc::ServerUnaryReactor {
 public:
  WorkerCall(const WorkerCall&) = delete;
  WorkerCall& operator=(const WorkerCall&) = delete;

  // Validates the call and queues it; never blocks. The caller must not
  // touch the object afterwards: a worker may already have finished it.
  void Start();

  void OnCancel() override;
  void OnDone() override { delete this; }

 protected:
  // `service` must outlive the call. `what` names the call's object in
  // deadline and cancellation messages, e.g. "'land.parcel'" or "the local
  // identifier page".
  WorkerCall(const AdapterService* service,
             grpc::CallbackServerContext* context, std::string what);
  ~WorkerCall() override = default;

  // Request checks made on the gRPC thread after the caller check; a
  // non-OK status finishes the call at once. Default: OK.
  virtual absl::Status Precheck() { return absl::OkStatus(); }

  // The call's work, on a worker thread; returns the status to finish with
  // (the response must be filled when OK).
  virtual absl::Status Work() = 0;

  // Writes the request's log line for the final `status` (never a subject).
  virtual void Log(const absl::Status& status, int64_t latency_us) = 0;

  // Returns the status to finish with when the call can no longer succeed
  // (DEADLINE_EXCEEDED when the deadline passed, CANCELLED when the caller
  // went away), OK otherwise. `when` completes "... passed <when>".
  absl::Status CheckStillWanted(absl::string_view when);

  // Waits `delay` (simulated processing time), ending early at the deadline
  // or when the call is cancelled (which gRPC does at the deadline and at
  // server shutdown).
  void Delay(absl::Duration delay);

  const AdapterService* service() const { return service_; }
  const std::string& department() const;

 private:
  absl::Status DeadlineError(absl::string_view when) const;
  void RunOnWorker();
  // Logs the outcome and finishes the call (once).
  void Complete(const absl::Status& status);

  const AdapterService* const service_;
  grpc::CallbackServerContext* const context_;
  const std::string what_;
  const absl::Time start_;
  const absl::Time deadline_;

  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace adapter
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_SDK_WORKER_CALL_H_
