#include "adapters/datagen/random.h"

#include <set>
#include <vector>

#include "gtest/gtest.h"

namespace datarun {
namespace datagen {
namespace {

TEST(RandomTest, SameSeedSameSequenceOtherSeedOtherSequence) {
  Random a(42), b(42), c(43);
  std::vector<uint64_t> va, vb, vc;
  for (int i = 0; i < 100; ++i) {
    va.push_back(a.Next());
    vb.push_back(b.Next());
    vc.push_back(c.Next());
  }
  EXPECT_EQ(va, vb);
  EXPECT_NE(va, vc);
}

TEST(RandomTest, KnownFirstValueIsStableAcrossPlatforms) {
  // The generator's output depends on this exact sequence; a change here
  // changes every data set and every demo subject.
  Random r(1);
  uint64_t first = r.Next();
  Random again(1);
  EXPECT_EQ(again.Next(), first);
  EXPECT_EQ(first, 0xb3f2af6d0fc710c5ULL);
}

TEST(RandomTest, RangesStayInBounds) {
  Random r(7);
  std::set<int64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    int64_t v = r.Range(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    seen.insert(v);
    ASSERT_LT(r.Uniform(10), 10u);
    absl::CivilDay d =
        r.Day(absl::CivilDay(2024, 2, 28), absl::CivilDay(2024, 3, 1));
    ASSERT_GE(d, absl::CivilDay(2024, 2, 28));
    ASSERT_LE(d, absl::CivilDay(2024, 3, 1));
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(r.Range(5, 5), 5);
}

TEST(RandomTest, WeightedHonoursZeroWeights) {
  Random r(9);
  const int weights[] = {0, 5, 0, 5};
  int counts[4] = {0, 0, 0, 0};
  for (int i = 0; i < 2000; ++i) ++counts[r.Weighted(weights)];
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(counts[2], 0);
  EXPECT_GT(counts[1], 800);
  EXPECT_GT(counts[3], 800);
}

}  // namespace
}  // namespace datagen
}  // namespace datarun
