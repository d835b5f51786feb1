#include "exchange/audit/index_block.h"

#include <string>
#include <vector>

#include "exchange/audit/index_block_batch.h"
#include "gtest/gtest.h"
#include "rocksdb/write_batch.h"

namespace datarun::audit {
namespace {

std::vector<Posting> ReadAll(uint64_t last, const std::string& value,
                             bool* ok) {
  IndexBlockReader reader(last, value);
  std::vector<Posting> postings;
  Posting posting;
  while (reader.Next(&posting)) postings.push_back(posting);
  *ok = reader.ok();
  return postings;
}

TEST(IndexBlockTest, RoundTrips) {
  std::string value;
  AppendPosting(1000, 3, -5, &value);
  AppendPosting(1000, 870, 1'800'000'000'000'000, &value);
  AppendPosting(1000, 1000, 7, &value);
  bool ok = false;
  std::vector<Posting> postings = ReadAll(1000, value, &ok);
  EXPECT_TRUE(ok);
  ASSERT_EQ(postings.size(), 3u);
  EXPECT_EQ(postings[0].index, 3u);
  EXPECT_EQ(postings[0].time_micros, -5);
  EXPECT_EQ(postings[1].index, 870u);
  EXPECT_EQ(postings[1].time_micros, 1'800'000'000'000'000);
  EXPECT_EQ(postings[2].index, 1000u);
  EXPECT_EQ(postings[2].time_micros, 7);
}

TEST(IndexBlockTest, RejectsMalformedBlocks) {
  bool ok = true;
  ReadAll(5, "", &ok);
  EXPECT_FALSE(ok) << "an empty block";

  std::string value;
  AppendPosting(5, 4, 1, &value);  // the last posting is not the key's
  ReadAll(5, value, &ok);
  EXPECT_FALSE(ok);

  value.clear();
  AppendPosting(5, 5, 1, &value);
  AppendPosting(5, 5, 1, &value);  // twice
  ReadAll(5, value, &ok);
  EXPECT_FALSE(ok);

  value.clear();
  AppendPosting(5, 5, 1, &value);
  ReadAll(5, value.substr(0, value.size() - 1), &ok);
  EXPECT_FALSE(ok) << "a truncated time";

  value.clear();
  AppendPosting(9, 0, 1, &value);  // offset 9 ...
  AppendPosting(9, 9, 1, &value);
  ReadAll(5, value, &ok);  // ... read under a key naming 5
  EXPECT_FALSE(ok);
}

// Collects what a WriteBatch holds.
class Collector : public rocksdb::WriteBatch::Handler {
 public:
  void Put(const rocksdb::Slice& key, const rocksdb::Slice& value) override {
    puts.emplace_back(key.ToString(), value.ToString());
  }
  std::vector<std::pair<std::string, std::string>> puts;
};

TEST(IndexBlockBatchTest, OneBlockPerValueInKeyOrder) {
  const std::string tax = "tax", land = "land", empty;
  IndexBlockBatch batch;
  batch.Add(IndexKind::kConsumer, tax, 10, 100);
  batch.Add(IndexKind::kSubject, tax, 10, 100);
  batch.Add(IndexKind::kConsumer, land, 11, 110);
  batch.Add(IndexKind::kConsumer, tax, 12, 120);
  batch.Add(IndexKind::kPurpose, empty, 12, 120);  // not indexed
  rocksdb::WriteBatch write;
  batch.PutBlocks(&write);
  Collector collector;
  ASSERT_TRUE(write.Iterate(&collector).ok());
  ASSERT_EQ(collector.puts.size(), 3u);
  EXPECT_EQ(collector.puts[0].first,
            IndexBlockKey(IndexKind::kConsumer, "land", 11));
  EXPECT_EQ(collector.puts[1].first,
            IndexBlockKey(IndexKind::kConsumer, "tax", 12));
  EXPECT_EQ(collector.puts[2].first,
            IndexBlockKey(IndexKind::kSubject, "tax", 10));
  bool ok = false;
  std::vector<Posting> postings = ReadAll(12, collector.puts[1].second, &ok);
  EXPECT_TRUE(ok);
  ASSERT_EQ(postings.size(), 2u);
  EXPECT_EQ(postings[0].index, 10u);
  EXPECT_EQ(postings[0].time_micros, 100);
  EXPECT_EQ(postings[1].index, 12u);

  rocksdb::WriteBatch again;
  batch.PutBlocks(&again);
  EXPECT_EQ(again.Count(), 0u) << "PutBlocks forgets what it wrote";
}

}  // namespace
}  // namespace datarun::audit
