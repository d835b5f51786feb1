#include "adapters/sdk/review_call.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/sdk/adapter_service.h"
#include "adapters/sdk/department_service.h"
#include "adapters/sdk/review_store.h"
#include "adapters/sdk/worker_call.h"
#include "common/log.h"

namespace datarun {
namespace adapter {
namespace {

// Keeps the code of errors the exchange knows how to handle, turns the rest
// into INTERNAL, and names the department and step either way.
absl::Status MapReviewError(const absl::Status& status,
                            const std::string& department,
                            const v1::ReviewRequest& request) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kDeadlineExceeded:
      return absl::Status(
          status.code(),
          absl::StrCat("department '", department, "', step '", request.step(),
                       "' of case '", request.case_id(),
                       "': ", status.message()));
    default:
      return absl::InternalError(absl::StrCat(
          "department '", department, "' failed step '", request.step(),
          "' of case '", request.case_id(), "': ",
          absl::StatusCodeToString(status.code()), ": ", status.message()));
  }
}

// INTERNAL when the department's answer breaks the contract.
absl::Status CheckAnswer(const v1::ReviewResponse& response,
                         const std::string& department,
                         const v1::ReviewRequest& request) {
  absl::string_view problem;
  switch (response.decision()) {
    case v1::REVIEW_DECISION_APPROVE:
      break;
    case v1::REVIEW_DECISION_REJECT:
      if (response.reason().empty()) problem = "a rejection without a reason";
      break;
    case v1::REVIEW_DECISION_NEEDS_SUPPLEMENT:
      if (response.missing_materials_size() == 0) {
        problem = "needs-supplement without missing_materials";
      }
      break;
    default:
      problem = "no decision";
  }
  if (problem.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("department '", department,
                                          "' answered step '", request.step(),
                                          "' with ", problem));
}

class ReviewCall final : public WorkerCall {
 public:
  ReviewCall(const AdapterService* service,
             grpc::CallbackServerContext* context,
             const v1::ReviewRequest* request, v1::ReviewResponse* response)
      : WorkerCall(service, context,
                   absl::StrCat("step '", request->step(), "' of case '",
                                request->case_id(), "'")),
        request_(request),
        response_(response) {}

 private:
  absl::Status Precheck() override {
    for (const auto& [value, name] :
         {std::pair<const std::string&, const char*>(request_->case_id(),
                                                     "case_id"),
          {request_->case_type(), "case_type"},
          {request_->step(), "step"},
          {request_->idempotency_key(), "idempotency_key"}}) {
      if (value.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "ReviewRequest.", name, " is empty; the exchange must send it"));
      }
    }
    if (service()->options().review_store == nullptr) {
      return absl::UnimplementedError(absl::StrCat(
          "adapter '", department(), "' has no review answer store"));
    }
    return absl::OkStatus();
  }

  absl::Status Work() override {
    DepartmentService* department_service = service()->department_service();
    // The delay and the department's review run only when the key has no
    // stored answer; a retry of an answered step returns at once.
    absl::StatusOr<ReviewStore::Outcome> outcome =
        service()->options().review_store->Answer(
            *request_, [&]() -> absl::StatusOr<v1::ReviewResponse> {
              Delay(service()->options().review_delay);
              absl::Status wanted =
                  CheckStillWanted("during the simulated review time");
              if (!wanted.ok()) return wanted;
              absl::StatusOr<v1::ReviewResponse> answer =
                  department_service->Review(*request_);
              if (!answer.ok()) {
                return MapReviewError(answer.status(), department(), *request_);
              }
              absl::Status valid =
                  CheckAnswer(*answer, department(), *request_);
              if (!valid.ok()) return valid;
              return answer;
            });
    if (!outcome.ok()) return outcome.status();
    replayed_ = outcome->replayed;
    decision_ = outcome->response.decision();
    // The answer is stored even when the caller has gone: its retry gets it.
    absl::Status status = CheckStillWanted("while the department reviewed");
    if (!status.ok()) return status;
    *response_ = std::move(outcome->response);
    return absl::OkStatus();
  }

  void Log(const absl::Status& status, int64_t latency_us) override {
    LogLine("review", status.ok() ? LogLevel::kInfo : LogLevel::kWarning)
        .Str("case_id", request_->case_id())
        .Str("case_type", request_->case_type())
        .Str("step", request_->step())
        .Str("decision", v1::ReviewDecision_Name(decision_))
        .Bool("replayed", replayed_)
        .Str("request_id", request_->context().request_id())
        .Int("latency_us", latency_us)
        .Status(status);
  }

  const v1::ReviewRequest* const request_;
  v1::ReviewResponse* const response_;
  v1::ReviewDecision decision_ = v1::REVIEW_DECISION_UNSPECIFIED;
  bool replayed_ = false;
};

}  // namespace

grpc::ServerUnaryReactor* StartReviewCall(const AdapterService* service,
                                          grpc::CallbackServerContext* context,
                                          const v1::ReviewRequest* request,
                                          v1::ReviewResponse* response) {
  auto* call = new ReviewCall(service, context, request, response);
  call->Start();
  return call;
}

}  // namespace adapter
}  // namespace datarun
