#include "exchange/server/case_service.h"

#include <deque>
#include <string>
#include <utility>

#include "common/grpc_status.h"
#include "common/log.h"
#include "exchange/server/pooled_call.h"

namespace datarun::server {
namespace {

// One Watch stream: events queue up from the engine's sink and are written
// one at a time; the stream ends after the FINISHED event.
class WatchReactor : public grpc::ServerWriteReactor<v1::CaseEvent> {
 public:
  WatchReactor(cases::CaseEngine* engine, std::string case_id)
      : engine_(engine), case_id_(std::move(case_id)) {}

  // Runs on a pool thread: replays past events and subscribes.
  void Begin(const std::string& caller, uint64_t after) {
    absl::StatusOr<cases::CaseEngine::WatchStart> start = engine_->Watch(
        caller, case_id_, after, [this](const v1::CaseEvent& event) {
          absl::MutexLock lock(&mu_);
          queue_.push_back(event);
          PumpLocked();
        });
    bool destroy;
    {
      absl::MutexLock lock(&mu_);
      begun_ = true;
      if (!start.ok()) {
        FinishLocked(ToGrpcStatus(start.status()));
      } else {
        watch_id_ = start->id;
        if (watch_id_ == 0) ended_ = true;  // finished case: replay only
        PumpLocked();
      }
      destroy = done_;
    }
    if (destroy) Destroy();
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"));
      return;
    }
    if (current_.kind() == v1::CASE_EVENT_KIND_FINISHED) ended_ = true;
    PumpLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "watch cancelled"));
  }

  void OnDone() override {
    bool destroy;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      destroy = begun_;
    }
    if (destroy) Destroy();
  }

  // Ends a stream whose Begin never runs.
  void Fail(const absl::Status& status) {
    bool destroy;
    {
      absl::MutexLock lock(&mu_);
      begun_ = true;
      FinishLocked(ToGrpcStatus(status));
      destroy = done_;
    }
    if (destroy) Destroy();
  }

 private:
  // Runs once, after both Begin (or Fail) and OnDone.
  void Destroy() {
    uint64_t id;
    {
      absl::MutexLock lock(&mu_);
      id = watch_id_;
    }
    // After Unwatch the sink is never called again.
    if (id != 0) engine_->Unwatch(case_id_, id);
    delete this;
  }

  void PumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_ || writing_) return;
    // Every queued event goes out, also after the end is known (a finished
    // case replays all its events); the stream ends once the queue is empty.
    if (!queue_.empty()) {
      current_ = std::move(queue_.front());
      queue_.pop_front();
      writing_ = true;
      StartWrite(&current_);
      return;
    }
    if (ended_) FinishLocked(grpc::Status::OK);
  }

  void FinishLocked(const grpc::Status& status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

 private:
  cases::CaseEngine* const engine_;
  const std::string case_id_;
  absl::Mutex mu_;
  std::deque<v1::CaseEvent> queue_ ABSL_GUARDED_BY(mu_);
  v1::CaseEvent current_ ABSL_GUARDED_BY(mu_);
  uint64_t watch_id_ ABSL_GUARDED_BY(mu_) = 0;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  // No more events will come (finished case, or FINISHED written).
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool begun_ ABSL_GUARDED_BY(mu_) = false;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

CaseService::CaseService(Options options)
    : options_(options),
      pool_(std::make_unique<ReadPool>("case service", options.threads,
                                       options.max_queued)) {}

namespace {
PooledCallSite Site(const security::Authenticator* auth, ReadPool* pool) {
  PooledCallSite site;
  site.authenticator = auth;
  site.pool = pool;
  site.service = "Case";
  site.log_event = "case_request";
  return site;
}
}  // namespace

grpc::ServerUnaryReactor* CaseService::Submit(
    grpc::CallbackServerContext* context, const v1::SubmitCaseRequest* request,
    v1::SubmitCaseResponse* response) {
  return RunPooled(Site(options_.authenticator, pool_.get()), context, "Submit",
                   [this, request, response](const std::string& caller,
                                             LogLine& line) -> absl::Status {
                     line.Str("case_type", request->case_type());
                     absl::StatusOr<v1::SubmitCaseResponse> result =
                         options_.engine->Submit(caller, *request);
                     if (!result.ok()) return result.status();
                     *response = *std::move(result);
                     line.Str("case_id", response->case_().case_id())
                         .Bool("created", response->created());
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* CaseService::Get(grpc::CallbackServerContext* context,
                                           const v1::GetCaseRequest* request,
                                           v1::CaseRecord* response) {
  return RunPooled(Site(options_.authenticator, pool_.get()), context, "Get",
                   [this, request, response](const std::string& caller,
                                             LogLine& line) -> absl::Status {
                     line.Str("case_id", request->case_id());
                     absl::StatusOr<v1::CaseRecord> result =
                         options_.engine->Get(caller, request->case_id());
                     if (!result.ok()) return result.status();
                     *response = *std::move(result);
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* CaseService::List(
    grpc::CallbackServerContext* context, const v1::ListCasesRequest* request,
    v1::ListCasesResponse* response) {
  return RunPooled(Site(options_.authenticator, pool_.get()), context, "List",
                   [this, request, response](const std::string& caller,
                                             LogLine& line) -> absl::Status {
                     // Whether a party filter was asked; never the subject.
                     line.Bool("by_party", !request->party_subject().empty());
                     absl::StatusOr<v1::ListCasesResponse> result =
                         options_.engine->List(caller, *request);
                     if (!result.ok()) return result.status();
                     *response = *std::move(result);
                     line.Int("cases", response->cases_size());
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* CaseService::Supplement(
    grpc::CallbackServerContext* context, const v1::SupplementRequest* request,
    v1::CaseRecord* response) {
  return RunPooled(Site(options_.authenticator, pool_.get()), context,
                   "Supplement",
                   [this, request, response](const std::string& caller,
                                             LogLine& line) -> absl::Status {
                     line.Str("case_id", request->case_id())
                         .Str("material", request->material().material());
                     absl::StatusOr<v1::CaseRecord> result =
                         options_.engine->Supplement(caller, *request);
                     if (!result.ok()) return result.status();
                     *response = *std::move(result);
                     return absl::OkStatus();
                   });
}

grpc::ServerUnaryReactor* CaseService::Cancel(
    grpc::CallbackServerContext* context, const v1::CancelCaseRequest* request,
    v1::CaseRecord* response) {
  return RunPooled(Site(options_.authenticator, pool_.get()), context, "Cancel",
                   [this, request, response](const std::string& caller,
                                             LogLine& line) -> absl::Status {
                     line.Str("case_id", request->case_id());
                     absl::StatusOr<v1::CaseRecord> result =
                         options_.engine->Cancel(caller, *request);
                     if (!result.ok()) return result.status();
                     *response = *std::move(result);
                     return absl::OkStatus();
                   });
}

grpc::ServerWriteReactor<v1::CaseEvent>* CaseService::Watch(
    grpc::CallbackServerContext* context, const v1::WatchCaseRequest* request) {
  auto* reactor = new WatchReactor(options_.engine, request->case_id());
  absl::StatusOr<std::string> caller =
      options_.authenticator->CallingDepartment(context->auth_context(),
                                                "Case");
  const uint64_t after = request->after_sequence();
  std::string who = caller.ok() ? *caller : "";
  absl::Status queued = caller.ok()
                            ? pool_->Submit([reactor, who, after]() mutable {
                                reactor->Begin(who, after);
                              })
                            : caller.status();
  if (!queued.ok()) reactor->Fail(queued);
  return reactor;
}

grpc::ServerUnaryReactor* CaseService::ListCaseTypes(
    grpc::CallbackServerContext* context,
    const v1::ListCaseTypesRequest* /*request*/,
    v1::ListCaseTypesResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<std::string> caller =
      options_.authenticator->CallingDepartment(context->auth_context(),
                                                "Case");
  absl::Status status = caller.status();
  if (status.ok() && options_.case_types != nullptr) {
    *response->mutable_case_types() = options_.case_types->proto().case_types();
  }
  LogLine line("case_request",
               status.ok() ? LogLevel::kInfo : LogLevel::kWarning);
  line.Str("method", "ListCaseTypes")
      .Str("consumer", caller.ok() ? *caller : "")
      .Int("case_types", response->case_types_size())
      .Status(status);
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace datarun::server
