// GoogleTest fixture that runs the local stack (real exchange and adapter
// processes over mTLS on ephemeral loopback ports) in a fresh temporary
// state directory for each test, with a small synthetic data set.
#ifndef DATARUN_TESTS_INTEGRATION_STACK_FIXTURE_H_
#define DATARUN_TESTS_INTEGRATION_STACK_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "datarun/v1/audit.pb.h"
#include "datarun/v1/case.pb.h"
#include "datarun/v1/config.pb.h"
#include "datarun/v1/exchange.grpc.pb.h"
#include "exchange/security/tls_credentials.h"
#include "gtest/gtest.h"
#include "tools/local_stack/local_stack.h"

namespace datarun::testing {

class StackFixture : public ::testing::Test {
 protected:
  // Adjusts the stack's options before it starts (override in a subclass).
  virtual void Customize(local::LocalStack::Options& options) { (void)options; }

  void SetUp() override;
  void TearDown() override;

  local::LocalStack& stack() { return *stack_; }
  const std::string& state_dir() const { return state_dir_; }

  // A channel to the exchange (any of its services) as `department` (its
  // dev certificate), or with explicit TLS files.
  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& department);
  std::shared_ptr<grpc::Channel> ChannelWith(
      const v1::TlsFiles& files,
      security::CredentialChecks checks = security::CredentialChecks::kStrict);

  // A stub calling the exchange as `department` (its dev certificate).
  std::unique_ptr<v1::Exchange::Stub> StubAs(const std::string& department);
  // A stub calling the exchange with explicit TLS files.
  // `checks` = kParseOnly lets a test present a deliberately bad identity.
  std::unique_ptr<v1::Exchange::Stub> StubWith(
      const v1::TlsFiles& files,
      security::CredentialChecks checks = security::CredentialChecks::kStrict);

  // One Query call with a deadline.
  grpc::Status Query(v1::Exchange::Stub& stub, const std::string& dataset,
                     const std::string& subject, const std::string& purpose,
                     const std::vector<std::string>& fields,
                     v1::QueryResponse* response, int deadline_ms = 5000);

  // A value from data/demo_subjects.txt (e.g. "seller_id"); fails the test
  // when missing.
  std::string Subject(const std::string& key);

  // Polls Case.Get (as the service hall) until case `case_id` has finished
  // and none of its steps is still running, then returns its record. A
  // review that was in flight when another step ended the case still answers
  // and its answer is recorded, so waiting for that makes the record
  // deterministic. After `timeout` the test fails and the last record read
  // is returned.
  v1::CaseRecord WaitCaseSettled(const std::string& case_id,
                                 absl::Duration timeout = absl::Seconds(60));

  // Step `id` of `record`, or null when the record has no such step.
  static const v1::StepRecord* StepOf(const v1::CaseRecord& record,
                                      const std::string& id);

  // Every audit entry about `subject` ("who read my data"), in log order,
  // as the audit office reads them (Audit.ListSubjectAccesses, every page).
  // Fails the test on an error.
  std::vector<v1::AuditEntry> AccessesTo(const std::string& subject);

  // Stops the stack (to inspect its files).
  void StopStack() { stack_->Stop(); }

 private:
  std::string state_dir_;
  std::unique_ptr<local::LocalStack> stack_;
  std::map<std::string, std::string> subjects_;
};

// Every file below `dir` (recursively) whose bytes contain `needle`.
std::vector<std::string> FilesContaining(const std::string& dir,
                                         const std::string& needle);

}  // namespace datarun::testing

#endif  // DATARUN_TESTS_INTEGRATION_STACK_FIXTURE_H_
