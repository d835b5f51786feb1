// GET /api/v1/cases/{id}/events: a case's events as server-sent events,
// fed by the exchange's Case.Watch stream (a gRPC callback reactor; no
// thread waits). The case is read first (Case.Get), so an unknown case or
// one the caller may not see is an ordinary JSON error; then the stream
// starts at once:
//
//   event: case
//   id: <sequence>
//   data: <CaseEvent JSON>
//
// one block per event, "event: end" when the case has finished, "event:
// error" with the error JSON if the watch fails midway, and ": keepalive"
// comments while idle.
#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/log.h"
#include "gateway/case_access.h"
#include "gateway/error_mapping.h"
#include "gateway/handlers.h"
#include "gateway/json_codec.h"
#include "gateway/query_params.h"

namespace datarun::gateway {
namespace {

// A watch lives at most this long; EventSource reconnects with
// Last-Event-ID and resumes.
constexpr absl::Duration kMaxWatch = absl::Hours(1);

std::string EventBlock(const v1::CaseEvent& event) {
  absl::StatusOr<std::string> json = ToJson(event);
  if (!json.ok()) return "";
  return absl::StrCat("event: case\nid: ", event.sequence(), "\ndata: ", *json,
                      "\n\n");
}

class WatchStream final : public grpc::ClientReadReactor<v1::CaseEvent> {
 public:
  WatchStream(ApiContext context, ApiCallPtr call, v1::WatchCaseRequest request)
      : api_(std::move(context)),
        call_(std::move(call)),
        request_(std::move(request)),
        grpc_context_(std::make_shared<grpc::ClientContext>()),
        last_sent_(request_.after_sequence()) {}

  // Starts the SSE response and the watch. The stream slot is held.
  void Start() {
    grpc_context_->set_deadline(absl::ToChronoTime(absl::Now() + kMaxWatch));
    std::weak_ptr<grpc::ClientContext> weak = grpc_context_;
    auto cancel = [weak]() {
      if (auto context = weak.lock()) context->TryCancel();
    };
    registry_id_ = api_.streams->Add(cancel);
    HttpResponse head;
    head.status = 200;
    head.content_type = "text/event-stream; charset=utf-8";
    head.headers.emplace_back("Cache-Control", "no-store");
    head.headers.emplace_back("X-Accel-Buffering", "no");
    // The reconnection delay EventSource should use.
    head.body = "retry: 3000\n\n";
    call_->responder->StartStream(std::move(head), ": keepalive\n\n");
    call_->responder->OnClose(cancel);
    api_.clients->Acquire();
    api_.clients->servicehall().cases->async()->Watch(grpc_context_.get(),
                                                      &request_, this);
    StartRead(&event_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows.
    // Never an event the client already has (the exchange may deliver a
    // live event at or before after_sequence).
    if (event_.sequence() > last_sent_) {
      last_sent_ = event_.sequence();
      call_->responder->StreamWrite(EventBlock(event_));
    }
    StartRead(&event_);
  }

  void OnDone(const grpc::Status& grpc_status) override {
    absl::Status status = FromGrpcStatus(grpc_status);
    if (status.ok()) {
      call_->responder->StreamWrite("event: end\ndata: {}\n\n");
    } else if (!absl::IsCancelled(status)) {
      call_->responder->StreamWrite(absl::StrCat(
          "event: error\ndata: ",
          ErrorJson(status, HttpStatusForCode(status.code())), "\n\n"));
    }
    call_->responder->EndStream();
    api_.streams->Remove(registry_id_);
    api_.stats->CloseStream();
    api_.clients->Release();
    delete this;
  }

 private:
  const ApiContext api_;
  const ApiCallPtr call_;
  v1::WatchCaseRequest request_;
  std::shared_ptr<grpc::ClientContext> grpc_context_;
  v1::CaseEvent event_;
  // Sequence of the last event written (reads are sequential: no lock).
  uint64_t last_sent_;
  uint64_t registry_id_ = 0;
};

}  // namespace

void StreamCaseEvents(const ApiContext& context, const ApiCallPtr& call) {
  absl::StatusOr<int64_t> after =
      IntParam(call->request, "after_sequence", 0, 0, INT64_MAX);
  if (!after.ok()) return call->Fail(after.status());
  int64_t last_event_id = 0;
  if (absl::SimpleAtoi(call->request.Header("last-event-id"), &last_event_id)) {
    after = std::max(*after, last_event_id);
  }
  v1::WatchCaseRequest watch;
  watch.set_case_id(call->Param("id"));
  watch.set_after_sequence(static_cast<uint64_t>(*after));

  v1::GetCaseRequest get;
  get.set_case_id(call->Param("id"));
  CallUnary<v1::GetCaseRequest, v1::CaseRecord>(
      context.clients,
      [stub = context.clients->servicehall().cases.get()](auto* c, auto* q,
                                                          auto* r, auto done) {
        stub->async()->Get(c, q, r, std::move(done));
      },
      std::move(get),
      [context, call, watch = std::move(watch)](absl::Status status,
                                                v1::CaseRecord record) mutable {
        if (!status.ok()) return call->Fail(status);
        if (call->session->user.role == Role::kCitizen &&
            !IsParty(record, call->session->user.subject)) {
          return call->Fail(absl::PermissionDeniedError(
              "a citizen may read only the cases in which they are a party"));
        }
        if (!context.stats->TryOpenStream(
                context.config->limits().max_streams())) {
          return call->Fail(absl::ResourceExhaustedError(absl::StrCat(
              "too many open event streams (at most ",
              context.config->limits().max_streams(), "); try again later")));
        }
        (new WatchStream(context, call, std::move(watch)))->Start();
      });
}

}  // namespace datarun::gateway
