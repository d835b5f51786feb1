// The audit log end to end with real processes: the exchange, the four
// reference adapters and the clients talk mutual TLS on loopback. Queries
// are reported to the citizen with proofs that verify; departments see only
// their own accesses; and after `kill -9` of the exchange under concurrent
// load, every access whose response reached a client is in the log with a
// valid proof, the old checkpoints are consistent with the new one, the log
// verifies and appending continues.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/file_util.h"
#include "datarun/v1/audit_service.grpc.pb.h"
#include "exchange/audit/digest.h"
#include "exchange/audit/proof_check.h"
#include "exchange/audit/verifier.h"
#include "exchange/checkpoint/note_verifier.h"
#include "exchange/security/names.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/stack_fixture.h"
#include "tools/datarunctl/audit_command.h"

namespace datarun::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kFiling[] = "property_transfer.contract_filing";
constexpr char kDeedTax[] = "property_transfer.deed_tax";

// What a client got back from one successful query.
struct Acknowledged {
  std::string request_id;
  v1::AuditReceipt receipt;
};

class AuditIntegrationTest : public StackFixture {
 protected:
  std::unique_ptr<v1::Audit::Stub> AuditAs(const std::string& department) {
    return v1::Audit::NewStub(ChannelAs(department));
  }

  // One Audit call with a deadline.
  template <typename Request, typename Response, typename Method>
  grpc::Status Call(v1::Audit::Stub& stub, Method method,
                    const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(20));
    return (stub.*method)(&context, request, response);
  }

  // Runs `datarunctl audit <args>` in process against the stack as
  // `department`; returns the exit code, output in out_/err_.
  int Ctl(const std::string& department, std::vector<std::string> args,
          ctl::AuditFlags flags = {}) {
    ctl::CommandContext context;
    context.connection.exchange = stack().exchange_address();
    context.connection.state_dir = state_dir();
    context.connection.pki_dir = stack().pki_dir();
    context.connection.as_department = department;
    out_.str("");
    err_.str("");
    return ctl::RunAuditCommand(args, context, flags, out_, err_);
  }

  // The latest checkpoint and a verifier for the exchange's key.
  checkpoint::Checkpoint Latest(v1::Audit::Stub& stub,
                                v1::SignedCheckpoint* signed_checkpoint) {
    v1::GetCheckpointResponse response;
    grpc::Status status = Call(stub, &v1::Audit::Stub::GetCheckpoint,
                               v1::GetCheckpointRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (verifier_key_.empty()) verifier_key_ = response.verifier_key();
    EXPECT_EQ(response.verifier_key(), verifier_key_)
        << "the exchange's checkpoint key changed";
    auto checkpoint = audit::OpenCheckpoint(response.checkpoint(), Verifier());
    EXPECT_TRUE(checkpoint.ok()) << checkpoint.status();
    if (signed_checkpoint != nullptr)
      *signed_checkpoint = response.checkpoint();
    return checkpoint.ok() ? *checkpoint : checkpoint::Checkpoint();
  }

  // A query that waits (up to 3 s) for the exchange to be reachable. A
  // client that retries fail-fast calls in a loop keeps gRPC 1.51's channel
  // in TRANSIENT_FAILURE while it reconnects, so nothing polls the new TLS
  // handshake and it times out; waiting for ready is what a retrying
  // department system should do anyway.
  grpc::Status QueryWaitingForReady(v1::Exchange::Stub& stub,
                                    const std::string& dataset,
                                    const std::string& subject,
                                    const std::string& purpose,
                                    v1::QueryResponse* response) {
    v1::QueryRequest request;
    request.set_dataset(dataset);
    request.set_subject(subject);
    request.mutable_context()->set_purpose(purpose);
    request.mutable_context()->set_on_behalf_of("IT-LOAD");
    grpc::ClientContext context;
    context.set_wait_for_ready(true);
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(3));
    return stub.Query(&context, request, response);
  }

  checkpoint::NoteVerifier Verifier() {
    auto verifier = checkpoint::NoteVerifier::FromVerifierKey(verifier_key_);
    EXPECT_TRUE(verifier.ok()) << verifier.status();
    return *verifier;
  }

  std::string verifier_key_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(AuditIntegrationTest, WhoAccessedListsTheQueriesWithVerifiedProofs) {
  auto housing = StubAs("housing");
  auto tax = StubAs("tax");
  const std::string seller = Subject("seller_id");
  const std::string buyer = Subject("buyer_id");
  std::vector<v1::QueryResponse> responses(2);
  ASSERT_TRUE(Query(*housing, "land.property_title", seller, kFiling,
                    {"certificate_no", "area", "owners"}, &responses[0])
                  .ok());
  ASSERT_TRUE(
      Query(*housing, "registry.marriage", seller, kFiling, {}, &responses[1])
          .ok());
  v1::QueryResponse denied;
  ASSERT_FALSE(
      Query(*housing, "registry.marriage", seller, kDeedTax, {}, &denied).ok());
  v1::QueryResponse other;
  ASSERT_TRUE(
      Query(*tax, "housing.dwelling_count", buyer, kDeedTax, {}, &other).ok());

  // Each receipt's checkpoint is signed, and its entry is provably in it.
  auto audit = AuditAs("housing");
  Latest(*audit, nullptr);
  for (const v1::QueryResponse& response : responses) {
    const v1::AuditReceipt& receipt = response.receipt();
    auto checkpoint =
        audit::OpenCheckpointNote(receipt.checkpoint(), Verifier());
    ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
    EXPECT_EQ(checkpoint->size, receipt.tree_size());
    v1::GetInclusionProofRequest request;
    request.set_entry_index(receipt.entry_index());
    request.set_tree_size(receipt.tree_size());
    v1::GetInclusionProofResponse proof;
    ASSERT_TRUE(
        Call(*audit, &v1::Audit::Stub::GetInclusionProof, request, &proof)
            .ok());
    EXPECT_TRUE(audit::VerifyInclusion(receipt.entry_index(), proof.leaf_hash(),
                                       proof.proof(), *checkpoint)
                    .ok());
  }

  // The citizen's report, through the service hall.
  ASSERT_EQ(Ctl("servicehall", {"who-accessed", seller}), 0) << err_.str();
  const std::string report = out_.str();
  EXPECT_THAT(report, HasSubstr("3 accesses"));
  EXPECT_THAT(report, HasSubstr("each proven to be in the log"));
  EXPECT_THAT(report, HasSubstr("Housing Bureau (housing)"));
  EXPECT_THAT(report, HasSubstr("IT-0001"));
  EXPECT_THAT(report, HasSubstr("(land.property_title)"));
  EXPECT_THAT(report, HasSubstr("certificate_no"));
  EXPECT_THAT(report, HasSubstr("owners"));
  EXPECT_THAT(report, HasSubstr(kFiling));
  EXPECT_THAT(report, HasSubstr("DENIED (PERMISSION_DENIED)"));
  EXPECT_THAT(report, Not(HasSubstr("NOT VERIFIED")));
  EXPECT_THAT(report, Not(HasSubstr("housing.dwelling_count")))
      << "the buyer's access is not the seller's";
  EXPECT_THAT(report, Not(HasSubstr(seller)));
  int verified = 0;
  for (absl::string_view line : absl::StrSplit(report, '\n')) {
    if (absl::StrContains(line, "proof       verified")) ++verified;
  }
  EXPECT_EQ(verified, 3);

  // Offline verification while the exchange keeps running.
  ctl::AuditFlags verify;
  verify.dir = stack().audit_dir() + "/log";
  verify.verifier_key = verifier_key_;
  ASSERT_EQ(Ctl("", {"verify"}, verify), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("entries      4"));

  // The subject reached neither the logs nor the audit store.
  StopStack();
  EXPECT_THAT(FilesContaining(state_dir() + "/logs", seller), IsEmpty());
  EXPECT_THAT(FilesContaining(stack().audit_dir(), seller), IsEmpty());
}

TEST_F(AuditIntegrationTest, DepartmentsSeeOnlyTheirOwnAccesses) {
  auto housing = StubAs("housing");
  auto tax = StubAs("tax");
  v1::QueryResponse response;
  ASSERT_TRUE(Query(*housing, "registry.marriage", Subject("seller_id"),
                    kFiling, {}, &response)
                  .ok());
  ASSERT_TRUE(Query(*tax, "housing.dwelling_count", Subject("buyer_id"),
                    kDeedTax, {}, &response)
                  .ok());

  auto as_housing = AuditAs("housing");
  v1::SearchEntriesRequest others;
  others.set_consumer("tax");
  v1::SearchEntriesResponse page;
  grpc::Status status =
      Call(*as_housing, &v1::Audit::Stub::SearchEntries, others, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("only its own accesses"));

  status = Call(*as_housing, &v1::Audit::Stub::SearchEntries,
                v1::SearchEntriesRequest(), &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.entries_size(), 1);
  EXPECT_EQ(page.entries(0).entry().consumer(), "housing");

  v1::ListSubjectAccessesRequest subject;
  subject.set_subject(Subject("buyer_id"));
  v1::ListSubjectAccessesResponse accesses;
  status = Call(*as_housing, &v1::Audit::Stub::ListSubjectAccesses, subject,
                &accesses);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);

  ctl::AuditFlags search;
  search.consumer = "tax";
  EXPECT_EQ(Ctl("housing", {"search"}, search), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: PERMISSION_DENIED"));

  // The audit office sees everyone, proves and exports.
  ASSERT_EQ(Ctl("audit", {"search"}, search), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("1 entry"));
  EXPECT_THAT(out_.str(), HasSubstr("housing.dwelling_count"));
  EXPECT_THAT(out_.str(), HasSubstr("verified"));
  // By subject through the exchange's subject index: the buyer was read
  // once (by tax), the seller never by tax.
  ctl::AuditFlags by_subject;
  by_subject.subject = Subject("buyer_id");
  ASSERT_EQ(Ctl("audit", {"search"}, by_subject), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("1 entry"));
  EXPECT_THAT(out_.str(), HasSubstr("housing.dwelling_count"));
  by_subject.subject = Subject("seller_id");
  by_subject.consumer = "tax";
  ASSERT_EQ(Ctl("audit", {"search"}, by_subject), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("0 entries"));
  ASSERT_EQ(Ctl("audit", {"proof", "1"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("audit entry #1: verified"));
  EXPECT_THAT(out_.str(), HasSubstr("tax read housing.dwelling_count"));
  ctl::AuditFlags export_flags;
  export_flags.out = state_dir() + "/export.jsonl";
  ASSERT_EQ(Ctl("audit", {"export"}, export_flags), 0) << err_.str();
  auto exported = ReadFile(export_flags.out);
  ASSERT_TRUE(exported.ok());
  std::vector<std::string> lines =
      absl::StrSplit(*exported, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("\"verifier_key\""));
  EXPECT_THAT(lines[1], HasSubstr("\"inclusion_proof\""));
}

TEST_F(AuditIntegrationTest, EveryAcknowledgedAccessSurvivesKillDashNine) {
  struct Load {
    std::string department, dataset, subject, purpose;
  };
  const std::vector<Load> loads = {
      {"housing", "land.property_title", Subject("seller_id"), kFiling},
      {"housing", "registry.marriage", Subject("seller_id"), kFiling},
      {"tax", "housing.dwelling_count", Subject("buyer_id"), kDeedTax},
      {"tax", "housing.sale_contract", Subject("buyer_id"), kDeedTax},
  };
  absl::Mutex mu;
  std::vector<Acknowledged> acknowledged;  // guarded by mu
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (const Load& load : loads) {
    threads.emplace_back([&, load] {
      auto stub = StubAs(load.department);
      while (!stop.load()) {
        v1::QueryResponse response;
        grpc::Status status = QueryWaitingForReady(
            *stub, load.dataset, load.subject, load.purpose, &response);
        if (!status.ok()) {
          absl::SleepFor(absl::Milliseconds(5));
          continue;
        }
        absl::MutexLock lock(&mu);
        acknowledged.push_back({response.request_id(), response.receipt()});
      }
    });
  }
  auto count = [&] {
    absl::MutexLock lock(&mu);
    return acknowledged.size();
  };
  auto wait_for = [&](size_t n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(90);
    while (count() < n && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    return count() >= n;
  };

  ASSERT_TRUE(wait_for(150)) << "load did not start: " << count();
  // Acknowledged before the kill for sure (more may still arrive from the
  // dying exchange's last writes).
  const size_t before_kill = count();
  ASSERT_TRUE(stack().RestartExchange(SIGKILL).ok());
  v1::QueryResponse first_after_restart;
  ASSERT_TRUE(QueryWaitingForReady(*StubAs("tax"), "housing.dwelling_count",
                                   Subject("buyer_id"), kDeedTax,
                                   &first_after_restart)
                  .ok());
  {
    absl::MutexLock lock(&mu);
    acknowledged.push_back(
        {first_after_restart.request_id(), first_after_restart.receipt()});
  }
  const bool resumed = wait_for(count() + 100);
  stop = true;
  for (std::thread& thread : threads) thread.join();
  ASSERT_TRUE(resumed) << "queries did not resume after the restart";

  auto audit = AuditAs("audit");
  v1::SignedCheckpoint latest_signed;
  const checkpoint::Checkpoint latest = Latest(*audit, &latest_signed);

  // Every entry, by index, to compare with what clients were told.
  std::vector<v1::ProvedEntry> entries;
  while (entries.size() < latest.size) {
    v1::ListEntriesRequest request;
    request.set_begin(entries.size());
    request.set_limit(1000);
    request.set_include_proofs(true);
    request.set_tree_size(latest.size);
    v1::ListEntriesResponse page;
    grpc::Status status =
        Call(*audit, &v1::Audit::Stub::ListEntries, request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_GT(page.entries_size(), 0);
    for (const v1::ProvedEntry& entry : page.entries()) {
      ASSERT_EQ(entry.index(), entries.size());
      entries.push_back(entry);
    }
  }

  std::map<uint64_t, std::string> seen;  // index -> request id
  uint64_t last_before_kill = 0;
  std::map<uint64_t, bool> consistency_checked;
  for (size_t i = 0; i < acknowledged.size(); ++i) {
    const Acknowledged& ack = acknowledged[i];
    const uint64_t index = ack.receipt.entry_index();
    ASSERT_LT(index, latest.size) << "acknowledged entry missing after kill";
    ASSERT_TRUE(seen.emplace(index, ack.request_id).second)
        << "two acknowledged accesses share entry " << index;
    if (i < before_kill) last_before_kill = std::max(last_before_kill, index);
    // The logged entry is the one the client was told about, and it is
    // provably in the new tree.
    const v1::ProvedEntry& logged = entries[index];
    EXPECT_EQ(logged.entry().request_id(), ack.request_id);
    EXPECT_EQ(
        audit::Sha256Hex(audit::SerializeDeterministically(logged.entry())),
        ack.receipt.entry_digest());
    ASSERT_TRUE(audit::VerifyProvedEntry(logged, latest).ok()) << index;

    // The receipt's checkpoint is signed and consistent with the new one.
    auto old = audit::OpenCheckpointNote(ack.receipt.checkpoint(), Verifier());
    ASSERT_TRUE(old.ok()) << old.status();
    if (consistency_checked.emplace(old->size, true).second) {
      v1::GetConsistencyProofRequest request;
      request.set_old_size(old->size);
      request.set_new_size(latest.size);
      v1::GetConsistencyProofResponse proof;
      ASSERT_TRUE(
          Call(*audit, &v1::Audit::Stub::GetConsistencyProof, request, &proof)
              .ok());
      ASSERT_TRUE(audit::VerifyConsistency(*old, latest, proof.proof()).ok())
          << "checkpoint of size " << old->size;
    }
  }
  EXPECT_GT(first_after_restart.receipt().entry_index(), last_before_kill)
      << "appending continued after the old entries";

  // The log verifies read-only while the exchange runs, then stopped.
  auto report = audit::VerifyLog(stack().audit_dir() + "/log", verifier_key_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GE(report->entries, latest.size);
  v1::QueryResponse after;
  ASSERT_TRUE(Query(*StubAs("tax"), "housing.dwelling_count",
                    Subject("buyer_id"), kDeedTax, {}, &after)
                  .ok());
  EXPECT_GE(after.receipt().entry_index(), latest.size);
  StopStack();
  report = audit::VerifyLog(stack().audit_dir() + "/log", verifier_key_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->entries, after.receipt().entry_index() + 1);
}

}  // namespace
}  // namespace datarun::testing
