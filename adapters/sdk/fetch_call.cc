#include "adapters/sdk/fetch_call.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "adapters/sdk/adapter_service.h"
#include "adapters/sdk/worker_call.h"
#include "common/log.h"

namespace datarun {
namespace adapter {
namespace {

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

class FetchCall final : public WorkerCall {
 public:
  FetchCall(const AdapterService* service, grpc::CallbackServerContext* context,
            const v1::FetchRequest* request, v1::FetchResponse* response)
      : WorkerCall(service, context,
                   absl::StrCat("'", request->dataset(), "'")),
        request_(request),
        response_(response) {}

 private:
  absl::Status Precheck() override {
    absl::Status status = service()->CheckDataset(request_->dataset());
    if (status.ok() && request_->subject().empty()) {
      status = absl::InvalidArgumentError(
          "FetchRequest.subject is empty; the exchange must send the subject");
    }
    return status;
  }

  absl::Status Work() override {
    Delay(service()->options().delay);
    absl::Status status = CheckStillWanted("during the simulated delay");
    if (!status.ok()) return status;
    absl::StatusOr<std::vector<v1::Record>> records =
        service()->department_service()->Fetch(*request_);
    status = CheckStillWanted("while the department looked up the record");
    if (!status.ok()) return status;
    if (!records.ok()) {
      return MapFetchError(records.status(), department(), request_->dataset());
    }
    if (records->empty()) {
      return absl::NotFoundError(
          absl::StrCat("department '", department(), "' holds no '",
                       request_->dataset(), "' record for the subject"));
    }
    record_count_ = static_cast<int64_t>(records->size());
    for (v1::Record& record : *records) {
      *response_->add_records() = std::move(record);
    }
    return absl::OkStatus();
  }

  void Log(const absl::Status& status, int64_t latency_us) override {
    const v1::RequestContext& context = request_->context();
    LogLine("fetch", status.ok() || status.code() == absl::StatusCode::kNotFound
                         ? LogLevel::kInfo
                         : LogLevel::kWarning)
        .Str("dataset", request_->dataset())
        .Str("consumer", request_->consumer())
        .Str("purpose", context.purpose())
        .Str("case_id", context.case_id())
        .Str("request_id", context.request_id())
        // Whether the exchange handed over the department's own key for the
        // subject (from its identity registry), never the key itself.
        .Bool("local_id", !request_->local_id().empty())
        .Int("records", record_count_)
        .Int("latency_us", latency_us)
        .Status(status);
  }

  const v1::FetchRequest* const request_;
  v1::FetchResponse* const response_;
  int64_t record_count_ = 0;
};

}  // namespace

grpc::ServerUnaryReactor* StartFetchCall(const AdapterService* service,
                                         grpc::CallbackServerContext* context,
                                         const v1::FetchRequest* request,
                                         v1::FetchResponse* response) {
  auto* call = new FetchCall(service, context, request, response);
  call->Start();
  return call;
}

}  // namespace adapter
}  // namespace datarun
