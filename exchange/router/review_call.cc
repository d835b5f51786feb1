#include "exchange/router/review_call.h"

#include <cmath>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/grpc_status.h"

namespace datarun::router {

bool ReviewCalls::Add(const std::shared_ptr<grpc::ClientContext>& context) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  calls_[context.get()] = context;
  return true;
}

void ReviewCalls::Finished(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  calls_.erase(context);
}

void ReviewCalls::CancelAllAndWait() {
  std::vector<std::shared_ptr<grpc::ClientContext>> live;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (auto& [raw, weak] : calls_) {
      if (auto context = weak.lock()) live.push_back(std::move(context));
    }
  }
  for (auto& context : live) context->TryCancel();
  live.clear();
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](absl::flat_hash_map<grpc::ClientContext*,
                              std::weak_ptr<grpc::ClientContext>>* calls) {
        return calls->empty();
      },
      &calls_));
}

namespace {

struct ReviewState {
  v1::ReviewRequest request;
  v1::ReviewResponse response;
  std::shared_ptr<grpc::ClientContext> context;
  ReviewDone done;
};

}  // namespace

void StartReviewCall(DepartmentChannels* department,
                     std::shared_ptr<ReviewCalls> calls,
                     v1::ReviewRequest request, absl::Time deadline,
                     ReviewDone done) {
  const std::string name = department->department();
  auto state = std::make_shared<ReviewState>();
  state->request = std::move(request);
  state->done = std::move(done);
  state->context = std::make_shared<grpc::ClientContext>();
  state->context->set_deadline(absl::ToChronoTime(deadline));
  state->context->set_wait_for_ready(false);
  if (!calls->Add(state->context)) {
    state->done(absl::CancelledError(
        absl::StrCat("department '", name,
                     "': call cancelled: the router is shutting down")));
    return;
  }
  const absl::Time start = absl::Now();
  grpc::ClientContext* context = state->context.get();
  department->NextStub()->async()->Review(
      context, &state->request, &state->response,
      [state, calls, name, start, deadline](grpc::Status status) {
        absl::StatusOr<v1::ReviewResponse> result;
        switch (status.error_code()) {
          case grpc::StatusCode::OK:
            result = std::move(state->response);
            break;
          case grpc::StatusCode::UNAVAILABLE:
            result = absl::UnavailableError(
                absl::StrCat("department '", name,
                             "' is unavailable: ", status.error_message()));
            break;
          case grpc::StatusCode::DEADLINE_EXCEEDED:
            result = absl::DeadlineExceededError(absl::StrCat(
                "department '", name, "' did not answer the review within ",
                std::llround(absl::ToDoubleMilliseconds(deadline - start)),
                " ms"));
            break;
          default:
            result =
                absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                             absl::StrCat("department '", name,
                                          "': ", status.error_message()));
        }
        grpc::ClientContext* raw = state->context.get();
        // Drop the context (it refers to the channel) before saying so.
        std::shared_ptr<grpc::ClientContext> context;
        context.swap(state->context);
        context.reset();
        ReviewDone done = std::move(state->done);
        done(std::move(result));
        calls->Finished(raw);
      });
}

}  // namespace datarun::router
