// Plain HTTP request and response values passed between the Beast-based
// connection layer (http_session.h) and the API (api.h, handlers). Nothing
// here depends on Boost, so handlers and their tests compile quickly.
#ifndef DATARUN_GATEWAY_HTTP_TYPES_H_
#define DATARUN_GATEWAY_HTTP_TYPES_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace datarun::gateway {

// One parsed request. Header names are lowercase.
struct HttpRequest {
  // "GET", "POST", ...
  std::string method;
  // The request target as sent ("/api/v1/cases?state=...").
  std::string target;
  // Percent-decoded path segments are produced by the router; this is the
  // raw path part of `target` (before '?').
  std::string path;
  // Decoded query parameters (the last value wins for a repeated name).
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;
  std::string body;
  // Peer address, for logs ("127.0.0.1").
  std::string remote;

  // Returns the header `lowercase_name`, or "" when absent.
  std::string Header(absl::string_view lowercase_name) const;
  // Returns the value of cookie `name` from the Cookie header, or "".
  std::string Cookie(absl::string_view name) const;
  // Returns the query parameter `name`, or "".
  std::string Query(absl::string_view name) const;
};

// One complete response.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra headers (e.g. Set-Cookie, Allow, Content-Disposition).
  std::vector<std::pair<std::string, std::string>> headers;
};

// Where a handler sends its answer. Implemented by the connection; every
// method may be called from any thread (the connection posts the work to
// its own strand). Exactly one of Send or StartStream ... EndStream must be
// called per request; later calls are ignored.
class Responder {
 public:
  virtual ~Responder() = default;

  // Sends a complete response.
  virtual void Send(HttpResponse response) = 0;

  // Starts a streamed response (chunked transfer encoding) with the status,
  // content type and headers of `head` (its body is sent as the first
  // chunk when not empty). While the stream is idle for `keepalive` (when
  // not empty), `keepalive_text` is written.
  virtual void StartStream(HttpResponse head, std::string keepalive_text) = 0;

  // Appends `data` to the stream. `written` (may be empty) runs once the
  // data has been handed to the socket, or the connection failed — use it
  // for flow control.
  virtual void StreamWrite(std::string data,
                           std::function<void()> written = nullptr) = 0;

  // Ends the stream.
  virtual void EndStream() = 0;

  // Registers `on_close` to run once when the client goes away or the
  // connection is shut down before the response is complete (e.g. to
  // cancel the exchange call feeding a stream). Runs at once when already
  // closed.
  virtual void OnClose(std::function<void()> on_close) = 0;

  // Records who made the request and the route pattern, for the access
  // log. Thread-safe.
  virtual void SetLogFields(std::string route, std::string role,
                            std::string user) = 0;
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_HTTP_TYPES_H_
