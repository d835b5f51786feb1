// End-to-end tests of the query path: the real exchange, the four reference
// adapters and the test clients are separate processes talking mutual TLS.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "exchange/audit/audit_log.h"
#include "exchange/security/dev_pki.h"
#include "exchange/security/dev_pki_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/stack_fixture.h"

namespace datarun::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kFiling[] = "property_transfer.contract_filing";
constexpr char kDeedTax[] = "property_transfer.deed_tax";

class ExchangeIntegrationTest : public StackFixture {};

TEST_F(ExchangeIntegrationTest,
       GrantedQueryReturnsOnlyGrantedFieldsAndAReceipt) {
  auto housing = StubAs("housing");
  v1::QueryResponse response;
  grpc::Status status =
      Query(*housing, "land.property_title", Subject("seller_id"), kFiling,
            {"certificate_no", "area", "owners"}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_GE(response.records_size(), 1);
  for (const v1::Record& record : response.records()) {
    EXPECT_TRUE(record.fields().contains("certificate_no"));
    EXPECT_TRUE(record.fields().contains("owners"));
    EXPECT_FALSE(record.fields().contains("mortgage_holder"));
    EXPECT_FALSE(record.fields().contains("location"));
  }
  EXPECT_EQ(response.dataset(), "land.property_title");
  EXPECT_FALSE(response.grant_id().empty());
  EXPECT_EQ(response.receipt().entry_digest().size(), 64u);
  EXPECT_GT(response.receipt().logged_at_micros(), 0);
}

TEST_F(ExchangeIntegrationTest, CatalogIsListedAndDescribed) {
  auto hall = StubAs("servicehall");
  grpc::ClientContext list_context;
  v1::ListDatasetsResponse list;
  ASSERT_TRUE(hall->ListDatasets(&list_context, {}, &list).ok());
  EXPECT_GE(list.datasets_size(), 8);
  grpc::ClientContext describe_context;
  v1::DescribeDatasetRequest request;
  request.set_dataset("land.parcel.typo");
  v1::DescribeDatasetResponse describe;
  grpc::Status status =
      hall->DescribeDataset(&describe_context, request, &describe);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("land.parcel.typo"));
}

TEST_F(ExchangeIntegrationTest, PurposeOutsideTheGrantIsDenied) {
  auto housing = StubAs("housing");
  v1::QueryResponse response;
  grpc::Status status = Query(*housing, "registry.marriage",
                              Subject("seller_id"), kDeedTax, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr(kDeedTax));
}

TEST_F(ExchangeIntegrationTest, UngrantedFieldIsDeniedNamingTheField) {
  auto housing = StubAs("housing");
  v1::QueryResponse response;
  grpc::Status status =
      Query(*housing, "land.property_title", Subject("seller_id"), kFiling,
            {"certificate_no", "mortgage_holder"}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("mortgage_holder"));
}

TEST_F(ExchangeIntegrationTest, FieldsOutsideAMaskingGrantComeBackMasked) {
  auto tax = StubAs("tax");
  v1::QueryResponse response;
  grpc::Status status = Query(*tax, "registry.household", Subject("buyer_id"),
                              kDeedTax, {"household_no", "members"}, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.masked_fields(), ::testing::Contains("members"));
  ASSERT_GE(response.records_size(), 1);
  // Each member's name keeps only the surname (MASKING_RULE_EACH_FIELD).
  const v1::Value& members = response.records(0).fields().at("members");
  ASSERT_EQ(members.kind_case(), v1::Value::kListValue);
  ASSERT_GE(members.list_value().records_size(), 1);
  const v1::Value& name = members.list_value().records(0).fields().at("name");
  EXPECT_EQ(name.kind_case(), v1::Value::kMaskedValue);
  EXPECT_THAT(name.masked_value(), HasSubstr("*"));
}

TEST_F(ExchangeIntegrationTest, UnknownDatasetAndFieldAreNamed) {
  auto housing = StubAs("housing");
  v1::QueryResponse response;
  grpc::Status status = Query(*housing, "land.property_titles",
                              Subject("seller_id"), kFiling, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("land.property_titles"));

  status = Query(*housing, "land.property_title", Subject("seller_id"), kFiling,
                 {"certificate_no", "colour"}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("colour"));
}

TEST_F(ExchangeIntegrationTest,
       InvalidIdentityNumbersSayWhyWithoutEchoingThem) {
  auto housing = StubAs("housing");
  const std::string seller = Subject("seller_id");
  std::string bad_check = seller;
  bad_check[17] = seller[17] == '0' ? '1' : '0';
  v1::QueryResponse response;
  grpc::Status status =
      Query(*housing, "land.property_title", bad_check, kFiling, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("check"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr(bad_check)));

  status = Query(*housing, "land.property_title", seller.substr(0, 17), kFiling,
                 {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("17"));

  std::string bad_date = seller;
  bad_date.replace(10, 2, "13");  // month 13
  status =
      Query(*housing, "land.property_title", bad_date, kFiling, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("birth date"));
}

TEST_F(ExchangeIntegrationTest, OversizedRequestIsRejected) {
  auto housing = StubAs("housing");
  v1::QueryResponse response;
  grpc::Status status =
      Query(*housing, "land.property_title", std::string(200 * 1024, '1'),
            kFiling, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
}

TEST_F(ExchangeIntegrationTest, RevokedCertificateIsRejectedWithoutRestart) {
  auto tax = StubAs("tax");
  v1::QueryResponse response;
  ASSERT_TRUE(Query(*tax, "housing.dwelling_count", Subject("buyer_id"),
                    kDeedTax, {}, &response)
                  .ok());
  ASSERT_TRUE(security::dev_pki::Revoke(stack().pki_dir(), "tax").ok());
  // The exchange re-reads a changed CRL at most once a second.
  absl::SleepFor(absl::Milliseconds(1500));
  grpc::Status status = Query(*tax, "housing.dwelling_count",
                              Subject("buyer_id"), kDeedTax, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("revoked"));
}

TEST_F(ExchangeIntegrationTest, ForeignExpiredAndNameless) {
  const std::string dir = stack().pki_dir();
  const std::string td = stack().options().trust_domain;
  v1::QueryResponse response;

  auto foreign = security::dev_pki::IssueForeign(dir, td, "tax", "foreign");
  ASSERT_TRUE(foreign.ok()) << foreign.status();
  grpc::Status status = Query(
      *StubWith(*foreign, security::CredentialChecks::kParseOnly),
      "housing.dwelling_count", Subject("buyer_id"), kDeedTax, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << "a certificate from another CA must fail the handshake";

  auto expired = security::dev_pki::IssueExpired(dir, td, "tax", "expired");
  ASSERT_TRUE(expired.ok()) << expired.status();
  status = Query(*StubWith(*expired, security::CredentialChecks::kParseOnly),
                 "housing.dwelling_count", Subject("buyer_id"), kDeedTax, {},
                 &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << "an expired certificate must fail the handshake";

  auto nameless =
      security::dev_pki::IssueWithoutSpiffe(dir, td, "tax", "nameless");
  ASSERT_TRUE(nameless.ok()) << nameless.status();
  status = Query(*StubWith(*nameless), "housing.dwelling_count",
                 Subject("buyer_id"), kDeedTax, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("SPIFFE"));
}

TEST_F(ExchangeIntegrationTest, UnknownDepartmentIsRejected) {
  ASSERT_TRUE(security::dev_pki::Issue(stack().pki_dir(),
                                       stack().options().trust_domain, "casino")
                  .ok());
  v1::QueryResponse response;
  grpc::Status status = Query(*StubAs("casino"), "housing.dwelling_count",
                              Subject("buyer_id"), kDeedTax, {}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("casino"));
}

TEST_F(ExchangeIntegrationTest, CallWithoutClientCertificateFails) {
  auto ca = datarun::ReadFile(stack().pki_dir() + "/ca.pem");
  ASSERT_TRUE(ca.ok());
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = *ca;
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("exchange." + stack().options().trust_domain);
  auto stub = v1::Exchange::NewStub(grpc::CreateCustomChannel(
      stack().exchange_address(), grpc::SslCredentials(ssl), args));
  v1::QueryResponse response;
  grpc::Status status = Query(*stub, "housing.dwelling_count",
                              Subject("buyer_id"), kDeedTax, {}, &response);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ExchangeIntegrationTest, DownAdapterIsUnavailableNamingItAndRecovers) {
  auto tax = StubAs("tax");
  ASSERT_TRUE(stack().StopAdapter("housing").ok());
  v1::QueryResponse response;
  const absl::Time started = absl::Now();
  grpc::Status status =
      Query(*tax, "housing.dwelling_count", Subject("buyer_id"), kDeedTax, {},
            &response, 4000);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("housing"));
  // Not a hang: answered well before the caller's deadline.
  EXPECT_LT(absl::Now() - started, absl::Seconds(3));

  ASSERT_TRUE(stack().StartAdapter("housing").ok());
  grpc::Status recovered;
  for (int i = 0; i < 50; ++i) {
    recovered = Query(*tax, "housing.dwelling_count", Subject("buyer_id"),
                      kDeedTax, {}, &response);
    if (recovered.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(recovered.ok()) << recovered.error_message();
}

TEST_F(ExchangeIntegrationTest, SlowAdapterGivesDeadlineExceededNamingIt) {
  ASSERT_TRUE(stack().StopAdapter("housing").ok());
  ASSERT_TRUE(stack().StartAdapter("housing", {"--delay_ms=5000"}).ok());
  auto tax = StubAs("tax");
  v1::QueryResponse response;
  const absl::Time started = absl::Now();
  grpc::Status status =
      Query(*tax, "housing.dwelling_count", Subject("buyer_id"), kDeedTax, {},
            &response, 1000);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(status.error_message(), HasSubstr("housing"));
  EXPECT_LT(absl::Now() - started, absl::Seconds(3));
}

TEST_F(ExchangeIntegrationTest,
       EveryDecisionIsAuditedAndNoRawIdentityIsStored) {
  auto housing = StubAs("housing");
  const std::string seller = Subject("seller_id");
  v1::QueryResponse allowed;
  ASSERT_TRUE(
      Query(*housing, "registry.marriage", seller, kFiling, {}, &allowed).ok());
  v1::QueryResponse denied;
  ASSERT_FALSE(
      Query(*housing, "registry.marriage", seller, kDeedTax, {}, &denied).ok());
  StopStack();

  audit::AuditLog::Options options;
  options.path = stack().audit_dir() + "/log";
  options.signing_key_file = stack().audit_dir() + "/audit-signing.key";
  options.origin = "datarun.local/audit";
  auto sink = audit::AuditLog::Open(options);
  ASSERT_TRUE(sink.ok()) << sink.status();
  ASSERT_EQ((*sink)->size(), 2u);
  auto entries = (*sink)->Read(0, 2);
  ASSERT_TRUE(entries.ok()) << entries.status();
  EXPECT_EQ((*entries)[0].decision(), v1::AUDIT_DECISION_ALLOW);
  EXPECT_EQ((*entries)[0].status_code(), "OK");
  EXPECT_EQ((*entries)[0].consumer(), "housing");
  EXPECT_EQ((*entries)[0].record_digest().size(), 64u);
  EXPECT_EQ(allowed.receipt().entry_index(), 0u);
  EXPECT_GE(allowed.receipt().tree_size(), 1u);
  EXPECT_THAT(allowed.receipt().checkpoint(),
              HasSubstr("\n\xE2\x80\x94 datarun.local/audit "));
  EXPECT_EQ((*entries)[1].decision(), v1::AUDIT_DECISION_DENY);
  EXPECT_EQ((*entries)[1].status_code(), "PERMISSION_DENIED");
  EXPECT_EQ((*entries)[0].subject_hash(), (*entries)[1].subject_hash());
  EXPECT_EQ((*entries)[0].subject_hash().size(), 64u);

  EXPECT_THAT(FilesContaining(stack().audit_dir(), seller),
              ::testing::IsEmpty());
  EXPECT_THAT(FilesContaining(state_dir() + "/logs", seller),
              ::testing::IsEmpty());
}

// The land adapter is replaced by one that answers with schema violations.
class GarbageAdapterTest : public StackFixture {
 protected:
  void Customize(local::LocalStack::Options& options) override {
    options.adapter_binaries["land"] =
        std::string(DATARUN_BIN_DIR) + "/datarun-test-garbage-adapter";
  }
};

TEST_F(GarbageAdapterTest, SchemaViolationsAreInternalErrorsNamingTheField) {
  auto housing = StubAs("housing");
  v1::QueryResponse response;
  grpc::Status status =
      Query(*housing, "land.property_title", Subject("seller_id"), kFiling,
            {"certificate_no", "area"}, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), HasSubstr("land"));
  EXPECT_THAT(status.error_message(), HasSubstr("area"));
  EXPECT_EQ(response.records_size(), 0);
}

}  // namespace
}  // namespace datarun::testing

namespace datarun::testing {
namespace {

// A broken policy file keeps the exchange process from starting, and its
// error names the file, the line and the field.
TEST(ExchangeStartupTest, MalformedPolicyFileIsRefusedWithFileAndLine) {
  std::string tmpl = "/tmp/datarun_it_bad_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const std::string policy = tmpl + "/policy.textproto";
  ASSERT_TRUE(WriteFileAtomically(policy,
                                  "purposes { code: \"p\" }\n"
                                  "grants {\n"
                                  "  id: \"g\"\n"
                                  "  consumer: \"tax\"\n"
                                  "  dataset: \"land.property_title\"\n"
                                  "  fields: \"no_such_field\"\n"
                                  "  purposes: \"p\"\n"
                                  "}\n")
                  .ok());
  local::LocalStack::Options options;
  options.state_dir = tmpl + "/state";
  options.bin_dir = DATARUN_BIN_DIR;
  options.catalog_file = DATARUN_SOURCE_DIR "/deploy/local/catalog.textproto";
  options.policy_file = policy;
  options.households = 50;
  auto stack = local::LocalStack::Start(options);
  ASSERT_FALSE(stack.ok());
  EXPECT_THAT(std::string(stack.status().message()),
              HasSubstr("policy.textproto:6"));
  EXPECT_THAT(std::string(stack.status().message()),
              HasSubstr("no_such_field"));
  std::error_code ignored;
  std::filesystem::remove_all(tmpl, ignored);
}

}  // namespace
}  // namespace datarun::testing
