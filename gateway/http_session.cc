#include "gateway/http_session.h"

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/error_mapping.h"
#include "gateway/session_responder.h"

namespace datarun::gateway {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

std::chrono::steady_clock::duration Chrono(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

bool HasHeader(const HttpResponse& response, absl::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (absl::EqualsIgnoreCase(key, name)) return true;
  }
  return false;
}

// Sets status, content type, the response's own headers and the defaults
// every answer carries.
template <class Body>
void ApplyHeaders(http::response<Body>& res, const HttpResponse& response,
                  bool api) {
  res.version(11);
  res.result(static_cast<unsigned>(response.status));
  const char* reason = HttpReason(response.status);
  if (reason[0] != '\0') res.reason(reason);
  res.set(http::field::server, "datarun-gateway");
  if (response.status != 204 && !response.content_type.empty()) {
    res.set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) res.insert(name, value);
  if (api && !HasHeader(response, "Cache-Control")) {
    res.set(http::field::cache_control, "no-store");
  }
  if (!HasHeader(response, "X-Content-Type-Options")) {
    res.set("X-Content-Type-Options", "nosniff");
  }
  if (!HasHeader(response, "Referrer-Policy")) {
    res.set("Referrer-Policy", "no-referrer");
  }
  if (!HasHeader(response, "Content-Security-Policy")) {
    res.set("Content-Security-Policy",
            "default-src 'none'; frame-ancestors 'none'");
  }
}

}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket socket, net::ssl::context& ssl,
                         const Options& options, Dispatcher dispatcher,
                         GatewayStats* stats)
    : stream_(std::move(socket), ssl),
      options_(options),
      dispatcher_(std::move(dispatcher)),
      stats_(stats),
      keepalive_timer_(stream_.get_executor()) {
  beast::error_code ec;
  auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address().to_string();
  stats_->connections.fetch_add(1, std::memory_order_relaxed);
}

HttpSession::~HttpSession() {
  RunCloseCallbacks();
  stats_->connections.fetch_sub(1, std::memory_order_relaxed);
}

void HttpSession::Start() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()]() {
    beast::get_lowest_layer(self->stream_)
        .expires_after(Chrono(self->options_.handshake_timeout));
    self->stream_.async_handshake(
        net::ssl::stream_base::server,
        beast::bind_front_handler(&HttpSession::OnHandshake, self));
  });
}

void HttpSession::Abort() {
  net::post(stream_.get_executor(), [self = shared_from_this()]() {
    self->closed_ = true;
    self->keepalive_timer_.cancel();
    self->RunCloseCallbacks();
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_).socket().close(ignored);
  });
}

void HttpSession::OnHandshake(beast::error_code ec) {
  if (ec) {
    // Scanners and browsers probing certificates: not worth a log line.
    Close();
    return;
  }
  ReadRequest();
}

void HttpSession::ReadRequest() {
  if (closed_) return;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(options_.max_header_bytes));
  parser_->body_limit(options_.max_body_bytes);
  beast::get_lowest_layer(stream_).expires_after(Chrono(options_.idle_timeout));
  http::async_read(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnRead(beast::error_code ec, size_t /*bytes*/) {
  if (closed_) return;
  if (ec == http::error::body_limit) {
    ReplyAndClose(413, absl::StrCat("request body larger than ",
                                    options_.max_body_bytes, " bytes"));
    return;
  }
  if (ec == http::error::header_limit) {
    ReplyAndClose(431, absl::StrCat("request head larger than ",
                                    options_.max_header_bytes, " bytes"));
    return;
  }
  if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::eof ||
      ec == net::ssl::error::stream_truncated) {
    Close();
    return;
  }
  if (ec) {
    if (parser_->got_some()) {
      ReplyAndClose(400,
                    absl::StrCat("malformed HTTP request: ", ec.message()));
    } else {
      Close();
    }
    return;
  }
  Dispatch();
}

void HttpSession::Dispatch() {
  http::request<http::string_body> req = parser_->release();
  HttpRequest request;
  request.method = std::string(req.method_string());
  request.target = std::string(req.target());
  request.path = request.target.substr(0, request.target.find('?'));
  request.remote = remote_;
  for (const auto& field : req) {
    std::string name = absl::AsciiStrToLower(absl::string_view(
        field.name_string().data(), field.name_string().size()));
    std::string value(field.value());
    auto [it, inserted] = request.headers.emplace(name, value);
    if (!inserted) absl::StrAppend(&it->second, ", ", value);
  }
  request.body = std::move(req.body());

  ++number_;
  answered_ = false;
  keep_alive_ = req.keep_alive();
  api_ = absl::StartsWith(request.path, "/api/");
  started_ = absl::Now();
  record_ = AccessRecord();
  record_.method = request.method;
  record_.route = "(unmatched)";
  record_.remote = remote_;
  dispatcher_(std::move(request),
              std::make_shared<SessionResponder>(shared_from_this(), number_));
}

void HttpSession::ReplyAndClose(int status, const std::string& message) {
  ++number_;
  answered_ = false;
  keep_alive_ = false;
  api_ = true;
  started_ = absl::Now();
  record_ = AccessRecord();
  record_.method = parser_ && parser_->is_header_done()
                       ? std::string(parser_->get().method_string())
                       : "";
  record_.route = "(rejected)";
  rejected_ = true;
  record_.remote = remote_;
  absl::StatusCode code = status == 413 || status == 431
                              ? absl::StatusCode::kResourceExhausted
                              : absl::StatusCode::kInvalidArgument;
  Reply(number_, ErrorResponse(absl::Status(code, message), status));
}

void HttpSession::Reply(uint64_t number, HttpResponse response) {
  if (closed_ || number != number_ || answered_) return;
  answered_ = true;
  auto res = std::make_shared<http::response<http::string_body>>();
  ApplyHeaders(*res, response, api_);
  res->keep_alive(keep_alive_);
  if (response.status == 204 || response.status == 304) {
    response.body.clear();
  } else {
    res->body() = std::move(response.body);
    res->prepare_payload();
  }
  record_.status = response.status;
  record_.bytes = static_cast<int64_t>(res->body().size());
  response_ = res;
  beast::get_lowest_layer(stream_).expires_after(
      Chrono(options_.write_timeout));
  http::async_write(stream_, *res,
                    [self = shared_from_this(), keep = res->keep_alive()](
                        beast::error_code ec, size_t bytes) {
                      self->OnWrite(keep, ec, bytes);
                    });
}

void HttpSession::OnWrite(bool keep_alive, beast::error_code ec,
                          size_t /*bytes*/) {
  response_.reset();
  Log(record_.status);
  if (rejected_ && !ec) {
    LingerAndClose();
    return;
  }
  if (ec || !keep_alive) {
    Close();
    return;
  }
  close_callbacks_.clear();
  ReadRequest();
}

void HttpSession::BeginStream(uint64_t number, HttpResponse head,
                              std::string keepalive_text) {
  if (closed_ || number != number_ || answered_) return;
  answered_ = true;
  streaming_ = true;
  head_written_ = false;
  keepalive_text_ = std::move(keepalive_text);
  record_.status = head.status;
  record_.stream = true;
  struct Head {
    http::response<http::empty_body> res;
    std::optional<http::response_serializer<http::empty_body>> serializer;
  };
  auto state = std::make_shared<Head>();
  ApplyHeaders(state->res, head, api_);
  state->res.keep_alive(keep_alive_);
  state->res.chunked(true);
  state->serializer.emplace(state->res);
  serializer_ = state;
  if (!head.body.empty()) {
    Chunk first;
    first.data = std::move(head.body);
    chunks_.push_back(std::move(first));
  }
  writing_ = true;
  beast::get_lowest_layer(stream_).expires_after(
      Chrono(options_.write_timeout));
  http::async_write_header(
      stream_, *state->serializer,
      [self = shared_from_this()](beast::error_code ec, size_t) {
        self->writing_ = false;
        self->head_written_ = true;
        if (ec) {
          self->Log(self->record_.status);
          self->Close();
          return;
        }
        self->ArmKeepalive();
        self->PumpStream();
      });
}

void HttpSession::QueueChunk(uint64_t number, Chunk chunk) {
  if (closed_ || number != number_ || !streaming_) {
    if (chunk.written) chunk.written();
    return;
  }
  if (!chunk.last && chunk.data.empty()) {
    if (chunk.written) chunk.written();
    return;
  }
  chunks_.push_back(std::move(chunk));
  PumpStream();
}

void HttpSession::PumpStream() {
  if (closed_ || !streaming_ || writing_ || !head_written_ || chunks_.empty()) {
    return;
  }
  current_ = std::move(chunks_.front());
  chunks_.pop_front();
  writing_ = true;
  stream_active_since_tick_ = true;
  beast::get_lowest_layer(stream_).expires_after(
      Chrono(options_.write_timeout));
  auto self = shared_from_this();
  if (current_.last) {
    net::async_write(stream_, http::make_chunk_last(),
                     [self](beast::error_code ec, size_t) {
                       self->writing_ = false;
                       self->Log(self->record_.status);
                       if (ec) {
                         self->Close();
                       } else {
                         self->Finish(self->keep_alive_);
                       }
                     });
    return;
  }
  record_.bytes += static_cast<int64_t>(current_.data.size());
  net::async_write(stream_, http::make_chunk(net::buffer(current_.data)),
                   [self](beast::error_code ec, size_t) { self->OnChunk(ec); });
}

void HttpSession::OnChunk(beast::error_code ec) {
  writing_ = false;
  std::function<void()> written = std::move(current_.written);
  current_ = Chunk();
  if (ec) {
    Log(record_.status);
    Close();
  }
  if (written) written();
  if (!ec) PumpStream();
}

void HttpSession::ArmKeepalive() {
  if (keepalive_text_.empty() || closed_ || !streaming_) return;
  keepalive_timer_.expires_after(Chrono(options_.keepalive_interval));
  keepalive_timer_.async_wait([self = shared_from_this(),
                               number = number_](beast::error_code ec) {
    if (ec || self->closed_ || !self->streaming_ || number != self->number_) {
      return;
    }
    if (!self->stream_active_since_tick_ && self->chunks_.empty() &&
        !self->writing_) {
      Chunk ping;
      ping.data = self->keepalive_text_;
      self->chunks_.push_back(std::move(ping));
      self->PumpStream();
    }
    self->stream_active_since_tick_ = false;
    self->ArmKeepalive();
  });
}

void HttpSession::Finish(bool keep_alive) {
  streaming_ = false;
  serializer_.reset();
  keepalive_timer_.cancel();
  close_callbacks_.clear();
  for (Chunk& chunk : chunks_) {
    if (chunk.written) chunk.written();
  }
  chunks_.clear();
  if (keep_alive) {
    ReadRequest();
  } else {
    Close();
  }
}

void HttpSession::AddCloseCallback(uint64_t number,
                                   std::function<void()> on_close) {
  if (closed_ || number != number_) {
    on_close();
    return;
  }
  close_callbacks_.push_back(std::move(on_close));
}

void HttpSession::SetLogFields(uint64_t number, std::string route,
                               std::string role, std::string user) {
  if (number != number_) return;
  record_.route = std::move(route);
  record_.role = std::move(role);
  record_.user = std::move(user);
}

void HttpSession::RunCloseCallbacks() {
  std::vector<std::function<void()>> callbacks;
  callbacks.swap(close_callbacks_);
  for (auto& callback : callbacks) callback();
  std::deque<Chunk> pending;
  pending.swap(chunks_);
  for (Chunk& chunk : pending) {
    if (chunk.written) chunk.written();
  }
}

void HttpSession::Close() {
  if (closed_) return;
  closed_ = true;
  keepalive_timer_.cancel();
  RunCloseCallbacks();
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
  stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_).socket().close(ignored);
  });
}

void HttpSession::LingerAndClose() {
  if (closed_) return;
  closed_ = true;
  keepalive_timer_.cancel();
  RunCloseCallbacks();
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().shutdown(
      net::ip::tcp::socket::shutdown_send, ignored);
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
  Drain();
}

void HttpSession::Drain() {
  // Raw TCP reads: the TLS session is over.
  beast::get_lowest_layer(stream_).async_read_some(
      net::buffer(drain_buffer_),
      [self = shared_from_this()](beast::error_code ec, size_t) {
        if (ec) {
          beast::error_code ignored;
          beast::get_lowest_layer(self->stream_).socket().close(ignored);
          return;
        }
        self->Drain();
      });
}

void HttpSession::Log(int status) {
  if (record_.status == 0) return;
  record_.latency = absl::Now() - started_;
  stats_->CountResponse(status);
  LogAccess(record_);
  record_.status = 0;  // once per request
}

}  // namespace datarun::gateway
