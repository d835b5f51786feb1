#include "tests/integration/stack_fixture.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "datarun/v1/audit_service.grpc.pb.h"
#include "datarun/v1/case.grpc.pb.h"
#include "exchange/security/names.h"
#include "exchange/security/tls_credentials.h"

namespace datarun::testing {

void StackFixture::SetUp() {
  std::string tmpl = "/tmp/datarun_it_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  state_dir_ = tmpl;
  local::LocalStack::Options options;
  options.state_dir = state_dir_;
  options.bin_dir = DATARUN_BIN_DIR;
  options.catalog_file = DATARUN_SOURCE_DIR "/deploy/local/catalog.textproto";
  options.policy_file = DATARUN_SOURCE_DIR "/deploy/local/policy.textproto";
  options.case_types_file =
      DATARUN_SOURCE_DIR "/deploy/local/case_types.textproto";
  options.households = 300;
  Customize(options);
  auto stack = local::LocalStack::Start(options);
  ASSERT_TRUE(stack.ok()) << stack.status();
  stack_ = std::move(*stack);

  auto subjects = ReadFile(state_dir_ + "/data/demo_subjects.txt");
  ASSERT_TRUE(subjects.ok()) << subjects.status();
  for (absl::string_view line : absl::StrSplit(*subjects, '\n')) {
    std::vector<std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    if (kv.size() == 2 && !kv[0].empty() && kv[0][0] != '#') {
      subjects_[kv[0]] = std::string(absl::StripAsciiWhitespace(kv[1]));
    }
  }
}

void StackFixture::TearDown() {
  stack_.reset();
  if (!state_dir_.empty() && !HasFailure()) {
    std::error_code ignored;
    std::filesystem::remove_all(state_dir_, ignored);
  }
}

std::unique_ptr<v1::Exchange::Stub> StackFixture::StubAs(
    const std::string& department) {
  return v1::Exchange::NewStub(ChannelAs(department));
}

std::shared_ptr<grpc::Channel> StackFixture::ChannelAs(
    const std::string& department) {
  v1::TlsFiles files;
  files.set_ca_cert(stack_->pki_dir() + "/ca.pem");
  files.set_cert(stack_->pki_dir() + "/dept-" + department + ".pem");
  files.set_key(stack_->pki_dir() + "/dept-" + department + ".key");
  return ChannelWith(files);
}

std::shared_ptr<grpc::Channel> StackFixture::ChannelWith(
    const v1::TlsFiles& files, security::CredentialChecks checks) {
  auto credentials = security::MakeChannelCredentials(files, checks);
  EXPECT_TRUE(credentials.ok()) << credentials.status();
  if (!credentials.ok()) return nullptr;
  grpc::ChannelArguments args = security::ChannelArgsForServerName(
      security::ExchangeServerName(stack_->options().trust_domain));
  return grpc::CreateCustomChannel(stack_->exchange_address(), *credentials,
                                   args);
}

std::unique_ptr<v1::Exchange::Stub> StackFixture::StubWith(
    const v1::TlsFiles& files, security::CredentialChecks checks) {
  std::shared_ptr<grpc::Channel> channel = ChannelWith(files, checks);
  if (channel == nullptr) return nullptr;
  return v1::Exchange::NewStub(channel);
}

grpc::Status StackFixture::Query(v1::Exchange::Stub& stub,
                                 const std::string& dataset,
                                 const std::string& subject,
                                 const std::string& purpose,
                                 const std::vector<std::string>& fields,
                                 v1::QueryResponse* response, int deadline_ms) {
  v1::QueryRequest request;
  request.set_dataset(dataset);
  request.set_subject(subject);
  for (const std::string& field : fields) request.add_fields(field);
  request.mutable_context()->set_purpose(purpose);
  request.mutable_context()->set_on_behalf_of("IT-0001");
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(deadline_ms));
  return stub.Query(&context, request, response);
}

std::string StackFixture::Subject(const std::string& key) {
  auto it = subjects_.find(key);
  EXPECT_NE(it, subjects_.end()) << "demo_subjects.txt has no " << key;
  return it == subjects_.end() ? "" : it->second;
}

std::vector<v1::AuditEntry> StackFixture::AccessesTo(
    const std::string& subject) {
  auto audit = v1::Audit::NewStub(ChannelAs("audit"));
  std::vector<v1::AuditEntry> out;
  v1::ListSubjectAccessesRequest request;
  request.set_subject(subject);
  request.set_page_size(200);
  do {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::ListSubjectAccessesResponse page;
    grpc::Status status = audit->ListSubjectAccesses(&context, request, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (!status.ok()) break;
    for (const v1::ProvedEntry& entry : page.entries()) {
      out.push_back(entry.entry());
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return out;
}

v1::CaseRecord StackFixture::WaitCaseSettled(const std::string& case_id,
                                             absl::Duration timeout) {
  auto cases = v1::Case::NewStub(ChannelAs("servicehall"));
  auto settled = [](const v1::CaseRecord& record) {
    if (record.state() == v1::CASE_STATE_RUNNING ||
        record.state() == v1::CASE_STATE_WAITING) {
      return false;
    }
    for (const v1::StepRecord& step : record.steps()) {
      if (step.state() == v1::STEP_STATE_RUNNING) return false;
    }
    return true;
  };
  const absl::Time until = absl::Now() + timeout;
  v1::CaseRecord record;
  while (absl::Now() < until) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::GetCaseRequest get;
    get.set_case_id(case_id);
    if (cases->Get(&context, get, &record).ok() && settled(record)) {
      return record;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  ADD_FAILURE() << "case " << case_id
                << " did not settle: " << record.DebugString();
  return record;
}

const v1::StepRecord* StackFixture::StepOf(const v1::CaseRecord& record,
                                           const std::string& id) {
  for (const v1::StepRecord& step : record.steps()) {
    if (step.step() == id) return &step;
  }
  return nullptr;
}

std::vector<std::string> FilesContaining(const std::string& dir,
                                         const std::string& needle) {
  std::vector<std::string> found;
  std::error_code error;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(dir, error)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    if (bytes.find(needle) != std::string::npos) {
      found.push_back(entry.path().string());
    }
  }
  return found;
}

}  // namespace datarun::testing
