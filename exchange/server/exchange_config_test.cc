#include "exchange/server/exchange_config.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "exchange/catalog/catalog.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::server {
namespace {

class ExchangeConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/datarun_exchange_config_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }

  absl::StatusOr<v1::ExchangeConfig> Load(const std::string& text) {
    std::string path = dir_ + "/exchange.textproto";
    EXPECT_TRUE(WriteFileAtomically(path, text).ok());
    return LoadExchangeConfig(path);
  }

  std::string dir_;
};

constexpr char kValid[] = R"pb(
  listen_address: "127.0.0.1:0"
  trust_domain: "datarun.local"
  tls {
    ca_cert: "pki/ca.pem"
    cert: "pki/exchange.pem"
    key: "pki/exchange.key"
    crl: "pki/crl.pem"
  }
  catalog_file: "catalog.textproto"
  policy_file: "/etc/datarun/policy.textproto"
  audit_dir: "audit"
  audit_key_file: "audit.key"
  adapters { department: "land" address: "127.0.0.1:7001" }
)pb";

TEST_F(ExchangeConfigTest, ResolvesRelativePathsAndFillsDefaults) {
  auto config = Load(kValid);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls().ca_cert(), dir_ + "/pki/ca.pem");
  EXPECT_EQ(config->catalog_file(), dir_ + "/catalog.textproto");
  EXPECT_EQ(config->policy_file(), "/etc/datarun/policy.textproto");
  EXPECT_EQ(config->limits().max_request_bytes(), 64 * 1024);
  EXPECT_EQ(config->limits().default_deadline_ms(), 5000);
}

TEST_F(ExchangeConfigTest,
       DepartmentsUnknownToTheCatalogAreNamedWithTheirLine) {
  auto catalog = catalog::Catalog::LoadFile("deploy/local/catalog.textproto");
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const std::string path = dir_ + "/exchange.textproto";
  auto config = Load(absl::StrCat(kValid, "audit_readers: \"audit\"\n"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(CheckConfigDepartments(path, *config, **catalog).ok());

  config = Load(absl::StrCat(kValid,
                             "adapters { department: \"police\" address: "
                             "\"127.0.0.1:7002\" }\n"));
  ASSERT_TRUE(config.ok()) << config.status();
  absl::Status status = CheckConfigDepartments(path, *config, **catalog);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  // The line of the second adapters entry (line 15 of the file).
  EXPECT_THAT(std::string(status.message()),
              ::testing::StartsWith(
                  absl::StrCat(path,
                               ":15: adapters[1].department: 'police' is not a "
                               "department of the catalog")));
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("known: "));

  config = Load(absl::StrCat(kValid, "audit_readers: \"audit\"\n",
                             "audit_readers: \"auditt\"\n"));
  ASSERT_TRUE(config.ok()) << config.status();
  status = CheckConfigDepartments(path, *config, **catalog);
  EXPECT_THAT(
      std::string(status.message()),
      ::testing::StartsWith(absl::StrCat(
          path, ":16: audit_readers[1]: 'auditt' is not a department")));
}

TEST_F(ExchangeConfigTest, MissingFieldNamesFileLineAndField) {
  std::string text = kValid;
  text.erase(text.find("catalog_file: \"catalog.textproto\""),
             sizeof("catalog_file: \"catalog.textproto\"") - 1);
  auto config = Load(text);
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find("exchange.textproto"),
            std::string::npos);
  EXPECT_NE(config.status().message().find("catalog_file: required"),
            std::string::npos)
      << config.status();
}

// The line number of text appended right after kValid.
std::string AppendedLine() {
  std::string text = kValid;
  return absl::StrCat(std::count(text.begin(), text.end(), '\n') + 1);
}

TEST_F(ExchangeConfigTest, DuplicateAdapterIsRejectedWithItsLine) {
  std::string text = std::string(kValid) +
                     "adapters { department: \"land\" address: \"x:1\" }\n";
  auto config = Load(text);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(
      config.status().message().find("exchange.textproto:" + AppendedLine()),
      std::string::npos)
      << config.status();
  EXPECT_NE(config.status().message().find("second adapter entry"),
            std::string::npos);
}

TEST_F(ExchangeConfigTest, UnknownFieldIsASyntaxErrorWithLine) {
  auto config = Load(std::string(kValid) + "audit_dirr: \"x\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find(
                "exchange.textproto:" + AppendedLine() + ":"),
            std::string::npos)
      << config.status();
  EXPECT_NE(config.status().message().find("audit_dirr"), std::string::npos);
}

TEST_F(ExchangeConfigTest, OutOfRangeLimitIsRejected) {
  auto config = Load(std::string(kValid) + "limits { max_fields: -1 }\n");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("limits.max_fields"),
            std::string::npos)
      << config.status();
}

}  // namespace
}  // namespace datarun::server
