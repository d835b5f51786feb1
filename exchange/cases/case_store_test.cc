#include "exchange/cases/case_store.h"

#include <stdlib.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/cases/case_engine_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/transaction_log.h"
#include "rocksdb/write_batch.h"

namespace datarun::cases {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::string kAnn = testing::ResidentId("11010519700101001");
const std::string kBob = testing::ResidentId("11010519800202002");
const std::string kCid = testing::ResidentId("11010519900303003");

class CaseStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/case_store_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    hasher_ = audit::SubjectHasher::FromKey("case store test key");
  }

  void TearDown() override {
    store_.reset();
    std::system(absl::StrCat("rm -rf ", dir_).c_str());
  }

  // (Re)opens the store with `hasher` (null: none).
  void Reopen(const audit::SubjectHasher* hasher) {
    store_.reset();
    auto store = CaseStore::Open({dir_ + "/cases", true, hasher});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Commits a new finished case submitted at `micros` with these parties.
  void Create(const std::string& id, int64_t micros,
              const std::vector<std::string>& subjects) {
    v1::CaseRecord record;
    record.set_case_id(id);
    record.set_case_type("property_transfer");
    record.set_state(v1::CASE_STATE_COMPLETED);
    record.set_submitted_at_micros(micros);
    for (const std::string& subject : subjects) {
      v1::CasePartyInput* party = record.add_parties();
      party->set_role(absl::StrCat("role", record.parties_size()));
      party->set_subject(subject);
    }
    CaseStore::Change change;
    change.record = &record;
    ASSERT_TRUE(store_->Commit(change).ok());
  }

  // Case ids of `subject`'s cases, pages of `page` each.
  std::vector<std::string> PartyCases(const std::string& subject,
                                      int64_t page = 0, int* pages = nullptr) {
    std::vector<std::string> ids;
    std::string token;
    int n = 0;
    do {
      absl::StatusOr<std::string> next = store_->ScanParty(
          subject, token, page, [&](const v1::CaseRecord& record) {
            ids.push_back(record.case_id());
            return true;
          });
      EXPECT_TRUE(next.ok()) << next.status();
      if (!next.ok()) break;
      token = *next;
      ++n;
    } while (!token.empty() && n < 100);
    if (pages != nullptr) *pages = n;
    return ids;
  }

  // Every key of the database (the store must be closed).
  std::vector<std::string> AllKeys() {
    store_.reset();
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options;
    EXPECT_TRUE(
        rocksdb::DB::OpenForReadOnly(options, dir_ + "/cases", &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::vector<std::string> keys;
    std::unique_ptr<rocksdb::Iterator> it(
        db->NewIterator(rocksdb::ReadOptions()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      keys.push_back(it->key().ToString());
    }
    return keys;
  }

  std::string dir_;
  std::unique_ptr<audit::SubjectHasher> hasher_;
  std::unique_ptr<CaseStore> store_;
};

TEST_F(CaseStoreTest, ListsAPartysCasesNewestFirst) {
  Reopen(hasher_.get());
  Create("case-1", 100, {kAnn, kBob});
  Create("case-2", 300, {kBob});
  Create("case-3", 200, {kAnn, kAnn});  // one row for a repeated subject
  Create("case-4", 400, {kCid, kAnn});
  EXPECT_THAT(PartyCases(kAnn), ElementsAre("case-4", "case-3", "case-1"));
  EXPECT_THAT(PartyCases(kBob), ElementsAre("case-2", "case-1"));
  EXPECT_THAT(PartyCases(kCid), ElementsAre("case-4"));
  EXPECT_THAT(PartyCases(testing::ResidentId("11010519950505005")), IsEmpty());
  int rows = 0;
  for (const std::string& key : AllKeys()) rows += absl::StartsWith(key, "p/");
  EXPECT_EQ(rows, 6);
}

TEST_F(CaseStoreTest, PagesAcrossThePartyIndex) {
  Reopen(hasher_.get());
  for (int i = 1; i <= 7; ++i) {
    Create(absl::StrCat("case-a", i), 10 * i, {kAnn});
    Create(absl::StrCat("case-b", i), 10 * i + 5, {kBob});
  }
  int pages = 0;
  EXPECT_THAT(PartyCases(kAnn, 3, &pages),
              ElementsAre("case-a7", "case-a6", "case-a5", "case-a4", "case-a3",
                          "case-a2", "case-a1"));
  EXPECT_EQ(pages, 3);
  // A page ending exactly at the last case says so (no empty extra page).
  EXPECT_THAT(PartyCases(kBob, 7, &pages), ::testing::SizeIs(7));
  EXPECT_EQ(pages, 1);
  int seen = 0;
  absl::StatusOr<std::string> token =
      store_->ScanParty(kBob, "", 0, [&](const v1::CaseRecord&) {
        return ++seen < 7;  // stops at the last one
      });
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(*token, "");
  seen = 0;
  token = store_->ScanParty(kBob, "", 0,
                            [&](const v1::CaseRecord&) { return ++seen < 6; });
  ASSERT_TRUE(token.ok());
  EXPECT_NE(*token, "");
}

TEST_F(CaseStoreTest, PageTokensAreValidatedPerListing) {
  Reopen(hasher_.get());
  Create("case-1", 1, {kAnn});
  Create("case-2", 2, {kAnn});
  auto visit = [](const v1::CaseRecord&) { return true; };
  absl::StatusOr<std::string> all = store_->ScanNewestFirst("", 1, visit);
  ASSERT_TRUE(all.ok());
  ASSERT_FALSE(all->empty());
  absl::StatusOr<std::string> party = store_->ScanParty(kAnn, "", 1, visit);
  ASSERT_TRUE(party.ok());
  ASSERT_FALSE(party->empty());
  // Tokens never carry the subject nor its hash.
  EXPECT_THAT(*party, ::testing::Not(HasSubstr(hasher_->Hash(kAnn))));
  EXPECT_THAT(*party, ::testing::Not(HasSubstr(kAnn)));

  EXPECT_TRUE(store_->ScanParty(kAnn, *party, 0, visit).ok());
  EXPECT_TRUE(store_->ScanNewestFirst(*all, 0, visit).ok());
  for (const std::string& bad : {*all, std::string("next please"),
                                 std::string("q/zz/case-1"), *party + "/x"}) {
    absl::StatusOr<std::string> got = store_->ScanParty(kAnn, bad, 0, visit);
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(got.status().message(), HasSubstr("page_token"));
  }
  EXPECT_EQ(store_->ScanNewestFirst(*party, 0, visit).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CaseStoreTest, IndexRowsAreInTheCaseCreationBatch) {
  Reopen(hasher_.get());
  Create("case-1", 1, {kAnn, kBob});
  store_.reset();
  // Read the write-ahead log back: one batch holds the record and its rows.
  rocksdb::Options options;
  options.avoid_flush_during_recovery = true;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir_ + "/cases", &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::unique_ptr<rocksdb::TransactionLogIterator> wal;
  ASSERT_TRUE(db->GetUpdatesSince(0, &wal).ok());
  struct Keys : rocksdb::WriteBatch::Handler {
    std::vector<std::string> keys;
    void Put(const rocksdb::Slice& key, const rocksdb::Slice&) override {
      keys.push_back(key.ToString());
    }
    rocksdb::Status DeleteRangeCF(uint32_t, const rocksdb::Slice&,
                                  const rocksdb::Slice&) override {
      return rocksdb::Status::OK();
    }
  };
  bool found = false;
  for (; wal->Valid(); wal->Next()) {
    rocksdb::BatchResult batch = wal->GetBatch();
    Keys keys;
    ASSERT_TRUE(batch.writeBatchPtr->Iterate(&keys).ok());
    if (std::find(keys.keys.begin(), keys.keys.end(), "c/case-1") ==
        keys.keys.end()) {
      continue;
    }
    found = true;
    int rows = 0;
    for (const std::string& key : keys.keys)
      rows += absl::StartsWith(key, "p/");
    EXPECT_EQ(rows, 2);
  }
  EXPECT_TRUE(found) << "no batch wrote c/case-1";
}

TEST_F(CaseStoreTest, RebuildsTheIndexOfAStoreWrittenWithoutIt) {
  Reopen(nullptr);  // as a store written before the index existed
  Create("case-1", 1, {kAnn});
  Create("case-2", 2, {kBob, kAnn});
  EXPECT_EQ(
      store_->ScanParty(kAnn, "", 0, [](const v1::CaseRecord&) { return true; })
          .status()
          .code(),
      absl::StatusCode::kFailedPrecondition);
  Reopen(hasher_.get());
  EXPECT_THAT(PartyCases(kAnn), ElementsAre("case-2", "case-1"));
  Create("case-3", 3, {kAnn});
  // Opened once more without a hasher, a new case gets no row: the next
  // open with one rebuilds.
  Reopen(nullptr);
  Create("case-4", 4, {kAnn});
  Reopen(hasher_.get());
  EXPECT_THAT(PartyCases(kAnn),
              ElementsAre("case-4", "case-3", "case-2", "case-1"));
  EXPECT_THAT(PartyCases(kBob), ElementsAre("case-2"));
}

TEST_F(CaseStoreTest, AnotherHasherKeyRebuildsWithoutStaleRows) {
  Reopen(hasher_.get());
  Create("case-1", 1, {kAnn});
  Create("case-2", 2, {kBob});
  std::unique_ptr<audit::SubjectHasher> other =
      audit::SubjectHasher::FromKey("another key");
  Reopen(other.get());
  EXPECT_THAT(PartyCases(kAnn), ElementsAre("case-1"));
  std::vector<std::string> rows;
  for (const std::string& key : AllKeys()) {
    if (absl::StartsWith(key, "p/")) rows.push_back(key);
  }
  ASSERT_EQ(rows.size(), 2u);
  for (const std::string& row : rows) {
    EXPECT_TRUE(absl::StartsWith(row, absl::StrCat("p/", other->Hash(kAnn))) ||
                absl::StartsWith(row, absl::StrCat("p/", other->Hash(kBob))))
        << row;
  }
}

TEST_F(CaseStoreTest, WhatStepsReadIsDeletedWhenTheCaseEnds) {
  Reopen(hasher_.get());
  v1::CaseRecord record;
  record.set_case_id("case-a");
  record.set_case_type("property_transfer");
  record.set_state(v1::CASE_STATE_RUNNING);
  auto read = [](const std::string& material, const std::string& price) {
    v1::StepMaterial m;
    m.set_material(material);
    (*m.add_records()->mutable_fields())["price"].set_decimal_value(price);
    return m;
  };
  CaseStore::Change created;
  created.record = &record;
  created.step_materials = {{"deed_tax", read("buyer_sale_contract", "1")}};
  ASSERT_TRUE(store_->Commit(created).ok());
  // A neighbour whose id extends this one's keeps its records.
  v1::CaseRecord other = record;
  other.set_case_id("case-ab");
  CaseStore::Change other_created;
  other_created.record = &other;
  other_created.step_materials = {
      {"deed_tax", read("buyer_sale_contract", "2")}};
  ASSERT_TRUE(store_->Commit(other_created).ok());

  // Still open (a review answered): the records stay for a resume.
  CaseStore::Change answered;
  answered.record = &record;
  answered.previous_state = v1::CASE_STATE_RUNNING;
  answered.step_materials = {{"title_review", read("title_certificate", "3")}};
  ASSERT_TRUE(store_->Commit(answered).ok());
  EXPECT_EQ(store_->StepMaterials("case-a")->size(), 2u);

  // The change that ends the case deletes them, even one it writes itself.
  record.set_state(v1::CASE_STATE_REJECTED);
  CaseStore::Change ended;
  ended.record = &record;
  ended.previous_state = v1::CASE_STATE_RUNNING;
  ended.step_materials = {{"contract_review", read("sale_contract", "4")}};
  ASSERT_TRUE(store_->Commit(ended).ok());
  EXPECT_THAT(*store_->StepMaterials("case-a"), IsEmpty());
  EXPECT_EQ(store_->StepMaterials("case-ab")->size(), 1u);
  EXPECT_EQ(store_->Get("case-a")->state(), v1::CASE_STATE_REJECTED);
  // The case itself stays; a reopened store agrees.
  Reopen(hasher_.get());
  EXPECT_THAT(*store_->StepMaterials("case-a"), IsEmpty());
  EXPECT_EQ(store_->StepMaterials("case-ab")->size(), 1u);
}

TEST_F(CaseStoreTest, NoKeyHoldsARawSubject) {
  Reopen(hasher_.get());
  Create("case-1", 1, {kAnn, kBob});
  store_.reset();
  std::vector<std::string> keys = AllKeys();
  bool hashed = false;
  for (const std::string& key : keys) {
    EXPECT_THAT(key, ::testing::Not(HasSubstr(kAnn)));
    EXPECT_THAT(key, ::testing::Not(HasSubstr(kBob)));
    EXPECT_THAT(key, ::testing::Not(HasSubstr(kAnn.substr(0, 14))));
    hashed |= absl::StartsWith(key, absl::StrCat("p/", hasher_->Hash(kAnn)));
  }
  EXPECT_TRUE(hashed);
}

}  // namespace
}  // namespace datarun::cases
