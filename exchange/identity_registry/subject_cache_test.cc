// The identity registry's subject cache: bounded, and never serving a value
// read before a write it has been told about.
#include "exchange/identity_registry/subject_cache.h"

#include <string>

#include "exchange/identity_registry/identity_registry_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::identity {
namespace {

using ::testing::HasSubstr;
using testing::MakeLocalId;
using testing::PersonId;

SubjectRecord WithPrimary(const std::string& value) {
  SubjectRecord record;
  v1::IdentityLink link;
  *link.mutable_local_id() = MakeLocalId("tax", "taxpayer_number", value);
  link.set_primary(true);
  link.set_state(v1::LINK_STATE_ACTIVE);
  record.Insert(link);
  return record;
}

class SubjectCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<audit::SubjectHasher> hasher_ =
      audit::SubjectHasher::FromKey("cache test key");
};

TEST_F(SubjectCacheTest, ServesFromMemoryUntilInvalidated) {
  SubjectCache cache(hasher_.get(), 16);
  int loads = 0;
  std::string stored = "T1";
  auto load = [&](const SubjectHash&) -> absl::StatusOr<SubjectRecord> {
    ++loads;
    return WithPrimary(stored);
  };
  EXPECT_EQ(*cache.Primary(PersonId(1), "tax", load), "T1");
  EXPECT_EQ(*cache.Primary(PersonId(1), "tax", load), "T1");
  EXPECT_EQ(*cache.Primary(PersonId(1), "land", load), "");
  EXPECT_EQ(loads, 1);
  stored = "T2";
  cache.Invalidate(cache.Find(PersonId(1))->hash);
  EXPECT_EQ(*cache.Primary(PersonId(1), "tax", load), "T2");
  EXPECT_EQ(loads, 2);
}

TEST_F(SubjectCacheTest, CachedPrimaryAnswersFromMemoryOrNotAtAll) {
  SubjectCache cache(hasher_.get(), 16);
  int loads = 0;
  auto load = [&](const SubjectHash&) -> absl::StatusOr<SubjectRecord> {
    ++loads;
    return WithPrimary("T1");
  };
  // Unknown to the cache (and an invalid subject): it would need a read.
  EXPECT_FALSE(cache.CachedPrimary(PersonId(1), "tax").has_value());
  EXPECT_FALSE(cache.CachedPrimary("not a subject", "tax").has_value());
  // Found but not filled (Find hashes only): still a read away.
  ASSERT_TRUE(cache.Find(PersonId(1)).ok());
  EXPECT_FALSE(cache.CachedPrimary(PersonId(1), "tax").has_value());
  EXPECT_EQ(*cache.Primary(PersonId(1), "tax", load), "T1");
  EXPECT_EQ(cache.CachedPrimary(PersonId(1), "tax"), "T1");
  EXPECT_EQ(cache.CachedPrimary(PersonId(1), "land"), "");
  // A write was reported: the entry is stale until read again.
  cache.Invalidate(cache.Find(PersonId(1))->hash);
  EXPECT_FALSE(cache.CachedPrimary(PersonId(1), "tax").has_value());
  EXPECT_EQ(loads, 1);
}

TEST_F(SubjectCacheTest, AFillThatRacedWithAWriteIsNotTrusted) {
  SubjectCache cache(hasher_.get(), 16);
  const SubjectHash h = cache.Find(PersonId(1))->hash;
  int loads = 0;
  // The writer commits and invalidates while this reader is reading the
  // old record.
  auto racing = [&](const SubjectHash&) -> absl::StatusOr<SubjectRecord> {
    ++loads;
    if (loads == 1) {
      cache.Invalidate(h);
      return WithPrimary("OLD");
    }
    return WithPrimary("NEW");
  };
  EXPECT_EQ(*cache.Primary(PersonId(1), "tax", racing), "OLD");
  // The entry carries the stamp from before the bump: it is refreshed.
  EXPECT_EQ(*cache.Primary(PersonId(1), "tax", racing), "NEW");
  EXPECT_EQ(*cache.Primary(PersonId(1), "tax", racing), "NEW");
  EXPECT_EQ(loads, 2);
}

TEST_F(SubjectCacheTest, AMergedSubjectFollowsItsTargetsChanges) {
  SubjectCache cache(hasher_.get(), 16);
  const SubjectHash from = cache.Find(PersonId(1))->hash;
  const SubjectHash into = cache.Find(PersonId(2))->hash;
  std::string target_value = "T1";
  auto load = [&](const SubjectHash& h) -> absl::StatusOr<SubjectRecord> {
    if (h == from) {
      SubjectRecord merged;
      merged.merged_into = into;
      return merged;
    }
    return WithPrimary(target_value);
  };
  EXPECT_EQ(*cache.Primary(PersonId(1), "tax", load), "T1");
  target_value = "T9";
  cache.Invalidate(into);
  EXPECT_EQ(*cache.Primary(PersonId(1), "tax", load), "T9");
}

TEST_F(SubjectCacheTest, StaysWithinItsCapacity) {
  for (size_t capacity : {1u, 2u, 5u, 40u}) {
    SubjectCache cache(hasher_.get(), capacity);
    auto load = [](const SubjectHash&) -> absl::StatusOr<SubjectRecord> {
      return WithPrimary("T");
    };
    for (int i = 0; i < 200; ++i) {
      ASSERT_EQ(*cache.Primary(PersonId(i), "tax", load), "T");
      if (i % 3 == 0) {
        ASSERT_TRUE(cache.Find(PersonId(i / 2)).ok());
      }
      ASSERT_LE(cache.size(), capacity);
    }
  }
}

TEST_F(SubjectCacheTest, InvalidSubjectsAreRefusedAndNotRemembered) {
  SubjectCache cache(hasher_.get(), 16);
  auto ref = cache.Find("11010519900101001");
  EXPECT_EQ(ref.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ref.status().message(), HasSubstr("subject: "));
  EXPECT_EQ(cache.size(), 0u);
  auto load = [](const SubjectHash&) -> absl::StatusOr<SubjectRecord> {
    return absl::InternalError("must not be called");
  };
  EXPECT_EQ(cache.Primary("bad", "tax", load).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A load error is returned and nothing is cached as filled.
  EXPECT_EQ(cache.Primary(PersonId(1), "tax", load).status().code(),
            absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace datarun::identity
