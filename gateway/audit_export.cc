// GET /api/v1/audit/export: every entry matching the console's filters as
// NDJSON (one ProvedEntry JSON per line), streamed page by page (the next
// page is fetched once the previous one is on the socket), at most 100,000
// lines. A failure after the first page ends the download with one
// {"error": ...} line.
#include <atomic>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/audit_calls.h"
#include "gateway/error_mapping.h"
#include "gateway/handlers.h"
#include "gateway/json_codec.h"

namespace datarun::gateway {
namespace {

constexpr int64_t kMaxLines = 100000;

class Export : public std::enable_shared_from_this<Export> {
 public:
  Export(ApiContext context, ApiCallPtr call, v1::SearchEntriesRequest search)
      : api_(std::move(context)),
        call_(std::move(call)),
        search_(std::move(search)) {
    search_.set_page_size(200);
  }

  void Start() {
    std::weak_ptr<Export> weak = shared_from_this();
    call_->responder->OnClose([weak]() {
      if (auto self = weak.lock()) self->cancelled_ = true;
    });
    Next();
  }

  ~Export() { api_.stats->CloseStream(); }

 private:
  void Next() {
    auto self = shared_from_this();
    SearchAudit(api_.clients, search_,
                [self](absl::Status status, v1::SearchEntriesResponse page) {
                  self->OnPage(status, std::move(page));
                });
  }

  void OnPage(const absl::Status& status, v1::SearchEntriesResponse page) {
    if (!status.ok()) {
      if (!started_) return call_->Fail(status);
      call_->responder->StreamWrite(
          ErrorJson(status, HttpStatusForCode(status.code())) + "\n");
      return call_->responder->EndStream();
    }
    if (!started_) {
      started_ = true;
      HttpResponse head;
      head.content_type = "application/x-ndjson; charset=utf-8";
      head.headers.emplace_back(
          "Content-Disposition",
          "attachment; filename=\"datarun-audit-export.ndjson\"");
      call_->responder->StartStream(std::move(head), "");
    }
    std::string chunk;
    for (const v1::ProvedEntry& entry : page.entries()) {
      if (lines_ >= kMaxLines) break;
      absl::StatusOr<std::string> json = ToJson(entry);
      if (!json.ok()) continue;
      absl::StrAppend(&chunk, *json, "\n");
      ++lines_;
    }
    const bool more = !page.next_page_token().empty() && lines_ < kMaxLines;
    if (!more) {
      call_->responder->StreamWrite(std::move(chunk));
      return call_->responder->EndStream();
    }
    search_.set_page_token(page.next_page_token());
    auto self = shared_from_this();
    call_->responder->StreamWrite(std::move(chunk), [self]() {
      if (self->cancelled_) return self->call_->responder->EndStream();
      self->Next();
    });
  }

  const ApiContext api_;
  const ApiCallPtr call_;
  v1::SearchEntriesRequest search_;
  bool started_ = false;
  int64_t lines_ = 0;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

void ExportAudit(const ApiContext& context, const ApiCallPtr& call) {
  absl::StatusOr<v1::SearchEntriesRequest> filters =
      ParseAuditFilters(call->request);
  if (!filters.ok()) return call->Fail(filters.status());
  if (!context.stats->TryOpenStream(context.config->limits().max_streams())) {
    return call->Fail(absl::ResourceExhaustedError(
        "too many open streams and exports; try again later"));
  }
  std::make_shared<Export>(context, call, *std::move(filters))->Start();
}

}  // namespace datarun::gateway
