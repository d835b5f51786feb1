#include "gateway/http_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <list>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace datarun::gateway {

namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpServer::Impl {
  Impl(const Options& o, HttpSession::Dispatcher d, GatewayStats* s)
      : options(o),
        dispatcher(std::move(d)),
        stats(s),
        ioc(o.io_threads),
        ssl(net::ssl::context::tls_server),
        acceptor(net::make_strand(ioc)) {}

  void Accept() {
    acceptor.async_accept(
        net::make_strand(ioc),
        [this](boost::system::error_code ec, tcp::socket socket) {
          if (ec == net::error::operation_aborted || !acceptor.is_open()) {
            return;
          }
          if (!ec) {
            if (stats->connections.load() >= options.max_connections) {
              boost::system::error_code ignored;
              socket.close(ignored);
            } else {
              auto session = std::make_shared<HttpSession>(
                  std::move(socket), ssl, options.session, dispatcher, stats);
              Track(session);
              session->Start();
            }
          }
          Accept();
        });
  }

  void Track(const std::shared_ptr<HttpSession>& session) {
    absl::MutexLock lock(&mu);
    for (auto it = sessions.begin(); it != sessions.end();) {
      it = it->expired() ? sessions.erase(it) : std::next(it);
    }
    sessions.push_back(session);
  }

  Options options;
  HttpSession::Dispatcher dispatcher;
  GatewayStats* stats;
  net::io_context ioc;
  net::ssl::context ssl;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  absl::Mutex mu;
  std::list<std::weak_ptr<HttpSession>> sessions ABSL_GUARDED_BY(mu);
  bool stopped = false;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Shutdown(); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    const Options& options, HttpSession::Dispatcher dispatcher,
    GatewayStats* stats) {
  auto impl = std::make_unique<Impl>(options, std::move(dispatcher), stats);
  boost::system::error_code ec;
  impl->ssl.set_options(
      net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
          net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
          net::ssl::context::no_tlsv1_1 | net::ssl::context::no_compression |
          net::ssl::context::single_dh_use,
      ec);
  impl->ssl.use_certificate_chain_file(options.cert_file, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        "browser_tls.cert ", options.cert_file, ": ", ec.message()));
  }
  impl->ssl.use_private_key_file(options.key_file, net::ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("browser_tls.key ", options.key_file, ": ", ec.message()));
  }

  const std::string& address = options.listen_address;
  size_t colon = address.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("listen address '", address, "': expected host:port"));
  }
  std::string host = address.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty() || host == "localhost") host = "127.0.0.1";
  net::ip::address ip = net::ip::make_address(host, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        "listen address '", address, "': '", host, "' is not an IP address"));
  }
  tcp::endpoint endpoint(ip, static_cast<unsigned short>(port));
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", address, ": ", ec.message()));
  }
  std::unique_ptr<HttpServer> server(new HttpServer(std::move(impl)));
  server->port_ = server->impl_->acceptor.local_endpoint(ec).port();
  server->impl_->Accept();
  for (int i = 0; i < options.io_threads; ++i) {
    server->impl_->threads.emplace_back(
        [impl = server->impl_.get()]() { impl->ioc.run(); });
  }
  return server;
}

void HttpServer::Post(std::function<void()> work) {
  net::post(impl_->ioc, std::move(work));
}

void HttpServer::Shutdown() {
  if (impl_ == nullptr || impl_->stopped) return;
  impl_->stopped = true;
  net::post(impl_->acceptor.get_executor(), [impl = impl_.get()]() {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
  {
    absl::MutexLock lock(&impl_->mu);
    for (auto& weak : impl_->sessions) {
      if (auto session = weak.lock()) session->Abort();
    }
    impl_->sessions.clear();
  }
  // Give the aborts a moment to run, then stop the loop.
  for (int i = 0; i < 50 && impl_->stats->connections.load() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  impl_->ioc.stop();
  for (std::thread& thread : impl_->threads) thread.join();
  impl_->threads.clear();
}

}  // namespace datarun::gateway
