// The Audit service over real mutual TLS on 127.0.0.1, in process, on a real
// AuditLog in a temporary directory: authorization by department, argument
// errors, and proofs that verify.
#include "exchange/server/audit_service.h"

#include <grpcpp/grpcpp.h>
#include <stdlib.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/digest.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/checkpoint/note_verifier.h"
#include "exchange/identity/subject_id.h"
#include "exchange/merkle/verify.h"
#include "exchange/security/authenticator.h"
#include "exchange/security/dev_pki.h"
#include "exchange/security/tls_credentials.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kTd[] = "datarun.local";
constexpr char kAlice[] = "11010519491231002X";
constexpr char kBob[] = "440524188001010014";
constexpr int kEntries = 30;
const std::vector<std::string> kDepartments = {"land", "tax", "housing",
                                               "servicehall", "audit"};

std::vector<merkle::Hash> Hashes(
    const google::protobuf::RepeatedPtrField<std::string>& bytes) {
  std::vector<merkle::Hash> hashes;
  for (const std::string& b : bytes)
    hashes.push_back(*merkle::HashFromBytes(b));
  return hashes;
}

class AuditServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/audit_service_test.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(identity::ValidateSubject(kAlice).ok());
    ASSERT_TRUE(identity::ValidateSubject(kBob).ok());
    ASSERT_TRUE(security::dev_pki::Init(dir_ + "/pki", kTd, kDepartments).ok());

    audit::AuditLog::Options log_options;
    log_options.path = dir_ + "/log";
    log_options.signing_key_file = dir_ + "/checkpoint.key";
    log_options.sync = false;
    auto log = audit::AuditLog::Open(log_options);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    hasher_ = audit::SubjectHasher::FromKey("test key");
    // Entry i: consumer housing for even i, tax for odd; subject Alice for
    // i % 3 == 0, else Bob; time 1000 + i seconds.
    for (int i = 0; i < kEntries; ++i) {
      v1::AuditEntry entry;
      entry.set_time_micros((1000 + i) * 1000000LL);
      entry.set_consumer(i % 2 == 0 ? "housing" : "tax");
      entry.set_dataset(i % 2 == 0 ? "land.property_title" : "housing.sale");
      entry.set_owner(i % 2 == 0 ? "land" : "housing");
      entry.set_subject_hash(hasher_->Hash(i % 3 == 0 ? kAlice : kBob));
      entry.set_purpose("property_transfer");
      entry.set_request_id(absl::StrCat("req-", i));
      entry.set_decision(v1::AUDIT_DECISION_ALLOW);
      entry.set_status_code("OK");
      ASSERT_TRUE(log_->AppendAndWait(entry).ok());
    }

    security::Authenticator::Options auth_options;
    auth_options.trust_domain = kTd;
    auth_options.ca_cert_path = dir_ + "/pki/ca.pem";
    auth_options.known_departments = kDepartments;
    auto auth = security::Authenticator::Create(auth_options);
    ASSERT_TRUE(auth.ok()) << auth.status();
    authenticator_ = *std::move(auth);

    AuditService::Options options;
    options.log = log_.get();
    options.subject_hasher = hasher_.get();
    options.authenticator = authenticator_.get();
    options.access.audit_readers = {"audit"};
    options.known_departments = kDepartments;
    auto service = AuditService::Create(options);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);

    auto creds = security::MakeServerCredentials(
        security::dev_pki::ExchangeTlsFiles(dir_ + "/pki"));
    ASSERT_TRUE(creds.ok()) << creds.status();
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", *creds, &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }

  void TearDown() override {
    if (server_ != nullptr) {
      server_->Shutdown();
      server_->Wait();
    }
    service_.reset();
    log_.reset();
    ASSERT_EQ(system(absl::StrCat("rm -rf '", dir_, "'").c_str()), 0);
  }

  std::unique_ptr<v1::Audit::Stub> As(const std::string& department) {
    auto creds = security::MakeChannelCredentials(
        security::dev_pki::DepartmentTlsFiles(dir_ + "/pki", department));
    EXPECT_TRUE(creds.ok()) << creds.status();
    return v1::Audit::NewStub(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", port_), *creds,
        security::ChannelArgsForServerName(security::ExchangeServerName(kTd))));
  }

  // Calls `method` of `stub` with a deadline.
  template <typename Request, typename Response, typename Method>
  grpc::Status Call(v1::Audit::Stub& stub, Method method,
                    const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    return (stub.*method)(&context, request, response);
  }

  // The checkpoint of `signed_checkpoint` after checking its signature.
  checkpoint::Checkpoint Open(const v1::SignedCheckpoint& signed_checkpoint) {
    auto verifier =
        checkpoint::NoteVerifier::FromVerifierKey(log_->VerifierKey());
    EXPECT_TRUE(verifier.ok());
    auto body = verifier->Open(signed_checkpoint.note());
    EXPECT_TRUE(body.ok()) << body.status();
    auto parsed = checkpoint::ParseBody(*body);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->size, signed_checkpoint.tree_size());
    EXPECT_EQ(merkle::HashBytes(parsed->root), signed_checkpoint.root_hash());
    return *parsed;
  }

  // Checks the entry against its leaf hash and its proof against `root`.
  void ExpectProven(const v1::ProvedEntry& proved,
                    const checkpoint::Checkpoint& checkpoint) {
    merkle::Hash leaf =
        merkle::HashLeaf(audit::SerializeDeterministically(proved.entry()));
    EXPECT_EQ(merkle::HashBytes(leaf), proved.leaf_hash());
    EXPECT_TRUE(merkle::VerifyInclusion(checkpoint.size, proved.index(), leaf,
                                        Hashes(proved.inclusion_proof()),
                                        checkpoint.root)
                    .ok())
        << "entry " << proved.index();
  }

  // Every entry SearchEntries returns to `department` for `request`,
  // following page tokens, each checked against its page's checkpoint.
  std::vector<v1::ProvedEntry> SearchAll(const std::string& department,
                                         v1::SearchEntriesRequest request) {
    auto stub = As(department);
    std::vector<v1::ProvedEntry> all;
    for (int pages = 0; pages < 100; ++pages) {
      v1::SearchEntriesResponse page;
      grpc::Status status =
          Call(*stub, &v1::Audit::Stub::SearchEntries, request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      checkpoint::Checkpoint checkpoint = Open(page.checkpoint());
      for (const v1::ProvedEntry& entry : page.entries()) {
        ExpectProven(entry, checkpoint);
        all.push_back(entry);
      }
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return all;
  }

  std::string dir_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<audit::SubjectHasher> hasher_;
  std::unique_ptr<security::Authenticator> authenticator_;
  std::unique_ptr<AuditService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

TEST_F(AuditServiceTest, AnyMemberGetsTheLatestSignedCheckpoint) {
  v1::GetCheckpointResponse response;
  grpc::Status status = Call(*As("land"), &v1::Audit::Stub::GetCheckpoint,
                             v1::GetCheckpointRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.verifier_key(), log_->VerifierKey());
  EXPECT_EQ(Open(response.checkpoint()).size, uint64_t{kEntries});
}

TEST_F(AuditServiceTest, OnlyAuditReadersPublishOnDemand) {
  v1::GetCheckpointRequest publish;
  publish.set_publish(true);
  v1::GetCheckpointResponse response;
  grpc::Status status =
      Call(*As("land"), &v1::Audit::Stub::GetCheckpoint, publish, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("audit readers"));
}

TEST_F(AuditServiceTest, PublishedCheckpointsAreListedAndConsistent) {
  auto land = As("land");
  auto auditor = As("audit");
  v1::GetCheckpointRequest publish;
  publish.set_publish(true);
  v1::GetCheckpointResponse first;
  ASSERT_TRUE(
      Call(*auditor, &v1::Audit::Stub::GetCheckpoint, publish, &first).ok());
  v1::AuditEntry more;
  more.set_consumer("tax");
  ASSERT_TRUE(log_->AppendAndWait(more).ok());
  v1::GetCheckpointResponse second;
  ASSERT_TRUE(
      Call(*auditor, &v1::Audit::Stub::GetCheckpoint, publish, &second).ok());

  v1::ListCheckpointsResponse history;
  ASSERT_TRUE(Call(*land, &v1::Audit::Stub::ListCheckpoints,
                   v1::ListCheckpointsRequest(), &history)
                  .ok());
  std::vector<uint64_t> sizes;
  for (const auto& c : history.checkpoints()) sizes.push_back(c.tree_size());
  EXPECT_THAT(sizes, ::testing::IsSupersetOf(
                         {uint64_t{kEntries}, uint64_t{kEntries + 1}}));

  v1::GetConsistencyProofRequest request;
  request.set_old_size(kEntries);
  v1::GetConsistencyProofResponse proof;
  ASSERT_TRUE(
      Call(*land, &v1::Audit::Stub::GetConsistencyProof, request, &proof).ok());
  EXPECT_EQ(proof.new_size(), uint64_t{kEntries + 1});
  checkpoint::Checkpoint older = Open(first.checkpoint());
  checkpoint::Checkpoint newer = Open(proof.new_checkpoint());
  EXPECT_TRUE(merkle::VerifyConsistency(older.size, newer.size, older.root,
                                        newer.root, Hashes(proof.proof()))
                  .ok());
}

TEST_F(AuditServiceTest, InclusionProofVerifiesAgainstTheCheckpoint) {
  v1::GetInclusionProofRequest request;
  request.set_entry_index(7);
  v1::GetInclusionProofResponse response;
  grpc::Status status =
      Call(*As("tax"), &v1::Audit::Stub::GetInclusionProof, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.tree_size(), uint64_t{kEntries});
  ASSERT_TRUE(response.has_checkpoint());
  checkpoint::Checkpoint checkpoint = Open(response.checkpoint());
  auto leaf = merkle::HashFromBytes(response.leaf_hash());
  ASSERT_TRUE(leaf.ok());
  EXPECT_EQ(*leaf, *log_->LeafHash(7));
  EXPECT_TRUE(merkle::VerifyInclusion(kEntries, 7, *leaf,
                                      Hashes(response.proof()), checkpoint.root)
                  .ok());
}

TEST_F(AuditServiceTest, ProofArgumentsOutOfRangeAreNamed) {
  auto tax = As("tax");
  v1::GetInclusionProofRequest inclusion;
  inclusion.set_entry_index(kEntries);
  v1::GetInclusionProofResponse ignored;
  grpc::Status status =
      Call(*tax, &v1::Audit::Stub::GetInclusionProof, inclusion, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("entry_index: 30"));

  inclusion.set_entry_index(1);
  inclusion.set_tree_size(kEntries + 5);
  status = Call(*tax, &v1::Audit::Stub::GetInclusionProof, inclusion, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("tree_size: 35"));

  v1::GetConsistencyProofRequest consistency;
  consistency.set_old_size(20);
  consistency.set_new_size(10);
  v1::GetConsistencyProofResponse ignored_too;
  status = Call(*tax, &v1::Audit::Stub::GetConsistencyProof, consistency,
                &ignored_too);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("old_size: 20"));
}

TEST_F(AuditServiceTest, OnlyAuditReadersListEntries) {
  v1::ListEntriesRequest request;
  request.set_begin(25);
  request.set_include_proofs(true);
  v1::ListEntriesResponse response;
  grpc::Status status =
      Call(*As("tax"), &v1::Audit::Stub::ListEntries, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("audit readers"));

  status =
      Call(*As("audit"), &v1::Audit::Stub::ListEntries, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.entries_size(), 5);
  EXPECT_EQ(response.next_begin(), uint64_t{kEntries});
  checkpoint::Checkpoint checkpoint = Open(response.checkpoint());
  for (const v1::ProvedEntry& entry : response.entries()) {
    ExpectProven(entry, checkpoint);
  }
  EXPECT_EQ(response.entries(0).entry().request_id(), "req-25");

  request.set_limit(1001);
  status =
      Call(*As("audit"), &v1::Audit::Stub::ListEntries, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("limit"));
}

TEST_F(AuditServiceTest, ADepartmentSearchesOnlyItsOwnAccesses) {
  std::vector<v1::ProvedEntry> own = SearchAll("housing", {});
  EXPECT_EQ(own.size(), size_t{kEntries / 2});
  for (const v1::ProvedEntry& entry : own) {
    EXPECT_EQ(entry.entry().consumer(), "housing");
  }
  v1::SearchEntriesRequest others;
  others.set_consumer("tax");
  v1::SearchEntriesResponse response;
  grpc::Status status =
      Call(*As("housing"), &v1::Audit::Stub::SearchEntries, others, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("only its own accesses"));
  EXPECT_EQ(response.entries_size(), 0);
}

TEST_F(AuditServiceTest, AuditorsSearchEveryoneWithPagingAndTimeWindow) {
  v1::SearchEntriesRequest request;
  request.set_page_size(4);
  std::vector<v1::ProvedEntry> all = SearchAll("audit", request);
  ASSERT_EQ(all.size(), size_t{kEntries});
  for (int i = 0; i < kEntries; ++i) EXPECT_EQ(all[i].index(), uint64_t(i));

  request.set_consumer("tax");
  request.set_from_micros(1010 * 1000000LL);
  request.set_to_micros(1020 * 1000000LL);
  std::vector<v1::ProvedEntry> window = SearchAll("audit", request);
  std::vector<uint64_t> indexes;
  for (const auto& entry : window) indexes.push_back(entry.index());
  EXPECT_THAT(indexes, ::testing::ElementsAre(11, 13, 15, 17, 19));
}

TEST_F(AuditServiceTest, SearchArgumentErrorsAreNamed) {
  auto audit = As("audit");
  v1::SearchEntriesRequest request;
  v1::SearchEntriesResponse response;
  request.set_page_size(201);
  grpc::Status status =
      Call(*audit, &v1::Audit::Stub::SearchEntries, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_size: 201"));

  request.set_page_size(0);
  request.set_page_token("next please");
  status = Call(*audit, &v1::Audit::Stub::SearchEntries, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("page_token"));

  request.clear_page_token();
  request.set_from_micros(20);
  request.set_to_micros(10);
  status = Call(*audit, &v1::Audit::Stub::SearchEntries, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("from_micros"));
}

TEST_F(AuditServiceTest, SubjectAccessesForTheServiceHallAndAuditors) {
  v1::ListSubjectAccessesRequest request;
  request.set_subject(kAlice);
  v1::ListSubjectAccessesResponse response;
  grpc::Status status = Call(*As("tax"), &v1::Audit::Stub::ListSubjectAccesses,
                             request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("servicehall"));

  for (const char* department : {"servicehall", "audit"}) {
    // Lower-case check character: the same person.
    request.set_subject("11010519491231002x");
    status = Call(*As(department), &v1::Audit::Stub::ListSubjectAccesses,
                  request, &response);
    ASSERT_TRUE(status.ok()) << department << ": " << status.error_message();
    ASSERT_EQ(response.entries_size(), kEntries / 3) << department;
    checkpoint::Checkpoint checkpoint = Open(response.checkpoint());
    for (const v1::ProvedEntry& entry : response.entries()) {
      EXPECT_EQ(entry.index() % 3, 0u);
      EXPECT_EQ(entry.entry().subject_hash(), hasher_->Hash(kAlice));
      ExpectProven(entry, checkpoint);
    }
  }
}

TEST_F(AuditServiceTest, ALegacyNumberFindsTheUpgradedNumbersAccesses) {
  v1::ListSubjectAccessesRequest request;
  // Alice's number before 1999: no century, no check character.
  request.set_subject("110105491231002");
  v1::ListSubjectAccessesResponse response;
  grpc::Status status =
      Call(*As("servicehall"), &v1::Audit::Stub::ListSubjectAccesses, request,
           &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.entries_size(), kEntries / 3);
}

TEST_F(AuditServiceTest, AuditorsSearchBySubjectWithOtherFilters) {
  v1::SearchEntriesRequest request;
  request.set_subject(kAlice);
  request.set_consumer("tax");
  request.set_page_size(2);
  std::vector<uint64_t> indexes;
  for (const v1::ProvedEntry& entry : SearchAll("audit", request)) {
    EXPECT_EQ(entry.entry().subject_hash(), hasher_->Hash(kAlice));
    indexes.push_back(entry.index());
  }
  // Alice: i % 3 == 0; tax: odd i.
  EXPECT_THAT(indexes, ::testing::ElementsAre(3, 9, 15, 21, 27));

  request.set_consumer("");
  request.set_from_micros(1010 * 1000000LL);
  request.set_to_micros(1020 * 1000000LL);
  indexes.clear();
  for (const v1::ProvedEntry& entry : SearchAll("audit", request)) {
    indexes.push_back(entry.index());
  }
  EXPECT_THAT(indexes, ::testing::ElementsAre(12, 15, 18));

  // A department that is neither an audit reader nor the service hall may
  // not ask by subject, even among its own accesses.
  request.clear_from_micros();
  request.clear_to_micros();
  v1::SearchEntriesResponse response;
  grpc::Status status =
      Call(*As("tax"), &v1::Audit::Stub::SearchEntries, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(response.entries_size(), 0);

  std::string bad = kAlice;
  bad[17] = '1';
  request.set_subject(bad);
  status =
      Call(*As("audit"), &v1::Audit::Stub::SearchEntries, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("subject"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr(bad)));
}

TEST_F(AuditServiceTest, MalformedSubjectIsRefusedWithoutEchoingIt) {
  v1::ListSubjectAccessesRequest request;
  std::string bad = kAlice;
  bad[17] = '1';
  request.set_subject(bad);
  v1::ListSubjectAccessesResponse response;
  grpc::Status status =
      Call(*As("servicehall"), &v1::Audit::Stub::ListSubjectAccesses, request,
           &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("subject"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr(bad)));
}

TEST_F(AuditServiceTest, UnknownAuditReaderIsRefused) {
  AuditService::Options options;
  options.log = log_.get();
  options.subject_hasher = hasher_.get();
  options.authenticator = authenticator_.get();
  options.access.audit_readers = {"auditt"};
  options.known_departments = kDepartments;
  auto service = AuditService::Create(options);
  ASSERT_FALSE(service.ok());
  EXPECT_EQ(service.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(service.status().message(), HasSubstr("'auditt'"));
}

}  // namespace
}  // namespace datarun::server
