// HttpServer and HttpSession over real TLS on loopback: a streamed response
// that is idle gets the keepalive text at the configured interval (so
// proxies and browsers keep a quiet server-sent-events stream open), the
// stream carries on after the pings, and a client that goes away mid-stream
// fires the handler's OnClose callback. The client waits for what it reads,
// never for a time span.
#include "gateway/http_server.h"

#include <stdlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "exchange/security/dev_pki.h"
#include "gateway/gateway_stats.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;

using ::testing::HasSubstr;

constexpr char kPing[] = ": keepalive\n\n";

// Occurrences of `needle` in `text`.
int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/http_server_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(
        security::dev_pki::Init(dir_, "datarun.local", {"servicehall"}).ok());
    ASSERT_TRUE(security::dev_pki::EnsureWebServerCertificate(dir_).ok());
    HttpServer::Options options;
    options.listen_address = "127.0.0.1:0";
    options.cert_file = dir_ + "/gateway-web.pem";
    options.key_file = dir_ + "/gateway-web.key";
    options.session.keepalive_interval = absl::Milliseconds(20);
    auto server = HttpServer::Start(
        options,
        [this](HttpRequest request, std::shared_ptr<Responder> responder) {
          HttpResponse head;
          head.content_type = "text/event-stream";
          responder->StartStream(std::move(head), kPing);
          responder->OnClose([this] {
            if (!closed_.HasBeenNotified()) closed_.Notify();
          });
          // The handler answers later, from another thread, as the
          // gateway's gRPC callbacks do.
          writer_ = std::thread([this, responder] {
            finish_.WaitForNotificationWithTimeout(absl::Seconds(30));
            responder->StreamWrite("event: end\ndata: {}\n\n");
            responder->EndStream();
          });
          (void)request;
        },
        &stats_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  void TearDown() override {
    if (!finish_.HasBeenNotified()) finish_.Notify();
    if (writer_.joinable()) writer_.join();
    server_.reset();
    ASSERT_EQ(system(absl::StrCat("rm -rf '", dir_, "'").c_str()), 0);
  }

  // A TLS connection to the server that has sent "GET /events".
  struct Client {
    net::io_context ioc;
    ssl::context ctx{ssl::context::tls_client};
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> stream;
    std::string received;

    // Reads until `received` holds `count` copies of `needle`. False on a
    // read error or after 20 s (a test failure, not a timing assertion).
    bool ReadUntil(const std::string& needle, int count) {
      // tcp_stream's timeout applies to asynchronous operations only.
      stream->next_layer().expires_after(std::chrono::seconds(20));
      char buffer[4096];
      while (Count(received, needle) < count) {
        beast::error_code error;
        size_t n = 0;
        stream->async_read_some(net::buffer(buffer),
                                [&](beast::error_code ec, size_t read) {
                                  error = ec;
                                  n = read;
                                });
        ioc.restart();
        ioc.run();
        if (error) return false;
        received.append(buffer, n);
      }
      return true;
    }
  };

  std::unique_ptr<Client> Connect() {
    auto client = std::make_unique<Client>();
    beast::error_code ec;
    client->ctx.load_verify_file(dir_ + "/ca.pem", ec);
    EXPECT_FALSE(ec) << ec.message();
    client->ctx.set_verify_mode(ssl::verify_peer);
    client->stream = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(
        client->ioc, client->ctx);
    client->stream->set_verify_callback(
        ssl::host_name_verification("127.0.0.1"));
    client->stream->next_layer().expires_after(std::chrono::seconds(20));
    client->stream->next_layer().connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"),
                               static_cast<unsigned short>(server_->port())));
    client->stream->handshake(ssl::stream_base::client, ec);
    EXPECT_FALSE(ec) << ec.message();
    const std::string request =
        "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    net::write(*client->stream, net::buffer(request), ec);
    EXPECT_FALSE(ec) << ec.message();
    return client;
  }

  std::string dir_;
  GatewayStats stats_;
  std::unique_ptr<HttpServer> server_;
  std::thread writer_;
  absl::Notification finish_;
  absl::Notification closed_;
};

TEST_F(HttpServerTest, AnIdleStreamIsKeptAliveAndThenCarriesOn) {
  std::unique_ptr<Client> client = Connect();
  // Nothing is written by the handler yet: only pings keep coming.
  ASSERT_TRUE(client->ReadUntil(kPing, 3)) << client->received;
  EXPECT_THAT(client->received, HasSubstr("HTTP/1.1 200"));
  EXPECT_THAT(client->received, HasSubstr("text/event-stream"));
  EXPECT_THAT(client->received, HasSubstr("Transfer-Encoding: chunked"));
  EXPECT_THAT(client->received, ::testing::Not(HasSubstr("event: end")));
  finish_.Notify();
  // The handler's data follows the pings, then the last chunk.
  ASSERT_TRUE(client->ReadUntil("\r\n0\r\n\r\n", 1)) << client->received;
  EXPECT_THAT(client->received, HasSubstr("event: end\ndata: {}\n\n"));
  EXPECT_FALSE(closed_.HasBeenNotified());
}

TEST_F(HttpServerTest, AClientThatGoesAwayMidStreamFiresOnClose) {
  std::unique_ptr<Client> client = Connect();
  ASSERT_TRUE(client->ReadUntil(kPing, 1)) << client->received;
  beast::error_code ignored;
  client->stream->next_layer().socket().shutdown(
      net::ip::tcp::socket::shutdown_both, ignored);
  client->stream->next_layer().close();
  // The next ping fails to write (or the read sees the close) and the
  // session runs the handler's close callback.
  EXPECT_TRUE(closed_.WaitForNotificationWithTimeout(absl::Seconds(20)));
}

}  // namespace
}  // namespace datarun::gateway
