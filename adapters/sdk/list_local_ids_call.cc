#include "adapters/sdk/list_local_ids_call.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/sdk/adapter_service.h"
#include "adapters/sdk/department_service.h"
#include "adapters/sdk/worker_call.h"
#include "common/log.h"

namespace datarun {
namespace adapter {
namespace {

// Keeps the code of errors the exchange knows how to report, turns the rest
// into INTERNAL, and names the department either way.
absl::Status MapListError(const absl::Status& status,
                          const std::string& department) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kDeadlineExceeded:
      return absl::Status(
          status.code(),
          absl::StrCat("department '", department,
                       "', local identifiers: ", status.message()));
    default:
      return absl::InternalError(absl::StrCat(
          "department '", department, "' failed to list local identifiers: ",
          absl::StatusCodeToString(status.code()), ": ", status.message()));
  }
}

class ListLocalIdsCall final : public WorkerCall {
 public:
  ListLocalIdsCall(const AdapterService* service,
                   grpc::CallbackServerContext* context,
                   const v1::ListLocalIdsRequest* request,
                   v1::ListLocalIdsResponse* response)
      : WorkerCall(service, context, "the local identifier page"),
        request_(*request),
        response_(response) {}

 private:
  absl::Status Precheck() override {
    const int asked = request_.page_size();
    if (asked < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ListLocalIdsRequest.page_size must be >= 0 (0 = the adapter's "
          "default of ",
          kDefaultLocalIdPageSize, "), got ", asked));
    }
    request_.set_page_size(asked == 0 ? kDefaultLocalIdPageSize
                           : asked > kMaxLocalIdPageSize ? kMaxLocalIdPageSize
                                                         : asked);
    return absl::OkStatus();
  }

  absl::Status Work() override {
    absl::StatusOr<v1::ListLocalIdsResponse> page =
        service()->department_service()->ListLocalIds(request_);
    absl::Status status =
        CheckStillWanted("while the department listed its identifiers");
    if (!status.ok()) return status;
    if (!page.ok()) return MapListError(page.status(), department());
    if (page->assertions_size() > request_.page_size()) {
      return absl::InternalError(absl::StrCat(
          "department '", department(), "' returned ", page->assertions_size(),
          " local identifiers for a page of at most ", request_.page_size()));
    }
    if (!page->next_page_token().empty() &&
        page->next_page_token() == request_.page_token()) {
      return absl::InternalError(
          absl::StrCat("department '", department(),
                       "' returned the page token it was given as the next "
                       "one; paging would never end"));
    }
    assertion_count_ = page->assertions_size();
    more_ = !page->next_page_token().empty();
    *response_ = std::move(*page);
    return absl::OkStatus();
  }

  void Log(const absl::Status& status, int64_t latency_us) override {
    LogLine("list_local_ids",
            status.ok() ? LogLevel::kInfo : LogLevel::kWarning)
        .Int("page_size", request_.page_size())
        .Bool("first_page", request_.page_token().empty())
        .Int("assertions", assertion_count_)
        .Bool("more", more_)
        .Int("latency_us", latency_us)
        .Status(status);
  }

  // A copy: page_size is replaced by the effective one.
  v1::ListLocalIdsRequest request_;
  v1::ListLocalIdsResponse* const response_;
  int64_t assertion_count_ = 0;
  bool more_ = false;
};

}  // namespace

grpc::ServerUnaryReactor* StartListLocalIdsCall(
    const AdapterService* service, grpc::CallbackServerContext* context,
    const v1::ListLocalIdsRequest* request,
    v1::ListLocalIdsResponse* response) {
  auto* call = new ListLocalIdsCall(service, context, request, response);
  call->Start();
  return call;
}

}  // namespace adapter
}  // namespace datarun
