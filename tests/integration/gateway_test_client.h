// A small blocking HTTPS client (Boost.Beast) for the gateway's integration
// tests: one TLS connection per request, verifying the gateway's
// certificate against the dev CA and the name 127.0.0.1, with a cookie jar
// for dr_session and the CSRF token of the last sign-in.
#ifndef DATARUN_TESTS_INTEGRATION_GATEWAY_TEST_CLIENT_H_
#define DATARUN_TESTS_INTEGRATION_GATEWAY_TEST_CLIENT_H_

#include <map>
#include <string>
#include <vector>

namespace datarun::testing {

struct HttpResult {
  // 0 when no answer could be read (error says why).
  int status = 0;
  // Lowercase names.
  std::multimap<std::string, std::string> headers;
  std::string body;
  std::string error;

  std::string Header(const std::string& lowercase_name) const;
};

class GatewayTestClient {
 public:
  GatewayTestClient(int port, std::string ca_file);

  // Sends one request with the session cookie (when any) and, when
  // `with_csrf`, the CSRF header. Reads the whole answer, including a
  // chunked stream up to its end (server-sent events until the case ends),
  // within `timeout_seconds`.
  HttpResult Request(const std::string& method, const std::string& target,
                     const std::string& body = "", bool with_csrf = true,
                     const std::vector<std::pair<std::string, std::string>>&
                         extra_headers = {},
                     int timeout_seconds = 30);

  HttpResult Get(const std::string& target) { return Request("GET", target); }
  HttpResult Post(const std::string& target, const std::string& body) {
    return Request("POST", target, body);
  }

  // POST /api/v1/session; keeps the cookie and CSRF token on success.
  HttpResult SignIn(const std::string& username, const std::string& password);

  // Keeps the cookie and CSRF token of a sign-in answer.
  void Remember(const HttpResult& sign_in);

  const std::string& csrf() const { return csrf_; }
  const std::string& cookie() const { return cookie_; }
  void set_csrf(std::string csrf) { csrf_ = std::move(csrf); }

 private:
  int port_;
  std::string ca_file_;
  std::string cookie_;
  std::string csrf_;
};

}  // namespace datarun::testing

#endif  // DATARUN_TESTS_INTEGRATION_GATEWAY_TEST_CLIENT_H_
