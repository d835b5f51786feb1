#include "exchange/audit/proof_check.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/audit_testing.h"
#include "exchange/checkpoint/note_signer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::audit {
namespace {

using ::testing::HasSubstr;

// A real audit log of 11 entries in a temporary directory, and helpers to
// build what the Audit service would return.
class ProofCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = temp_.Open();
    ASSERT_NE(log_, nullptr);
    for (int i = 0; i < 11; ++i) {
      v1::AuditEntry entry;
      entry.set_consumer("tax");
      entry.set_request_id(absl::StrCat("req-", i));
      ASSERT_TRUE(log_->AppendAndWait(entry).ok());
    }
    auto verifier =
        checkpoint::NoteVerifier::FromVerifierKey(log_->VerifierKey());
    ASSERT_TRUE(verifier.ok());
    verifier_ = std::make_unique<checkpoint::NoteVerifier>(*verifier);
  }

  v1::SignedCheckpoint Latest() {
    auto latest = log_->LatestCheckpoint();
    EXPECT_TRUE(latest.ok());
    v1::SignedCheckpoint out;
    out.set_note(latest->note);
    out.set_tree_size(latest->checkpoint.size);
    out.set_root_hash(std::string(merkle::HashBytes(latest->checkpoint.root)));
    return out;
  }

  v1::ProvedEntry Proved(uint64_t index) {
    v1::ProvedEntry proved;
    proved.set_index(index);
    *proved.mutable_entry() = (*log_->Read(index, index + 1))[0];
    proved.set_leaf_hash(
        std::string(merkle::HashBytes(*log_->LeafHash(index))));
    absl::StatusOr<std::vector<merkle::Hash>> proof =
        log_->InclusionProof(index, log_->size());
    EXPECT_TRUE(proof.ok()) << proof.status();
    if (!proof.ok()) return proved;
    for (const merkle::Hash& hash : *proof) {
      proved.add_inclusion_proof(std::string(merkle::HashBytes(hash)));
    }
    return proved;
  }

  // Declared first: removes the directory after log_ is closed.
  testing::TempLog temp_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<checkpoint::NoteVerifier> verifier_;
};

TEST_F(ProofCheckTest, EntryLeafHashIsWhatTheLogStores) {
  for (uint64_t i = 0; i < 11; ++i) {
    EXPECT_EQ(EntryLeafHash((*log_->Read(i, i + 1))[0]), *log_->LeafHash(i));
  }
}

TEST_F(ProofCheckTest, GenuineEntriesVerify) {
  auto checkpoint = OpenCheckpoint(Latest(), *verifier_);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  EXPECT_EQ(checkpoint->size, 11u);
  for (uint64_t i = 0; i < 11; ++i) {
    EXPECT_TRUE(VerifyProvedEntry(Proved(i), *checkpoint).ok()) << i;
  }
}

TEST_F(ProofCheckTest, AlteredEntryIsCaughtByItsLeafHash) {
  auto checkpoint = OpenCheckpoint(Latest(), *verifier_);
  ASSERT_TRUE(checkpoint.ok());
  v1::ProvedEntry proved = Proved(4);
  proved.mutable_entry()->set_consumer("land");
  absl::Status status = VerifyProvedEntry(proved, *checkpoint);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("entry 4: the entry does not match"));
}

TEST_F(ProofCheckTest, AlteredProofOrMovedEntryFails) {
  auto checkpoint = OpenCheckpoint(Latest(), *verifier_);
  ASSERT_TRUE(checkpoint.ok());
  v1::ProvedEntry proved = Proved(4);
  (*proved.mutable_inclusion_proof(1))[0] ^= 1;
  EXPECT_EQ(VerifyProvedEntry(proved, *checkpoint).code(),
            absl::StatusCode::kDataLoss);

  v1::ProvedEntry moved = Proved(4);
  moved.set_index(5);
  absl::Status status = VerifyProvedEntry(moved, *checkpoint);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("entry 5"));

  v1::ProvedEntry short_hash = Proved(4);
  short_hash.mutable_inclusion_proof(0)->pop_back();
  EXPECT_EQ(VerifyProvedEntry(short_hash, *checkpoint).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ProofCheckTest, CheckpointNeedsTheTrustedKeyAndMatchingCopies) {
  auto other = checkpoint::NoteSigner::Generate("datarun.local/audit");
  ASSERT_TRUE(other.ok());
  auto other_verifier =
      checkpoint::NoteVerifier::FromVerifierKey((*other)->VerifierKey());
  ASSERT_TRUE(other_verifier.ok());
  absl::StatusOr<checkpoint::Checkpoint> opened =
      OpenCheckpoint(Latest(), *other_verifier);
  EXPECT_FALSE(opened.ok());
  EXPECT_THAT(opened.status().message(), HasSubstr("checkpoint: "));

  v1::SignedCheckpoint lying = Latest();
  lying.set_tree_size(12);
  opened = OpenCheckpoint(lying, *verifier_);
  EXPECT_EQ(opened.status().code(), absl::StatusCode::kDataLoss);

  v1::SignedCheckpoint forged = Latest();
  std::string note = forged.note();
  note[note.find('\n') + 1] = '9';  // the tree size line
  forged.set_note(note);
  EXPECT_EQ(OpenCheckpoint(forged, *verifier_).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(ProofCheckTest, ConsistencyBetweenCheckpoints) {
  auto older = OpenCheckpoint(Latest(), *verifier_);
  ASSERT_TRUE(older.ok());
  v1::AuditEntry entry;
  entry.set_consumer("land");
  ASSERT_TRUE(log_->AppendAndWait(entry).ok());
  auto newer = OpenCheckpoint(Latest(), *verifier_);
  ASSERT_TRUE(newer.ok());
  absl::StatusOr<std::vector<merkle::Hash>> hashes =
      log_->ConsistencyProof(11, 12);
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  HashList proof;
  for (const merkle::Hash& hash : *hashes) {
    *proof.Add() = std::string(merkle::HashBytes(hash));
  }
  EXPECT_TRUE(VerifyConsistency(*older, *newer, proof).ok());
  (*proof.Mutable(0))[3] ^= 1;
  absl::Status status = VerifyConsistency(*older, *newer, proof);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("sizes 11 and 12"));
}

}  // namespace
}  // namespace datarun::audit
