#include "adapters/sdk/adapter_config.h"

#include <stdlib.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/file_util.h"
#include "gtest/gtest.h"

namespace datarun {
namespace adapter {
namespace {

class AdapterConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/adapter_config_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/land.textproto";
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& text) {
    ASSERT_TRUE(WriteFileAtomically(path_, text).ok());
  }

  std::string dir_;
  std::string path_;
};

constexpr char kValid[] =
    "department: \"land\"\n"
    "listen_address: \"127.0.0.1:0\"\n"
    "trust_domain: \"datarun.local\"\n"
    "tls {\n"
    "  ca_cert: \"pki/ca.pem\"\n"
    "  cert: \"pki/dept-land.pem\"\n"
    "  key: \"/etc/datarun/dept-land.key\"\n"
    "}\n"
    "store_path: \"data/land.db\"\n"
    "delay_ms: 20\n";

TEST_F(AdapterConfigTest, ResolvesRelativePathsAgainstTheFile) {
  Write(kValid);
  absl::StatusOr<v1::AdapterConfig> config = LoadAdapterConfig(path_, "land");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls().ca_cert(), dir_ + "/pki/ca.pem");
  EXPECT_EQ(config->tls().cert(), dir_ + "/pki/dept-land.pem");
  EXPECT_EQ(config->tls().key(), "/etc/datarun/dept-land.key");
  EXPECT_EQ(config->tls().crl(), "");  // Optional and absent.
  EXPECT_EQ(config->store_path(), dir_ + "/data/land.db");
  EXPECT_EQ(config->delay_ms(), 20);
}

TEST_F(AdapterConfigTest, OverridesReplaceTheFileValues) {
  Write(kValid);
  ConfigOverrides overrides;
  overrides.listen_address = "127.0.0.1:7101";
  overrides.store_path = "other/land.db";
  overrides.delay_ms = 0;
  absl::StatusOr<v1::AdapterConfig> config =
      LoadAdapterConfig(path_, "land", overrides);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen_address(), "127.0.0.1:7101");
  // Command-line paths are the user's, not relative to the config file.
  EXPECT_EQ(config->store_path(), "other/land.db");
  EXPECT_EQ(config->delay_ms(), 0);
}

TEST_F(AdapterConfigTest, ListenOverrideFillsAMissingAddress) {
  Write(
      "department: \"land\"\n"
      "trust_domain: \"datarun.local\"\n"
      "tls { ca_cert: \"a\" cert: \"b\" key: \"c\" }\n");
  EXPECT_FALSE(LoadAdapterConfig(path_, "land").ok());
  ConfigOverrides overrides;
  overrides.listen_address = "127.0.0.1:0";
  EXPECT_TRUE(LoadAdapterConfig(path_, "land", overrides).ok());
}

TEST_F(AdapterConfigTest, WrongDepartmentNamesFileLineAndBothDepartments) {
  Write(absl::StrCat("# land adapter\n", kValid));
  absl::StatusOr<v1::AdapterConfig> config = LoadAdapterConfig(path_, "tax");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(config.status().message(),
            absl::StrCat(path_,
                         ":2: department: is 'land' but this is the 'tax' "
                         "adapter"));
}

TEST_F(AdapterConfigTest, MissingFieldsAreNamed) {
  Write(
      "department: \"land\"\n"
      "listen_address: \"127.0.0.1:0\"\n"
      "trust_domain: \"datarun.local\"\n"
      "tls {\n"
      "  ca_cert: \"ca.pem\"\n"
      "  cert: \"land.pem\"\n"
      "}\n");
  absl::StatusOr<v1::AdapterConfig> config = LoadAdapterConfig(path_, "land");
  ASSERT_FALSE(config.ok());
  // Points at the tls block that lacks the key.
  EXPECT_NE(config.status().message().find(path_ + ":4: tls.key: missing"),
            std::string::npos)
      << config.status();

  Write("listen_address: \"127.0.0.1:0\"\n");
  config = LoadAdapterConfig(path_, "land");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("department: missing"),
            std::string::npos)
      << config.status();

  Write("department: \"land\"\nlisten_address: \"127.0.0.1:0\"\n");
  config = LoadAdapterConfig(path_, "land");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("trust_domain: missing"),
            std::string::npos)
      << config.status();
}

TEST_F(AdapterConfigTest, NegativeDelayIsRejected) {
  std::string text = kValid;
  text.replace(text.find("delay_ms: 20"), 12, "delay_ms: -5");
  Write(text);
  absl::StatusOr<v1::AdapterConfig> config = LoadAdapterConfig(path_, "land");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find(":10: delay_ms: is -5"),
            std::string::npos)
      << config.status();
}

TEST_F(AdapterConfigTest, SyntaxErrorsAndMissingFiles) {
  Write("department: \"land\"\nlisten_adress: \"x\"\n");
  absl::StatusOr<v1::AdapterConfig> config = LoadAdapterConfig(path_, "land");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(config.status().message().find(path_ + ":2:"), std::string::npos)
      << config.status();

  config = LoadAdapterConfig(dir_ + "/absent.textproto", "land");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(config.status().message().find("absent.textproto"),
            std::string::npos);
}

}  // namespace
}  // namespace adapter
}  // namespace datarun
