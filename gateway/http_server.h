// The HTTPS listener: accepts TCP connections on a pool of I/O threads,
// each connection an HttpSession on its own strand. TLS 1.2+ with the
// browser certificate from the config.
//
// Thread-safe; Shutdown (or the destructor) stops everything.
#ifndef DATARUN_GATEWAY_HTTP_SERVER_H_
#define DATARUN_GATEWAY_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/gateway_stats.h"
#include "gateway/http_session.h"

namespace datarun::gateway {

class HttpServer {
 public:
  struct Options {
    // host:port; port 0 picks a free port.
    std::string listen_address;
    // PEM certificate chain and private key presented to browsers.
    std::string cert_file;
    std::string key_file;
    int io_threads = 2;
    int max_connections = 1024;
    HttpSession::Options session;
  };

  // Loads the certificate, binds, and starts accepting.
  // Errors: INVALID_ARGUMENT for a malformed address or unusable
  // certificate/key (file named); UNAVAILABLE when the address cannot be
  // bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      const Options& options, HttpSession::Dispatcher dispatcher,
      GatewayStats* stats);

  ~HttpServer();

  int port() const { return port_; }

  // Runs `work` on the I/O thread pool (never for blocking work).
  void Post(std::function<void()> work);

  // Stops accepting, closes every connection and joins the I/O threads.
  // Idempotent.
  void Shutdown();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace datarun::gateway

#endif  // DATARUN_GATEWAY_HTTP_SERVER_H_
