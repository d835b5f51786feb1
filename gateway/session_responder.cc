#include "gateway/session_responder.h"

#include <boost/asio/post.hpp>
#include <utility>

#include "gateway/error_mapping.h"

namespace datarun::gateway {

SessionResponder::SessionResponder(std::shared_ptr<HttpSession> session,
                                   uint64_t number)
    : session_(std::move(session)), number_(number) {}

SessionResponder::~SessionResponder() {
  if (!answered_.exchange(true)) {
    Post([number = number_](HttpSession* s) {
      s->Reply(number, ErrorResponse(absl::InternalError(
                           "the gateway did not answer this request")));
    });
  } else if (streaming_ && !ended_.exchange(true)) {
    Post([number = number_](HttpSession* s) {
      HttpSession::Chunk last;
      last.last = true;
      s->QueueChunk(number, std::move(last));
    });
  }
}

void SessionResponder::Send(HttpResponse response) {
  if (answered_.exchange(true)) return;
  auto shared = std::make_shared<HttpResponse>(std::move(response));
  Post([number = number_, shared](HttpSession* s) {
    s->Reply(number, std::move(*shared));
  });
}

void SessionResponder::StartStream(HttpResponse head,
                                   std::string keepalive_text) {
  if (answered_.exchange(true)) return;
  streaming_ = true;
  auto shared = std::make_shared<HttpResponse>(std::move(head));
  Post([number = number_, shared,
        keepalive_text = std::move(keepalive_text)](HttpSession* s) {
    s->BeginStream(number, std::move(*shared), keepalive_text);
  });
}

void SessionResponder::StreamWrite(std::string data,
                                   std::function<void()> written) {
  if (!streaming_ || ended_) {
    if (written) written();
    return;
  }
  Post([number = number_, data = std::move(data),
        written = std::move(written)](HttpSession* s) {
    HttpSession::Chunk chunk;
    chunk.data = data;
    chunk.written = written;
    s->QueueChunk(number, std::move(chunk));
  });
}

void SessionResponder::EndStream() {
  if (!streaming_ || ended_.exchange(true)) return;
  Post([number = number_](HttpSession* s) {
    HttpSession::Chunk last;
    last.last = true;
    s->QueueChunk(number, std::move(last));
  });
}

void SessionResponder::OnClose(std::function<void()> on_close) {
  Post([number = number_, on_close = std::move(on_close)](HttpSession* s) {
    s->AddCloseCallback(number, on_close);
  });
}

void SessionResponder::SetLogFields(std::string route, std::string role,
                                    std::string user) {
  Post([number = number_, route = std::move(route), role = std::move(role),
        user = std::move(user)](HttpSession* s) {
    s->SetLogFields(number, route, role, user);
  });
}

void SessionResponder::Post(std::function<void(HttpSession*)> f) {
  boost::asio::post(
      session_->executor(),
      [session = session_, f = std::move(f)]() { f(session.get()); });
}

}  // namespace datarun::gateway
