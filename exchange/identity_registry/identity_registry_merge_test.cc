// Merges of subjects in the identity registry.
#include <string>
#include <vector>

#include "exchange/identity/resident_id.h"
#include "exchange/identity_registry/identity_registry.h"
#include "exchange/identity_registry/registry_test_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::identity {
namespace {

using testing::CompanyId;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::LegacyPersonId;
using testing::MakeLocalId;
using testing::PersonId;

const v1::LocalId kTax1 = MakeLocalId("tax", "taxpayer_number", "T1");
const v1::LocalId kTax2 = MakeLocalId("tax", "taxpayer_number", "T2");
const v1::LocalId kPerson = MakeLocalId("registry", "person_number", "P1");
const v1::LocalId kFamily = MakeLocalId("housing", "family_number", "F1");

class MergeTest : public RegistryTest {
 protected:
  absl::StatusOr<int> Merge(const std::string& from, const std::string& into) {
    return registry_->Merge(from, into, "registry", "birth date corrected");
  }
};

TEST_F(MergeTest, LinksMoveAndTheOldSubjectResolvesToTheNew) {
  const std::string old_id = PersonId(1), new_id = PersonId(2);
  MustLink(old_id, kTax1, true);
  MustLink(old_id, kPerson, true);
  MustLink(new_id, kFamily, true);
  auto moved = Merge(old_id, new_id);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(*moved, 2);

  auto resolution = registry_->Resolve(old_id);
  ASSERT_TRUE(resolution.ok()) << resolution.status();
  EXPECT_EQ(resolution->merged_into, Fp(new_id));
  EXPECT_EQ(resolution->subject_fingerprint, Fp(new_id));
  std::vector<std::string> values;
  for (const auto& link : resolution->links)
    values.push_back(link.local_id().value());
  EXPECT_THAT(values, ElementsAre("F1", "P1", "T1"));
  EXPECT_EQ(Primary(old_id, "tax"), "T1");
  EXPECT_EQ(Primary(new_id, "tax"), "T1");
  EXPECT_EQ(Primary(new_id, "registry"), "P1");
  EXPECT_EQ(registry_->Resolve(new_id)->merged_into, "");

  auto from_history = registry_->History(old_id);
  ASSERT_TRUE(from_history.ok());
  EXPECT_EQ(from_history->back().kind(), v1::IDENTITY_EVENT_KIND_MERGED_INTO);
  EXPECT_EQ(from_history->back().other_subject(), Fp(new_id));
  EXPECT_EQ(from_history->back().basis(), "birth date corrected");
  EXPECT_THAT(EventKinds(new_id),
              ElementsAre(v1::IDENTITY_EVENT_KIND_LINKED,
                          v1::IDENTITY_EVENT_KIND_MERGED_FROM,
                          v1::IDENTITY_EVENT_KIND_LINKED,
                          v1::IDENTITY_EVENT_KIND_LINKED));
  auto into_history = registry_->History(new_id);
  EXPECT_EQ((*into_history)[1].other_subject(), Fp(old_id));
  EXPECT_EQ((*into_history)[2].other_subject(), Fp(old_id));
}

TEST_F(MergeTest, RefusesRepeatsCyclesAndMismatches) {
  const std::string a = PersonId(1), b = PersonId(2);
  MustLink(a, kTax1);
  ASSERT_TRUE(Merge(a, b).ok());
  auto again = Merge(a, PersonId(3));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(),
              HasSubstr("already merged into " + Fp(b)));
  auto cycle = Merge(b, a);
  EXPECT_EQ(cycle.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(cycle.status().message(), HasSubstr("cycle"));

  auto same = Merge(PersonId(4), PersonId(4));
  EXPECT_EQ(same.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string legacy = LegacyPersonId(2);
  auto same_legacy = Merge(legacy, *UpgradeLegacyResidentId(legacy));
  EXPECT_EQ(same_legacy.status().code(), absl::StatusCode::kInvalidArgument);
  auto kinds = Merge(PersonId(5), CompanyId(5));
  EXPECT_EQ(kinds.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(kinds.status().message(),
              HasSubstr("into_subject: is organisation"));
  auto bad = Merge("123", PersonId(5));
  EXPECT_THAT(bad.status().message(), HasSubstr("from_subject: must have 18"));
  bad = Merge(PersonId(5), "123");
  EXPECT_THAT(bad.status().message(), HasSubstr("into_subject: must have 18"));
  EXPECT_EQ(registry_->Merge(PersonId(6), PersonId(7), "registry", "")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(MergeTest, MergingTheTwoSidesOfAConflictClearsIt) {
  const std::string a = PersonId(1), b = PersonId(2);
  MustLink(a, kTax1, true);
  MustLink(b, kTax1, true);
  ASSERT_EQ(registry_->ListConflicts(0)->size(), 1u);
  auto moved = Merge(a, b);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(*moved, 0);  // b has it already
  std::vector<v1::IdentityLink> links = Links(b);
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].state(), v1::LINK_STATE_ACTIVE);
  EXPECT_THAT(*registry_->ListConflicts(0), IsEmpty());
  EXPECT_EQ(Primary(a, "tax"), "T1");
  EXPECT_EQ(EventKinds(b).back(), v1::IDENTITY_EVENT_KIND_CONFLICT_CLEARED);
}

TEST_F(MergeTest, AConflictWithAThirdSubjectFollowsTheMerge) {
  const std::string a = PersonId(1), b = PersonId(2), c = PersonId(3);
  MustLink(a, kTax1);
  MustLink(c, kTax1);
  ASSERT_TRUE(Merge(a, b).ok());
  std::vector<v1::IdentityLink> b_links = Links(b);
  ASSERT_EQ(b_links.size(), 1u);
  EXPECT_EQ(b_links[0].state(), v1::LINK_STATE_CONFLICT);
  EXPECT_THAT(b_links[0].conflicting_subjects(), ElementsAre(Fp(c)));
  std::vector<v1::IdentityLink> c_links = Links(c);
  EXPECT_THAT(c_links[0].conflicting_subjects(), ElementsAre(Fp(b)));
  auto history = registry_->History(c);
  ASSERT_TRUE(history.ok());
  ASSERT_GE(history->size(), 2u);
  const auto& flagged = (*history)[history->size() - 2];
  const auto& cleared = (*history)[history->size() - 1];
  EXPECT_EQ(flagged.kind(), v1::IDENTITY_EVENT_KIND_CONFLICT_FLAGGED);
  EXPECT_EQ(flagged.other_subject(), Fp(b));
  EXPECT_EQ(cleared.kind(), v1::IDENTITY_EVENT_KIND_CONFLICT_CLEARED);
  EXPECT_EQ(cleared.other_subject(), Fp(a));
  auto conflicts = registry_->ListConflicts(0);
  ASSERT_EQ(conflicts->size(), 1u);
  EXPECT_THAT((*conflicts)[0].subjects(), ElementsAre(Fp(c), Fp(b)));
}

TEST_F(MergeTest, ChainsAreFlattened) {
  const std::string a = PersonId(1), b = PersonId(2), c = PersonId(3);
  MustLink(a, kTax1, true);
  ASSERT_TRUE(Merge(a, b).ok());
  ASSERT_TRUE(Merge(b, c).ok());
  EXPECT_EQ(registry_->Resolve(a)->merged_into, Fp(c));
  EXPECT_EQ(registry_->Resolve(b)->merged_into, Fp(c));
  EXPECT_EQ(Primary(a, "tax"), "T1");
  // Merging into a merged subject goes to where it was merged.
  const std::string d = PersonId(4);
  MustLink(d, kPerson, true);
  ASSERT_TRUE(Merge(d, a).ok());
  EXPECT_EQ(registry_->Resolve(d)->merged_into, Fp(c));
  EXPECT_EQ(Primary(c, "registry"), "P1");
  // c is now the target of a, b and d: merging c into a is a cycle.
  EXPECT_EQ(Merge(c, a).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(MergeTest, TheTargetsPrimaryWins) {
  const std::string a = PersonId(1), b = PersonId(2);
  MustLink(a, kTax1, true);
  MustLink(b, kTax2, true);
  ASSERT_TRUE(Merge(a, b).ok());
  EXPECT_EQ(Primary(b, "tax"), "T2");
  std::vector<v1::IdentityLink> links = Links(b);
  EXPECT_FALSE(FindLink(links, "T1")->primary());
}

TEST_F(MergeTest, LinkAndRetractOnAMergedSubjectActOnTheTarget) {
  const std::string a = PersonId(1), b = PersonId(2);
  MustLink(b, kPerson, true);
  ASSERT_TRUE(Merge(a, b).ok());
  IdentityRegistry::LinkResult result = MustLink(a, kTax1, true);
  EXPECT_TRUE(result.changed);
  EXPECT_EQ(Primary(b, "tax"), "T1");
  ASSERT_TRUE(registry_->Retract(a, kPerson, "registry", "correction").ok());
  EXPECT_EQ(Primary(b, "registry"), "");
}

}  // namespace
}  // namespace datarun::identity
