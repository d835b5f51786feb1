#include "adapters/sdk/adapter_service.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "exchange/security/authenticator.h"

namespace datarun {
namespace adapter {
namespace {

absl::Time DeadlineOf(const grpc::CallbackServerContext& context) {
  const std::chrono::system_clock::time_point deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return absl::InfiniteFuture();
  }
  return absl::FromChrono(deadline);
}

// Keeps the code of errors the exchange knows how to report, turns the rest
// into INTERNAL, and names the department and dataset either way.
absl::Status MapFetchError(const absl::Status& status,
                           const std::string& department,
                           const std::string& dataset) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kDeadlineExceeded:
      return absl::Status(
          status.code(),
          absl::StrCat("department '", department, "', dataset '", dataset,
                       "': ", status.message()));
    default:
      return absl::InternalError(absl::StrCat(
          "department '", department, "' failed to fetch '", dataset, "': ",
          absl::StatusCodeToString(status.code()), ": ", status.message()));
  }
}

// One Fetch call. Created on a gRPC thread; after Start() the call is
// finished exactly once, either there (rejections) or on a worker thread.
// Deletes itself in OnDone, which gRPC calls only after Finish.
class FetchReactor final : public grpc::ServerUnaryReactor {
 public:
  FetchReactor(const AdapterService* service,
               grpc::CallbackServerContext* context,
               const v1::FetchRequest* request, v1::FetchResponse* response)
      : service_(service),
        context_(context),
        request_(request),
        response_(response),
        start_(absl::Now()),
        deadline_(DeadlineOf(*context)) {}

  // Validates the call and queues it; never blocks. Must not touch `this`
  // after a successful Submit: the worker may already have finished it.
  void Start() {
    absl::Status status = service_->Authorize(*context_);
    if (status.ok()) status = service_->CheckDataset(request_->dataset());
    if (status.ok() && request_->subject().empty()) {
      status = absl::InvalidArgumentError(
          "FetchRequest.subject is empty; the exchange must send the subject");
    }
    if (status.ok() && absl::Now() >= deadline_) {
      status = DeadlineError("before the request reached a worker");
    }
    if (!status.ok()) {
      Complete(status);
      return;
    }
    absl::Status queued = service_->pool()->Submit([this] { Work(); });
    if (queued.ok()) return;
    if (queued.code() == absl::StatusCode::kResourceExhausted) {
      Complete(absl::ResourceExhaustedError(
          absl::StrCat("adapter '", department(), "' is overloaded (",
                       queued.message(), "); retry later")));
    } else {
      Complete(absl::UnavailableError(
          absl::StrCat("adapter '", department(), "' is shutting down")));
    }
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }

  void OnDone() override { delete this; }

 private:
  const std::string& department() const {
    return service_->options().department;
  }

  absl::Status DeadlineError(absl::string_view when) const {
    return absl::DeadlineExceededError(
        absl::StrCat("the caller's deadline for '", request_->dataset(),
                     "' passed ", when, " (department '", department(), "')"));
  }

  // Returns the status to finish with when the call can no longer succeed
  // (deadline passed or caller gone), OK otherwise.
  absl::Status CheckStillWanted(absl::string_view when) {
    if (absl::Now() >= deadline_) return DeadlineError(when);
    absl::MutexLock lock(&mu_);
    if (cancelled_) {
      return absl::CancelledError(
          absl::StrCat("the caller cancelled the request for '",
                       request_->dataset(), "' ", when));
    }
    return absl::OkStatus();
  }

  // Runs on a worker thread.
  void Work() {
    absl::Status status = CheckStillWanted("while it waited for a worker");
    if (status.ok() && service_->options().delay > absl::ZeroDuration()) {
      // Simulated processing time; wakes early when the call is cancelled
      // (which gRPC does at the deadline and at server shutdown).
      const absl::Time wake =
          std::min(absl::Now() + service_->options().delay, deadline_);
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithDeadline(absl::Condition(&cancelled_), wake);
    }
    if (status.ok()) status = CheckStillWanted("during the simulated delay");
    if (!status.ok()) {
      Complete(status);
      return;
    }
    absl::StatusOr<std::vector<v1::Record>> records =
        service_->department_service()->Fetch(*request_);
    status = CheckStillWanted("while the department looked up the record");
    if (status.ok() && !records.ok()) {
      status =
          MapFetchError(records.status(), department(), request_->dataset());
    }
    if (status.ok() && records->empty()) {
      status = absl::NotFoundError(
          absl::StrCat("department '", department(), "' holds no '",
                       request_->dataset(), "' record for the subject"));
    }
    if (status.ok()) {
      record_count_ = static_cast<int64_t>(records->size());
      for (v1::Record& record : *records) {
        *response_->add_records() = std::move(record);
      }
    }
    Complete(status);
  }

  // Logs the outcome and finishes the call (once).
  void Complete(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
    }
    const v1::RequestContext& context = request_->context();
    LogLine("fetch", status.ok() || status.code() == absl::StatusCode::kNotFound
                         ? LogLevel::kInfo
                         : LogLevel::kWarning)
        .Str("dataset", request_->dataset())
        .Str("consumer", request_->consumer())
        .Str("purpose", context.purpose())
        .Str("case_id", context.case_id())
        .Str("request_id", context.request_id())
        .Int("records", record_count_)
        .Int("latency_us", absl::ToInt64Microseconds(absl::Now() - start_))
        .Status(status);
    Finish(ToGrpcStatus(status));
  }

  const AdapterService* const service_;
  grpc::CallbackServerContext* const context_;
  const v1::FetchRequest* const request_;
  v1::FetchResponse* const response_;
  const absl::Time start_;
  const absl::Time deadline_;
  int64_t record_count_ = 0;

  absl::Mutex mu_;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

AdapterService::AdapterService(Options options,
                               DepartmentService* department_service,
                               WorkerPool* pool)
    : options_(std::move(options)),
      dataset_set_(options_.datasets.begin(), options_.datasets.end()),
      department_service_(department_service),
      pool_(pool) {}

absl::Status AdapterService::Authorize(
    const grpc::CallbackServerContext& context) const {
  if (options_.authenticator == nullptr) return absl::OkStatus();
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr) {
    return absl::UnauthenticatedError(
        absl::StrCat("adapter '", options_.department,
                     "' received a call without a TLS client certificate"));
  }
  absl::StatusOr<security::PeerIdentity> peer =
      options_.authenticator->Authenticate(*auth);
  if (!peer.ok()) {
    return absl::Status(
        peer.status().code(),
        absl::StrCat(peer.status().message(), "; only the exchange may call ",
                     "adapter '", options_.department, "'"));
  }
  if (!peer->is_exchange) {
    return absl::PermissionDeniedError(
        absl::StrCat("only the exchange may call adapter '",
                     options_.department, "' (caller: ", peer->spiffe_id, ")"));
  }
  return absl::OkStatus();
}

absl::Status AdapterService::CheckDataset(const std::string& dataset) const {
  if (dataset_set_.count(dataset) > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "adapter '", options_.department, "' does not serve dataset '", dataset,
      "' (it serves ", absl::StrJoin(options_.datasets, ", "), ")"));
}

grpc::ServerUnaryReactor* AdapterService::Fetch(
    grpc::CallbackServerContext* context, const v1::FetchRequest* request,
    v1::FetchResponse* response) {
  auto* reactor = new FetchReactor(this, context, request, response);
  reactor->Start();
  return reactor;
}

grpc::ServerUnaryReactor* AdapterService::Describe(
    grpc::CallbackServerContext* context, const v1::DescribeRequest*,
    v1::DescribeResponse* response) {
  absl::Status status = Authorize(*context);
  if (status.ok()) {
    response->set_department(options_.department);
    for (const std::string& dataset : options_.datasets) {
      response->add_datasets(dataset);
    }
    response->set_software_version(options_.software_version);
  }
  LogLine("describe", status.ok() ? LogLevel::kInfo : LogLevel::kWarning)
      .Status(status);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace adapter
}  // namespace datarun
