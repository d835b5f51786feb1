// One HTTPS connection (Boost.Beast over Asio SSL): TLS handshake, then
// HTTP/1.1 requests one at a time with keep-alive. Each request is handed
// to the dispatcher with a Responder; the answer (a complete response or a
// chunked stream such as server-sent events) may come from any thread and
// is posted back to this connection's strand.
//
// Limits: request head size (431), body size (413), idle time between
// requests and per write (the connection is closed), a keep-alive text on
// idle streams. Every answered request is counted and access-logged.
//
// Lifetime: shared_ptr; pending operations and Responders keep it alive.
// All private members are touched only on the strand.
#ifndef DATARUN_GATEWAY_HTTP_SESSION_H_
#define DATARUN_GATEWAY_HTTP_SESSION_H_

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gateway/access_log.h"
#include "gateway/gateway_stats.h"
#include "gateway/http_types.h"

namespace datarun::gateway {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  struct Options {
    size_t max_body_bytes = 1 << 20;
    size_t max_header_bytes = 16 << 10;
    // Closing an idle connection (no complete request) after this long.
    absl::Duration idle_timeout = absl::Seconds(60);
    absl::Duration handshake_timeout = absl::Seconds(10);
    // Largest time one write may take.
    absl::Duration write_timeout = absl::Seconds(30);
    // A stream with nothing to send for this long sends its keep-alive text.
    absl::Duration keepalive_interval = absl::Seconds(15);
  };
  // Runs on the strand; must not block.
  using Dispatcher =
      std::function<void(HttpRequest, std::shared_ptr<Responder>)>;

  HttpSession(boost::asio::ip::tcp::socket socket,
              boost::asio::ssl::context& ssl, const Options& options,
              Dispatcher dispatcher, GatewayStats* stats);
  // Runs the close callbacks still registered.
  ~HttpSession();

  // Starts the TLS handshake and the request loop.
  void Start();

  // Closes the connection at once (server shutdown). Thread-safe.
  void Abort();

 private:
  friend class SessionResponder;

  struct Chunk {
    std::string data;
    std::function<void()> written;
    bool last = false;
  };

  using Stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

  // The strand every member is used on.
  Stream::executor_type executor() { return stream_.get_executor(); }

  void OnHandshake(boost::beast::error_code ec);
  void ReadRequest();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  void Dispatch();

  // Strand-side halves of the Responder methods; `number` is the request
  // they answer (stale answers are dropped).
  void Reply(uint64_t number, HttpResponse response);
  void BeginStream(uint64_t number, HttpResponse head,
                   std::string keepalive_text);
  void QueueChunk(uint64_t number, Chunk chunk);
  void AddCloseCallback(uint64_t number, std::function<void()> on_close);
  void SetLogFields(uint64_t number, std::string route, std::string role,
                    std::string user);

  // Answers a request that could not be parsed, then closes.
  void ReplyAndClose(int status, const std::string& message);
  void OnWrite(bool keep_alive, boost::beast::error_code ec, size_t bytes);
  void PumpStream();
  void OnChunk(boost::beast::error_code ec);
  void ArmKeepalive();
  void Finish(bool keep_alive);
  void Close();
  // After an early rejection (413, 431, 400) the client may still be
  // sending: half-close and read what comes for a moment, so that closing
  // does not reset the connection before the client read the answer.
  void LingerAndClose();
  void Drain();
  void RunCloseCallbacks();
  void Log(int status);

  Stream stream_;
  Options options_;
  Dispatcher dispatcher_;
  GatewayStats* stats_;
  boost::beast::flat_buffer buffer_;
  std::optional<
      boost::beast::http::request_parser<boost::beast::http::string_body>>
      parser_;
  std::string remote_;

  // The request being answered.
  uint64_t number_ = 0;
  bool answered_ = false;
  bool keep_alive_ = false;
  bool api_ = false;
  AccessRecord record_;
  absl::Time started_;
  std::shared_ptr<void> response_;  // keeps the message being written alive

  // Streaming.
  bool streaming_ = false;
  bool head_written_ = false;
  bool writing_ = false;
  bool stream_active_since_tick_ = false;
  std::string keepalive_text_;
  std::deque<Chunk> chunks_;
  Chunk current_;
  std::shared_ptr<void> serializer_;
  boost::asio::steady_timer keepalive_timer_;

  bool closed_ = false;
  bool rejected_ = false;
  std::array<char, 4096> drain_buffer_;
  std::vector<std::function<void()>> close_callbacks_;
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_HTTP_SESSION_H_
