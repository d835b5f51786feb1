// RunAdapterMain as a real process (datarun-adapter-example) over mutual
// TLS with the dev PKI: start, port file, serving the exchange, SIGTERM,
// and start-up failures with readable errors and exit code 1.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "datarun/v1/adapter.grpc.pb.h"
#include "exchange/security/dev_pki.h"
#include "exchange/security/tls_credentials.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

extern char** environ;

namespace datarun {
namespace adapter {
namespace {

constexpr char kConfig[] =
    "# The demo adapter.\n"
    "department: \"demo\"\n"
    "listen_address: \"127.0.0.1:0\"\n"
    "trust_domain: \"datarun.local\"\n"
    "tls {\n"
    "  ca_cert: \"pki/ca.pem\"\n"
    "  cert: \"pki/dept-demo.pem\"\n"
    "  key: \"pki/dept-demo.key\"\n"
    "  crl: \"pki/crl.pem\"\n"
    "}\n"
    "store_path: \"visitors.tsv\"\n";

class AdapterMainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/adapter_main_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(
        security::dev_pki::Init(dir_ + "/pki", "datarun.local", {"demo"}).ok());
    ASSERT_TRUE(
        WriteFileAtomically(dir_ + "/visitors.tsv",
                            "# ZJHM\tXM\tDJRQ\tCS\tBZ\n"
                            "11010519491231002X\t王芳\t20190402\t3\t\\N\n")
            .ok());
    WriteConfig(kConfig);
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::filesystem::remove_all(dir_);
  }

  void WriteConfig(const std::string& text) {
    ASSERT_TRUE(WriteFileAtomically(dir_ + "/demo.textproto", text).ok());
  }

  // Starts the example adapter with `flags`; stderr goes to dir_/stderr.
  void Spawn(std::vector<std::string> flags) {
    std::vector<std::string> args = {DATARUN_EXAMPLE_ADAPTER,
                                     "--config=" + dir_ + "/demo.textproto"};
    args.insert(args.end(), flags.begin(), flags.end());
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string err = dir_ + "/stderr";
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_EQ(
        posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ),
        0);
    posix_spawn_file_actions_destroy(&actions);
  }

  // Waits for the process to exit and returns its exit code (-1 when killed
  // by a signal).
  int Wait() {
    int status = 0;
    EXPECT_EQ(waitpid(pid_, &status, 0), pid_);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // Returns the port from the port file once written, or 0 if the process
  // exited first.
  int WaitForPort(const std::string& port_file) {
    for (;;) {
      absl::StatusOr<std::string> text = ReadFile(port_file);
      int port = 0;
      if (text.ok() &&
          absl::SimpleAtoi(absl::StripSuffix(*text, "\n"), &port)) {
        return port;
      }
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        ADD_FAILURE() << "adapter exited early: " << Stderr();
        return 0;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

  std::string Stderr() {
    absl::StatusOr<std::string> text = ReadFile(dir_ + "/stderr");
    return text.ok() ? *text : "";
  }

  std::unique_ptr<v1::Adapter::Stub> ExchangeStub(int port) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        security::MakeChannelCredentials(
            security::dev_pki::ExchangeTlsFiles(dir_ + "/pki"));
    EXPECT_TRUE(credentials.ok()) << credentials.status();
    if (!credentials.ok()) return nullptr;
    return v1::Adapter::NewStub(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", port), *credentials,
        security::ChannelArgsForServerName(
            security::DepartmentServerName("datarun.local", "demo"))));
  }

  std::string dir_;
  pid_t pid_ = -1;
};

TEST_F(AdapterMainTest, ServesTheExchangeAndStopsOnSigterm) {
  const std::string port_file = dir_ + "/port";
  Spawn({"--listen=127.0.0.1:0", "--port_file=" + port_file});
  const int port = WaitForPort(port_file);
  ASSERT_GT(port, 0);
  auto stub = ExchangeStub(port);
  ASSERT_NE(stub, nullptr);

  v1::FetchRequest request;
  request.set_dataset("demo.visitor");
  request.set_subject("11010519491231002X");
  request.set_consumer("tax");
  v1::FetchResponse response;
  {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    grpc::Status status = stub->Fetch(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  ASSERT_EQ(response.records_size(), 1);
  const auto& fields = response.records(0).fields();
  EXPECT_EQ(fields.at("name").string_value(), "王芳");
  EXPECT_EQ(fields.at("registered_on").date_value(), "2019-04-02");
  EXPECT_EQ(fields.at("visits").int_value(), 3);
  EXPECT_EQ(fields.at("remark").kind_case(), v1::Value::KIND_NOT_SET);

  request.set_subject("110105198001010018");
  {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    grpc::Status status = stub->Fetch(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  }

  // Close the connection first: gRPC's graceful shutdown waits (up to the
  // grace period) for clients to close theirs, and an idle synchronous client
  // only notices the server's GOAWAY when its backup poller runs.
  stub.reset();
  ASSERT_EQ(kill(pid_, SIGTERM), 0);
  EXPECT_EQ(Wait(), 0) << Stderr();
  const std::string log = Stderr();
  // One line per request, without the subject.
  EXPECT_NE(log.find("\"event\":\"fetch\""), std::string::npos) << log;
  EXPECT_NE(log.find("\"component\":\"adapter-demo\""), std::string::npos)
      << log;
  EXPECT_EQ(log.find("11010519491231002X"), std::string::npos) << log;
  EXPECT_EQ(log.find("110105198001010018"), std::string::npos) << log;
  EXPECT_NE(log.find("\"event\":\"stopped\""), std::string::npos) << log;
}

TEST_F(AdapterMainTest, WrongDepartmentInConfigExitsOneNamingFileAndLine) {
  std::string config = kConfig;
  config.replace(config.find("\"demo\""), 6, "\"land\"");
  WriteConfig(config);
  Spawn({});
  EXPECT_EQ(Wait(), 1);
  EXPECT_NE(Stderr().find(dir_ + "/demo.textproto:2: department: is 'land' "
                                 "but this is the 'demo' adapter"),
            std::string::npos)
      << Stderr();
}

TEST_F(AdapterMainTest, MissingCertificateExitsOneNamingTheFile) {
  std::filesystem::remove(dir_ + "/pki/dept-demo.key");
  Spawn({});
  EXPECT_EQ(Wait(), 1);
  EXPECT_NE(Stderr().find(dir_ + "/pki/dept-demo.key"), std::string::npos)
      << Stderr();
}

TEST_F(AdapterMainTest, MissingStoreExitsOneNamingTheFile) {
  Spawn({"--store=" + dir_ + "/nowhere.tsv"});
  EXPECT_EQ(Wait(), 1);
  EXPECT_NE(Stderr().find(dir_ + "/nowhere.tsv"), std::string::npos)
      << Stderr();
}

TEST_F(AdapterMainTest, BusyPortExitsOneNamingTheAddress) {
  const std::string port_file = dir_ + "/port";
  Spawn({"--port_file=" + port_file});
  const int port = WaitForPort(port_file);
  ASSERT_GT(port, 0);
  const pid_t first = pid_;
  const std::string address = absl::StrCat("127.0.0.1:", port);
  Spawn({"--listen=" + address});
  EXPECT_EQ(Wait(), 1);
  EXPECT_NE(Stderr().find(absl::StrCat("cannot listen on '", address, "'")),
            std::string::npos)
      << Stderr();
  pid_ = first;
  kill(pid_, SIGTERM);
  EXPECT_EQ(Wait(), 0);
}

TEST_F(AdapterMainTest, MissingConfigFlagExitsOne) {
  std::vector<std::string> args = {DATARUN_EXAMPLE_ADAPTER};
  std::vector<char*> argv = {args[0].data(), nullptr};
  ASSERT_EQ(posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ),
            0);
  EXPECT_EQ(Wait(), 1);
}

}  // namespace
}  // namespace adapter
}  // namespace datarun
