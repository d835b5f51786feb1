// AuditLog::Search: each secondary index, their combination, the time
// filter and paging.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "exchange/audit/audit_log.h"
#include "exchange/audit/audit_store_keys.h"
#include "exchange/audit/audit_testing.h"
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
    std::string key =
        IndexKeyPrefix(IndexKind::kConsumer, "tax") + EncodeUint64(4);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), key,
                        EncodeUint64(Varied(4).time_micros()))
                    .ok());
  }
  log_ = temp_.Open();
  AuditLog::SearchQuery query;
  query.consumer = "tax";
  uint64_t next = 0;
  auto hits = log_->Search(query, &next);
  EXPECT_EQ(hits.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(hits.status().message()),
              HasSubstr("index key x/c/tax/4 names entry 4, which has another "
                        "value ('housing')"));
}

}  // namespace
}  // namespace datarun::audit
