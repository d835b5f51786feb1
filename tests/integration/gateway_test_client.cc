#include "tests/integration/gateway_test_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <regex>

namespace datarun::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;

std::string HttpResult::Header(const std::string& lowercase_name) const {
  auto it = headers.find(lowercase_name);
  return it == headers.end() ? "" : it->second;
}

GatewayTestClient::GatewayTestClient(int port, std::string ca_file)
    : port_(port), ca_file_(std::move(ca_file)) {}

HttpResult GatewayTestClient::Request(
    const std::string& method, const std::string& target,
    const std::string& body, bool with_csrf,
    const std::vector<std::pair<std::string, std::string>>& extra_headers,
    int timeout_seconds) {
  HttpResult result;
  net::io_context ioc;
  ssl::context ctx(ssl::context::tls_client);
  beast::error_code ec;
  ctx.load_verify_file(ca_file_, ec);
  if (ec) {
    result.error = "CA file: " + ec.message();
    return result;
  }
  ctx.set_verify_mode(ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  beast::get_lowest_layer(stream).expires_after(
      std::chrono::seconds(timeout_seconds));
  net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"),
                                  static_cast<unsigned short>(port_));
  beast::get_lowest_layer(stream).connect(endpoint, ec);
  if (ec) {
    result.error = "connect: " + ec.message();
    return result;
  }
  stream.handshake(ssl::stream_base::client, ec);
  if (ec) {
    result.error = "TLS handshake: " + ec.message();
    return result;
  }
  http::request<http::string_body> req(http::string_to_verb(method), target,
                                       11);
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(http::field::connection, "close");
  if (!cookie_.empty()) req.set(http::field::cookie, "dr_session=" + cookie_);
  if (with_csrf && !csrf_.empty()) req.set("X-Datarun-CSRF", csrf_);
  for (const auto& [name, value] : extra_headers) req.set(name, value);
  if (!body.empty() || method == "POST") {
    req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
  }
  beast::error_code write_ec;
  http::write(stream, req, write_ec);
  // Even when the gateway refused the request early (413) and the write
  // failed, its answer may be there to read.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(stream, buffer, parser, ec);
  if (ec && !parser.is_header_done()) {
    result.error = "read: " + ec.message() +
                   (write_ec ? " (write: " + write_ec.message() + ")" : "");
    return result;
  }
  http::response<http::string_body> res = parser.release();
  result.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(c));
    result.headers.emplace(name, std::string(field.value()));
  }
  result.body = std::move(res.body());
  if (ec) result.error = "read: " + ec.message();
  beast::error_code ignored;
  stream.shutdown(ignored);
  return result;
}

HttpResult GatewayTestClient::SignIn(const std::string& username,
                                     const std::string& password) {
  HttpResult result = Request(
      "POST", "/api/v1/session",
      "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
      false);
  if (result.status == 200) Remember(result);
  return result;
}

void GatewayTestClient::Remember(const HttpResult& sign_in) {
  std::smatch match;
  const std::string cookie = sign_in.Header("set-cookie");
  if (std::regex_search(cookie, match, std::regex("dr_session=([^;]*)"))) {
    cookie_ = match[1];
  }
  if (std::regex_search(sign_in.body, match,
                        std::regex("\"csrf_token\":\"([^\"]*)\""))) {
    csrf_ = match[1];
  }
}

}  // namespace datarun::testing
