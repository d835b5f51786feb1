#include "gateway/gateway_config.h"

#include "absl/strings/str_cat.h"
#include "gateway/access_log.h"
#include "gateway/password_hash.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string Hash() {
  ScryptParams params;
  params.log2_n = 10;
  return *HashPassword("pw", params);
}

std::string Valid(const std::string& accounts) {
  return absl::StrCat(
      "listen_address: \"127.0.0.1:0\"\n"
      "browser_tls { cert: \"web.pem\" key: \"web.key\" }\n"
      "exchange_address: \"127.0.0.1:7000\"\n"
      "trust_domain: \"datarun.local\"\n"
      "servicehall_tls { ca_cert: \"/pki/ca.pem\" cert: \"sh.pem\" key: "
      "\"sh.key\" }\n"
      "audit_tls { ca_cert: \"/pki/ca.pem\" cert: \"a.pem\" key: \"a.key\" }\n"
      "web_root: \"../web\"\n",
      accounts);
}

TEST(GatewayConfigTest, ResolvesPathsAndDefaultsLimits) {
  auto config = ParseGatewayConfig(
      "/etc/datarun/gateway.textproto",
      Valid(absl::StrCat("accounts { username: \"window1\" role: \"clerk\" "
                         "password_hash: \"",
                         Hash(), "\" }\n",
                         "limits { max_body_bytes: 2048 }\n")));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->browser_tls().cert(), "/etc/datarun/web.pem");
  EXPECT_EQ(config->servicehall_tls().ca_cert(), "/pki/ca.pem");
  EXPECT_EQ(config->audit_tls().key(), "/etc/datarun/a.key");
  EXPECT_EQ(config->web_root(), "/etc/datarun/../web");
  EXPECT_EQ(config->limits().max_body_bytes(), 2048);
  EXPECT_EQ(config->limits().max_header_bytes(), 16384);
  EXPECT_EQ(config->limits().request_timeout_ms(), 10000);
  EXPECT_EQ(config->limits().session_idle_seconds(), 1800);
  EXPECT_EQ(config->limits().max_streams(), 256);
}

TEST(GatewayConfigTest, ErrorsNameFileLineAndField) {
  auto missing =
      ParseGatewayConfig("/g.textproto", "listen_address: \"127.0.0.1:0\"\n");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("browser_tls.cert: required"));

  auto bad_role = ParseGatewayConfig(
      "/g.textproto",
      Valid(absl::StrCat("accounts {\n  username: \"x\"\n  role: \"root\"\n"
                         "  password_hash: \"",
                         Hash(), "\"\n}\n")));
  EXPECT_THAT(std::string(bad_role.status().message()),
              StartsWith("/g.textproto:10: accounts[0].role: unknown role"));

  auto plaintext = ParseGatewayConfig(
      "/g.textproto", Valid("accounts {\n  username: \"x\"\n  role: \"admin\"\n"
                            "  password_hash: \"hunter2\"\n}\n"));
  EXPECT_THAT(std::string(plaintext.status().message()),
              StartsWith("/g.textproto:11: accounts[0].password_hash:"));
  EXPECT_THAT(std::string(plaintext.status().message()),
              HasSubstr("hash-password"));
  EXPECT_THAT(std::string(plaintext.status().message()),
              ::testing::Not(HasSubstr("hunter2")));

  auto bad_name = ParseGatewayConfig(
      "/g.textproto",
      Valid(absl::StrCat("accounts { username: \"Window 1\" role: \"clerk\" "
                         "password_hash: \"",
                         Hash(), "\" }\n")));
  EXPECT_THAT(std::string(bad_name.status().message()),
              HasSubstr("accounts[0].username"));

  auto officer = ParseGatewayConfig(
      "/g.textproto",
      Valid(absl::StrCat("accounts { username: \"t\" role: \"officer\" "
                         "password_hash: \"",
                         Hash(), "\" }\n")));
  EXPECT_THAT(std::string(officer.status().message()),
              HasSubstr("accounts[0].department: required for an officer"));

  auto limit = ParseGatewayConfig("/g.textproto",
                                  Valid("limits {\n  max_body_bytes: 5\n}\n"));
  EXPECT_THAT(std::string(limit.status().message()),
              StartsWith("/g.textproto:9: limits.max_body_bytes: must be"));

  auto syntax = ParseGatewayConfig("/g.textproto", "listen_adress: \"x\"\n");
  EXPECT_THAT(std::string(syntax.status().message()),
              StartsWith("/g.textproto:1:"));
}

TEST(GatewayConfigTest, MissingFileIsNotFound) {
  EXPECT_EQ(LoadGatewayConfig("/nonexistent/gateway.textproto").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(AccessLogTest, RedactTargetMasksIdentityNumbersAndQueryValues) {
  EXPECT_EQ(
      RedactTarget("/api/v1/audit/entries?subject=110101199003071233&x=1"),
      "/api/v1/audit/entries?subject=*&x=*");
  EXPECT_EQ(RedactTarget("/ui/110101199003071233"), "/ui/1101**********1233");
  EXPECT_EQ(RedactTarget("/api/v1/cases/case-1"), "/api/v1/cases/case-1");
  EXPECT_EQ(RedactTarget("/api/v1/cases?page_size=1&party=110101199003071233"),
            "/api/v1/cases?page_size=*&party=*");
}

}  // namespace
}  // namespace datarun::gateway
