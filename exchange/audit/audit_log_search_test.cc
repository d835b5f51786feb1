// AuditLog::Search: each secondary index, their combination, the time
// filter and paging.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/audit_testing.h"
#include "exchange/audit/index_block.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::audit {
namespace {

using ::datarun::audit::testing::Entry;
using ::datarun::audit::testing::TempLog;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

const char* const kConsumers[] = {"tax", "housing", "land"};
const char* const kDatasets[] = {"land.property_title", "tax.deed_tax_payment"};
const char* const kPurposes[] = {"transfer", "benefit", "audit", "review",
                                 "appeal"};

// Entry i: consumer i%3, dataset i%2, purpose i%5, subject i%7 (none for
// i%11 == 0, like a request refused before its subject was validated),
// decided at second i.
v1::AuditEntry Varied(int i) {
  v1::AuditEntry entry = Entry(absl::StrCat("r", i), i);
  entry.set_consumer(kConsumers[i % 3]);
  entry.set_dataset(kDatasets[i % 2]);
  entry.set_purpose(kPurposes[i % 5]);
  entry.set_subject_hash(i % 11 == 0 ? "" : absl::StrCat("subject", i % 7));
  return entry;
}

absl::Time Second(int i) {
  return absl::FromUnixMicros(1'800'000'000'000'000 + int64_t{i} * 1'000'000);
}

class AuditLogSearchTest : public ::testing::Test {
 protected:
  static constexpr int kEntries = 200;

  void SetUp() override {
    log_ = temp_.Open();
    ASSERT_NE(log_, nullptr);
    for (int i = 0; i < kEntries; ++i) {
      ASSERT_TRUE(log_->AppendAndWait(Varied(i)).ok());
    }
  }

  // Every index the query finds, paging with `limit`; checks each hit's
  // entry is the one at its index.
  std::vector<uint64_t> All(AuditLog::SearchQuery query, int limit = 1000,
                            int* pages = nullptr) {
    query.limit = limit;
    std::vector<uint64_t> found;
    int count = 0;
    while (true) {
      uint64_t next = 0;
      auto hits = log_->Search(query, &next);
      EXPECT_TRUE(hits.ok()) << hits.status();
      if (!hits.ok()) break;
      ++count;
      EXPECT_LE(hits->size(), static_cast<size_t>(limit));
      for (const auto& hit : *hits) {
        EXPECT_EQ(hit.entry.request_id(), absl::StrCat("r", hit.index));
        found.push_back(hit.index);
      }
      if (next == 0) break;
      EXPECT_GT(next, query.start_index);
      query.start_index = next;
    }
    if (pages != nullptr) *pages = count;
    return found;
  }

  // The indexes `pred` accepts, by brute force.
  template <typename Pred>
  std::vector<uint64_t> Expected(Pred pred) {
    std::vector<uint64_t> out;
    for (int i = 0; i < kEntries; ++i) {
      if (pred(Varied(i))) out.push_back(i);
    }
    return out;
  }

  TempLog temp_;
  std::unique_ptr<AuditLog> log_;
};

TEST_F(AuditLogSearchTest, BySubjectHash) {
  AuditLog::SearchQuery query;
  query.subject_hash = "subject3";
  auto expected = Expected(
      [](const v1::AuditEntry& e) { return e.subject_hash() == "subject3"; });
  ASSERT_FALSE(expected.empty());
  EXPECT_THAT(All(query), ElementsAreArray(expected));
}

TEST_F(AuditLogSearchTest, ByConsumerDatasetAndPurpose) {
  AuditLog::SearchQuery query;
  query.consumer = "housing";
  EXPECT_THAT(All(query), ElementsAreArray(Expected([](const auto& e) {
                return e.consumer() == "housing";
              })));
  query = {};
  query.dataset = "tax.deed_tax_payment";
  EXPECT_THAT(All(query), ElementsAreArray(Expected([](const auto& e) {
                return e.dataset() == "tax.deed_tax_payment";
              })));
  query = {};
  query.purpose = "appeal";
  EXPECT_THAT(All(query), ElementsAreArray(Expected([](const auto& e) {
                return e.purpose() == "appeal";
              })));
}

TEST_F(AuditLogSearchTest, CombinedIndexesAndTimeFilter) {
  AuditLog::SearchQuery query;
  query.consumer = "land";
  query.purpose = "benefit";
  query.subject_hash = "subject1";
  query.from = Second(20);
  query.to = Second(180);
  auto expected = Expected([](const v1::AuditEntry& e) {
    int64_t s = (e.time_micros() - 1'800'000'000'000'000) / 1'000'000;
    return e.consumer() == "land" && e.purpose() == "benefit" &&
           e.subject_hash() == "subject1" && s >= 20 && s < 180;
  });
  EXPECT_THAT(All(query), ElementsAreArray(expected));
  query.consumer = "nobody";
  EXPECT_TRUE(All(query).empty());
}

TEST_F(AuditLogSearchTest, TimeFilterAloneScansTheEntries) {
  AuditLog::SearchQuery query;
  query.from = Second(50);
  query.to = Second(53);
  EXPECT_THAT(All(query), ElementsAre(50, 51, 52));
  query = {};
  EXPECT_EQ(All(query).size(), static_cast<size_t>(kEntries));
}

TEST_F(AuditLogSearchTest, PagesInIndexOrder) {
  AuditLog::SearchQuery query;
  query.consumer = "tax";  // 0, 3, 6, ...: 67 entries
  int pages = 0;
  std::vector<uint64_t> found = All(query, 10, &pages);
  EXPECT_EQ(found.size(), 67u);
  EXPECT_EQ(pages, 7);
  EXPECT_TRUE(std::is_sorted(found.begin(), found.end()));

  // A full page says exactly where the next match is.
  query.limit = 2;
  query.start_index = 4;
  uint64_t next = 0;
  auto hits = log_->Search(query, &next);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_EQ((*hits)[0].index, 6u);
  EXPECT_EQ((*hits)[1].index, 9u);
  EXPECT_EQ(next, 12u);
  // The last page ends with 0.
  query.start_index = 196;
  hits = log_->Search(query, &next);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].index, 198u);
  EXPECT_EQ(next, 0u);
  query.start_index = 5000;
  hits = log_->Search(query, &next);
  ASSERT_TRUE(hits.ok());
  EXPECT_TRUE(hits->empty());
  EXPECT_EQ(next, 0u);
}

TEST_F(AuditLogSearchTest, RejectsBadQueries) {
  AuditLog::SearchQuery query;
  uint64_t next = 7;
  query.limit = 0;
  EXPECT_EQ(log_->Search(query, &next).status().code(),
            absl::StatusCode::kInvalidArgument);
  query.limit = 1001;
  EXPECT_EQ(log_->Search(query, &next).status().code(),
            absl::StatusCode::kInvalidArgument);
  query.limit = 10;
  query.from = Second(10);
  query.to = Second(5);
  EXPECT_EQ(log_->Search(query, &next).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AuditLogSearchTest, AnIndexKeyPointingAtAnotherEntryIsDataLoss) {
  log_.reset();
  {
    auto db = temp_.OpenRaw();
    // Entry 4 is housing's; claim it was tax's.
    std::string block;
    AppendPosting(4, 4, Varied(4).time_micros(), &block);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(),
                        IndexBlockKey(IndexKind::kConsumer, "tax", 4), block)
                    .ok());
  }
  log_ = temp_.Open();
  AuditLog::SearchQuery query;
  query.consumer = "tax";
  uint64_t next = 0;
  auto hits = log_->Search(query, &next);
  EXPECT_EQ(hits.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(hits.status().message()),
              HasSubstr("index x/c/tax lists entry 4, which has another "
                        "value ('housing')"));
}

TEST_F(AuditLogSearchTest, AMalformedIndexBlockIsDataLoss) {
  log_.reset();
  ASSERT_TRUE(temp_.OpenRaw()
                  ->Put(rocksdb::WriteOptions(),
                        IndexBlockKey(IndexKind::kPurpose, "audit", 7), "\x05")
                  .ok());
  log_ = temp_.Open();
  AuditLog::SearchQuery query;
  query.purpose = "audit";
  uint64_t next = 0;
  auto hits = log_->Search(query, &next);
  EXPECT_EQ(hits.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(hits.status().message()),
              HasSubstr("index block x/p/audit/7 is malformed"));
}

// Entries appended concurrently share batches, so one index block lists
// many of them; searches and paging cross block boundaries.
TEST(AuditLogSearchBatchTest, FindsEntriesInSharedBlocks) {
  TempLog temp;
  testing::WriterGate gate;
  temp.options.before_write_for_tests = gate.Hook();
  auto log = temp.Open();
  ASSERT_NE(log, nullptr);
  testing::Results results;
  constexpr int kEntries = 400;
  log->Append(Varied(0), results.Callback());
  gate.entered.WaitForNotification();
  for (int i = 1; i < kEntries; ++i) log->Append(Varied(i), results.Callback());
  gate.release.Notify();
  results.WaitFor(kEntries);
  EXPECT_LE(log->stats().batches, 3u);

  AuditLog::SearchQuery query;
  query.consumer = "housing";
  query.purpose = "audit";
  query.from = Second(50);
  query.to = Second(350);
  std::vector<uint64_t> expected;
  for (int i = 50; i < 350; ++i) {
    if (i % 3 == 1 && i % 5 == 2) expected.push_back(i);
  }
  query.limit = 4;
  std::vector<uint64_t> found;
  while (true) {
    uint64_t next = 0;
    auto hits = log->Search(query, &next);
    ASSERT_TRUE(hits.ok()) << hits.status();
    for (const auto& hit : *hits) {
      EXPECT_EQ(hit.entry.request_id(), absl::StrCat("r", hit.index));
      found.push_back(hit.index);
    }
    if (next == 0) break;
    query.start_index = next;
  }
  EXPECT_THAT(found, ElementsAreArray(expected));

  AuditLog::SearchQuery by_subject;
  by_subject.subject_hash = "subject3";
  by_subject.start_index = 100;
  by_subject.limit = 1000;
  uint64_t next = 0;
  auto hits = log->Search(by_subject, &next);
  ASSERT_TRUE(hits.ok()) << hits.status();
  std::vector<uint64_t> subjects;
  for (const auto& hit : *hits) subjects.push_back(hit.index);
  std::vector<uint64_t> expected_subjects;
  for (int i = 100; i < kEntries; ++i) {
    if (i % 11 != 0 && i % 7 == 3) expected_subjects.push_back(i);
  }
  EXPECT_THAT(subjects, ElementsAreArray(expected_subjects));
  EXPECT_EQ(next, 0u);
}

}  // namespace
}  // namespace datarun::audit
