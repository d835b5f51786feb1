// Link, resolve, retract, primary, conflicts, history, validation and batch
// linking of the identity registry.
#include "exchange/identity_registry/identity_registry.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "exchange/identity/resident_id.h"
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
using ::testing::Not;
using testing::PersonId;

const v1::LocalId kTaxA = MakeLocalId("tax", "taxpayer_number", "110105Z00001");
const v1::LocalId kTaxB = MakeLocalId("tax", "taxpayer_number", "110105Z00002");
const v1::LocalId kPerson = MakeLocalId("registry", "person_number", "RY0001");

TEST_F(RegistryTest, LinkThenResolve) {
  const std::string alice = PersonId(1);
  IdentityRegistry::LinkResult result = MustLink(alice, kTaxA, true);
  EXPECT_TRUE(result.changed);
  EXPECT_FALSE(result.conflict);
  EXPECT_EQ(result.link.state(), v1::LINK_STATE_ACTIVE);

  auto resolution = registry_->Resolve(alice);
  ASSERT_TRUE(resolution.ok()) << resolution.status();
  EXPECT_EQ(resolution->subject_fingerprint, Fp(alice));
  EXPECT_EQ(resolution->kind, SubjectKind::kPerson);
  EXPECT_FALSE(resolution->upgraded_from_legacy);
  EXPECT_EQ(resolution->merged_into, "");
  ASSERT_EQ(resolution->links.size(), 1u);
  const v1::IdentityLink& link = resolution->links[0];
  EXPECT_EQ(link.local_id().value(), "110105Z00001");
  EXPECT_TRUE(link.primary());
  EXPECT_EQ(link.state(), v1::LINK_STATE_ACTIVE);
  EXPECT_EQ(link.asserted_by(), "tax");
  EXPECT_EQ(link.basis(), "test assertion");
  EXPECT_GE(link.asserted_at_micros(), kStartMicros);

  EXPECT_EQ(Primary(alice, "tax"), "110105Z00001");
  EXPECT_EQ(Primary(alice, "land"), "");
}

TEST_F(RegistryTest, ChineseValuesAreKeptExactly) {
  const std::string alice = PersonId(1);
  const std::string title = "京（2017）通州区不动产权第0025526号";
  MustLink(alice, MakeLocalId("land", "title_certificate", title));
  auto resolution = registry_->Resolve(alice);
  ASSERT_TRUE(resolution.ok()) << resolution.status();
  ASSERT_EQ(resolution->links.size(), 1u);
  EXPECT_EQ(resolution->links[0].local_id().value(), title);
}

TEST_F(RegistryTest, ResolveOrdersLinksByDepartmentKindValue) {
  const std::string alice = PersonId(1);
  MustLink(alice, MakeLocalId("tax", "taxpayer_number", "T2"));
  MustLink(alice, MakeLocalId("land", "title_certificate", "Q9"));
  MustLink(alice, MakeLocalId("tax", "taxpayer_number", "T1"));
  std::vector<std::string> values;
  for (const auto& link : Links(alice))
    values.push_back(link.local_id().value());
  EXPECT_THAT(values, ElementsAre("Q9", "T1", "T2"));
}

TEST_F(RegistryTest, UnknownSubject) {
  auto resolution = registry_->Resolve(PersonId(5));
  EXPECT_EQ(resolution.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(resolution.status().message(), HasSubstr(Fp(PersonId(5))));
  EXPECT_EQ(Primary(PersonId(5), "tax"), "");
  auto history = registry_->History(PersonId(5));
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(*history, IsEmpty());
}

TEST_F(RegistryTest, RelinkingIsIdempotent) {
  const std::string alice = PersonId(1);
  MustLink(alice, kTaxA, true);
  IdentityRegistry::LinkResult again = MustLink(alice, kTaxA, true);
  EXPECT_FALSE(again.changed);
  EXPECT_EQ(again.link.state(), v1::LINK_STATE_ACTIVE);
  EXPECT_THAT(EventKinds(alice), ElementsAre(v1::IDENTITY_EVENT_KIND_LINKED));
}

TEST_F(RegistryTest, NewPrimaryDemotesTheOld) {
  const std::string alice = PersonId(1);
  MustLink(alice, kTaxA, true);
  IdentityRegistry::LinkResult second = MustLink(alice, kTaxB, true);
  EXPECT_TRUE(second.changed);
  EXPECT_EQ(Primary(alice, "tax"), kTaxB.value());
  std::vector<v1::IdentityLink> links = Links(alice);
  EXPECT_FALSE(FindLink(links, kTaxA.value())->primary());
  EXPECT_TRUE(FindLink(links, kTaxB.value())->primary());
  EXPECT_THAT(EventKinds(alice),
              ElementsAre(v1::IDENTITY_EVENT_KIND_LINKED,
                          v1::IDENTITY_EVENT_KIND_PRIMARY_CHANGED,
                          v1::IDENTITY_EVENT_KIND_LINKED));

  // Re-asserting the old one as primary flips the flag back.
  IdentityRegistry::LinkResult back = MustLink(alice, kTaxA, true);
  EXPECT_TRUE(back.changed);
  EXPECT_EQ(Primary(alice, "tax"), kTaxA.value());
  links = Links(alice);
  EXPECT_TRUE(FindLink(links, kTaxA.value())->primary());
  EXPECT_FALSE(FindLink(links, kTaxB.value())->primary());

  // A non-primary assertion of the primary clears the flag.
  IdentityRegistry::LinkResult cleared = MustLink(alice, kTaxA, false);
  EXPECT_TRUE(cleared.changed);
  EXPECT_EQ(Primary(alice, "tax"), "");

  // Primaries are per department.
  MustLink(alice, kPerson, true);
  EXPECT_EQ(Primary(alice, "registry"), "RY0001");
  EXPECT_EQ(Primary(alice, "tax"), "");
}

TEST_F(RegistryTest, ConflictIsFlaggedOnBothAndClearedByRetract) {
  const std::string alice = PersonId(1);
  const std::string bob = PersonId(2);
  MustLink(alice, kTaxA, true);
  IdentityRegistry::LinkResult clash = MustLink(bob, kTaxA, true);
  EXPECT_TRUE(clash.changed);
  EXPECT_TRUE(clash.conflict);
  EXPECT_EQ(clash.link.state(), v1::LINK_STATE_CONFLICT);
  EXPECT_THAT(clash.link.conflicting_subjects(), ElementsAre(Fp(alice)));

  const v1::IdentityLink* a = nullptr;
  std::vector<v1::IdentityLink> alice_links = Links(alice);
  a = FindLink(alice_links, kTaxA.value());
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->state(), v1::LINK_STATE_CONFLICT);
  EXPECT_THAT(a->conflicting_subjects(), ElementsAre(Fp(bob)));
  // A conflicting value is never handed out.
  EXPECT_EQ(Primary(alice, "tax"), "");
  EXPECT_EQ(Primary(bob, "tax"), "");

  auto history = registry_->History(alice);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].kind(), v1::IDENTITY_EVENT_KIND_CONFLICT_FLAGGED);
  EXPECT_EQ((*history)[1].other_subject(), Fp(bob));
  EXPECT_EQ((*history)[1].actor(), "tax");
  EXPECT_THAT(EventKinds(bob),
              ElementsAre(v1::IDENTITY_EVENT_KIND_LINKED,
                          v1::IDENTITY_EVENT_KIND_CONFLICT_FLAGGED));

  auto conflicts = registry_->ListConflicts(0);
  ASSERT_TRUE(conflicts.ok());
  ASSERT_EQ(conflicts->size(), 1u);
  EXPECT_EQ((*conflicts)[0].local_id().value(), kTaxA.value());
  EXPECT_THAT((*conflicts)[0].subjects(), ElementsAre(Fp(alice), Fp(bob)));

  ASSERT_TRUE(registry_->Retract(bob, kTaxA, "tax", "wrong person").ok());
  alice_links = Links(alice);
  a = FindLink(alice_links, kTaxA.value());
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->state(), v1::LINK_STATE_ACTIVE);
  EXPECT_THAT(a->conflicting_subjects(), IsEmpty());
  EXPECT_EQ(Primary(alice, "tax"), kTaxA.value());
  EXPECT_EQ(registry_->Resolve(bob).status().code(),
            absl::StatusCode::kNotFound);
  history = registry_->History(alice);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->back().kind(), v1::IDENTITY_EVENT_KIND_CONFLICT_CLEARED);
  EXPECT_EQ(history->back().other_subject(), Fp(bob));
  EXPECT_EQ(history->back().basis(), "wrong person");
  EXPECT_EQ(EventKinds(bob).back(), v1::IDENTITY_EVENT_KIND_RETRACTED);
  EXPECT_THAT(*registry_->ListConflicts(10), IsEmpty());
}

TEST_F(RegistryTest, ThreeWayConflictClearsStepByStep) {
  const std::string a = PersonId(1), b = PersonId(2), c = PersonId(3);
  MustLink(a, kTaxA);
  MustLink(b, kTaxA);
  IdentityRegistry::LinkResult third = MustLink(c, kTaxA);
  EXPECT_THAT(third.link.conflicting_subjects(), ElementsAre(Fp(a), Fp(b)));
  ASSERT_TRUE(registry_->Retract(c, kTaxA, "tax", "correction").ok());
  std::vector<v1::IdentityLink> links = Links(a);
  EXPECT_EQ(links[0].state(), v1::LINK_STATE_CONFLICT);
  EXPECT_THAT(links[0].conflicting_subjects(), ElementsAre(Fp(b)));
  ASSERT_TRUE(registry_->Retract(b, kTaxA, "tax", "correction").ok());
  links = Links(a);
  EXPECT_EQ(links[0].state(), v1::LINK_STATE_ACTIVE);
  EXPECT_THAT(links[0].conflicting_subjects(), IsEmpty());
}

TEST_F(RegistryTest, RetractOfAMissingLinkIsNotFound) {
  const std::string alice = PersonId(1);
  absl::Status status = registry_->Retract(alice, kTaxA, "tax", "correction");
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("tax/taxpayer_number=110105Z00001"));
  MustLink(alice, kTaxA);
  ASSERT_TRUE(registry_->Retract(alice, kTaxA, "tax", "correction").ok());
  EXPECT_EQ(registry_->Retract(alice, kTaxA, "tax", "again").code(),
            absl::StatusCode::kNotFound);
}

TEST_F(RegistryTest, ChangedHouseholdKeepsBothInHistory) {
  shared_kinds_ = {"registry.household_number"};
  Reopen();
  const std::string person = PersonId(7);
  const std::string spouse = PersonId(8);
  const v1::LocalId old_household =
      MakeLocalId("registry", "household_number", "HH-OLD-1");
  const v1::LocalId new_household =
      MakeLocalId("registry", "household_number", "HH-NEW-2");
  MustLink(person, kPerson, true);
  MustLink(person, old_household);
  MustLink(spouse, old_household);  // shared: no conflict
  MustLink(person, new_household);
  ASSERT_TRUE(
      registry_
          ->Retract(person, old_household, "registry", "moved out 2024-03-01")
          .ok());
  std::vector<v1::IdentityLink> links = Links(person);
  EXPECT_EQ(FindLink(links, "HH-OLD-1"), nullptr);
  ASSERT_NE(FindLink(links, "HH-NEW-2"), nullptr);
  EXPECT_EQ(FindLink(links, "HH-NEW-2")->state(), v1::LINK_STATE_ACTIVE);
  EXPECT_EQ(FindLink(Links(spouse), "HH-OLD-1")->state(),
            v1::LINK_STATE_ACTIVE);

  auto history = registry_->History(person);
  ASSERT_TRUE(history.ok());
  std::vector<std::string> lines;
  uint64_t last_sequence = 0;
  for (const auto& e : *history) {
    EXPECT_GT(e.sequence(), last_sequence);
    last_sequence = e.sequence();
    lines.push_back(absl::StrCat(v1::IdentityEventKind_Name(e.kind()), " ",
                                 e.local_id().value()));
  }
  EXPECT_THAT(lines, ElementsAre("IDENTITY_EVENT_KIND_LINKED RY0001",
                                 "IDENTITY_EVENT_KIND_LINKED HH-OLD-1",
                                 "IDENTITY_EVENT_KIND_LINKED HH-NEW-2",
                                 "IDENTITY_EVENT_KIND_RETRACTED HH-OLD-1"));
  EXPECT_EQ(history->back().basis(), "moved out 2024-03-01");
}

TEST_F(RegistryTest, SharedKindsNeverConflict) {
  shared_kinds_ = {"housing.family_number"};
  Reopen();
  const v1::LocalId family = MakeLocalId("housing", "family_number", "JT-42");
  IdentityRegistry::LinkResult first = MustLink(PersonId(1), family, true);
  IdentityRegistry::LinkResult second = MustLink(PersonId(2), family, true);
  EXPECT_FALSE(second.conflict);
  EXPECT_EQ(Primary(PersonId(1), "housing"), "JT-42");
  EXPECT_EQ(Primary(PersonId(2), "housing"), "JT-42");
  EXPECT_THAT(*registry_->ListConflicts(0), IsEmpty());
}

TEST_F(RegistryTest, LegacyNumberResolvesToItsUpgradedForm) {
  const std::string legacy = LegacyPersonId(3);
  auto upgraded = UpgradeLegacyResidentId(legacy);
  ASSERT_TRUE(upgraded.ok());
  MustLink(legacy, kTaxA, true);

  auto by18 = registry_->Resolve(*upgraded);
  ASSERT_TRUE(by18.ok()) << by18.status();
  EXPECT_FALSE(by18->upgraded_from_legacy);
  auto by15 = registry_->Resolve(legacy);
  ASSERT_TRUE(by15.ok());
  EXPECT_TRUE(by15->upgraded_from_legacy);
  EXPECT_EQ(by15->subject_fingerprint, by18->subject_fingerprint);
  EXPECT_EQ(by18->subject_fingerprint, Fp(*upgraded));
  EXPECT_EQ(Primary(*upgraded, "tax"), kTaxA.value());
  EXPECT_EQ(Primary(legacy, "tax"), kTaxA.value());
}

TEST_F(RegistryTest, LowercaseCheckCharacterIsTheSameSubject) {
  // Find a number whose check character is X.
  std::string with_x;
  for (int n = 0; with_x.empty(); ++n) {
    if (PersonId(n).back() == 'X') with_x = PersonId(n);
  }
  MustLink(with_x, kTaxA, true);
  std::string lower = with_x;
  lower.back() = 'x';
  EXPECT_EQ(Primary(lower, "tax"), kTaxA.value());
  EXPECT_EQ(registry_->Resolve(lower)->subject_fingerprint, Fp(with_x));
}

TEST_F(RegistryTest, OrganisationSubject) {
  const std::string company = CompanyId(42);
  MustLink(company, MakeLocalId("tax", "taxpayer_number", "ORG-42"), true);
  auto resolution = registry_->Resolve(company);
  ASSERT_TRUE(resolution.ok()) << resolution.status();
  EXPECT_EQ(resolution->kind, SubjectKind::kOrganisation);
}

TEST_F(RegistryTest, ValidationErrorsNameTheField) {
  const std::string alice = PersonId(1);
  const std::string bob = PersonId(2);
  struct Case {
    std::string subject;
    v1::LocalId id;
    std::string actor;
    std::string basis;
    std::string want;
  };
  std::string bad_check = alice;
  bad_check.back() = bad_check.back() == '1' ? '2' : '1';
  const std::vector<Case> cases = {
      {bad_check, kTaxA, "tax", "b", "subject: resident identity number check"},
      {"12345", kTaxA, "tax", "b", "subject: must have 18 characters"},
      {"110105991301001", kTaxA, "tax", "b",
       "subject: legacy resident identity number"},
      {alice, MakeLocalId("Tax", "k", "v"), "tax", "b",
       "local_id.department: must match [a-z][a-z0-9_]*, character 1"},
      {alice, MakeLocalId("tax", "", "v"), "tax", "b",
       "local_id.kind: required"},
      {alice, MakeLocalId("tax", std::string(65, 'k'), "v"), "tax", "b",
       "local_id.kind: at most 64 characters, got 65"},
      {alice, MakeLocalId("tax", "k", ""), "tax", "b",
       "local_id.value: required"},
      {alice, MakeLocalId("tax", "k", std::string(129, 'v')), "tax", "b",
       "local_id.value: at most 128 characters"},
      {alice, MakeLocalId("tax", "k", "a\nb"), "tax", "b",
       "local_id.value: character 2 is not printable"},
      {alice, MakeLocalId("tax", "k", "ab\xe4\xba"), "tax", "b",
       "local_id.value: byte 3 is not valid UTF-8"},
      {alice, MakeLocalId("tax", "k", bob), "tax", "b",
       "local_id.value: is a resident identity number"},
      {alice, kTaxA, "tax", "", "basis: required"},
      {alice, kTaxA, "tax", std::string(257, 'b'), "basis: at most 256 bytes"},
      {alice, kTaxA, "tax", "line\tbreak",
       "basis: byte 5 is a control character"},
      {alice, kTaxA, "tax", "counter check of " + bob + " today",
       "basis: contains a resident identity number at character 18"},
      {alice, kTaxA, "", "b", "actor: required"},
      {alice, kTaxA, "Tax!", "b", "actor: must match"},
  };
  for (const Case& c : cases) {
    auto result = registry_->Link(c.subject, c.id, false, c.actor, c.basis);
    ASSERT_FALSE(result.ok()) << c.want;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(result.status().message(), HasSubstr(c.want));
    // Messages never carry a whole identity number.
    EXPECT_THAT(result.status().message(), Not(HasSubstr(alice)));
    EXPECT_THAT(result.status().message(), Not(HasSubstr(bob)));
    EXPECT_THAT(result.status().message(), Not(HasSubstr(bad_check)));
  }
  // Chinese text in a basis is fine.
  EXPECT_TRUE(
      registry_->Link(alice, kTaxA, false, "tax", "窗口登记 2024-05-06").ok());
  auto primary = registry_->PrimaryLocalId(alice, "Tax");
  EXPECT_EQ(primary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(primary.status().message(), HasSubstr("department: must match"));
  EXPECT_THAT(registry_->Resolve("x").status().message(),
              HasSubstr("subject: "));
}

TEST_F(RegistryTest, EventSequencesIncreaseAcrossSubjects) {
  MustLink(PersonId(1), kTaxA);
  MustLink(PersonId(2), kTaxB);
  MustLink(PersonId(1), kPerson);
  auto a = registry_->History(PersonId(1));
  auto b = registry_->History(PersonId(2));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->size(), 2u);
  ASSERT_EQ(b->size(), 1u);
  EXPECT_LT((*a)[0].sequence(), (*b)[0].sequence());
  EXPECT_LT((*b)[0].sequence(), (*a)[1].sequence());
  EXPECT_LT((*a)[0].at_micros(), (*a)[1].at_micros());
}

v1::LocalIdAssertion Assertion(
    const std::string& subject, const std::string& kind,
    const std::string& value, bool primary,
    const std::string& basis = "DJ_NSRXX 2015-03-02") {
  v1::LocalIdAssertion a;
  a.set_subject(subject);
  a.set_kind(kind);
  a.set_value(value);
  a.set_primary(primary);
  a.set_basis(basis);
  return a;
}

TEST_F(RegistryTest, LinkBatchAppliesValidAssertionsAndCountsTheRest) {
  MustLink(PersonId(9), MakeLocalId("tax", "taxpayer_number", "T-CLASH"));
  std::vector<v1::LocalIdAssertion> batch = {
      Assertion(PersonId(1), "taxpayer_number", "T1", true),
      Assertion(PersonId(2), "taxpayer_number", "T2", true),
      Assertion("110105", "taxpayer_number", "T3", true),
      Assertion(PersonId(3), "Bad Kind", "T4", true),
      Assertion(PersonId(4), "taxpayer_number", "T-CLASH", true),
      Assertion(PersonId(5), "taxpayer_number", "T5", true, ""),
      Assertion(LegacyPersonId(1), "taxpayer_number", "T6", true),
  };
  auto stats = registry_->LinkBatch("tax", batch, "exchange");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->read, 7);
  EXPECT_EQ(stats->added, 4);
  EXPECT_EQ(stats->conflicts, 1);
  EXPECT_EQ(stats->unchanged, 0);
  EXPECT_EQ(stats->rejected, 3);
  EXPECT_THAT(stats->samples,
              ElementsAre(HasSubstr("assertion 2: subject: must have 18"),
                          HasSubstr("assertion 3: kind: must match"),
                          HasSubstr("assertion 5: basis: required")));
  EXPECT_EQ(Primary(PersonId(1), "tax"), "T1");
  EXPECT_EQ(Primary(LegacyPersonId(1), "tax"), "T6");
  auto resolution = registry_->Resolve(PersonId(2));
  ASSERT_TRUE(resolution.ok());
  EXPECT_EQ(resolution->links[0].asserted_by(), "tax");
  EXPECT_EQ(resolution->links[0].basis(), "DJ_NSRXX 2015-03-02");
  auto history = registry_->History(PersonId(2));
  EXPECT_EQ((*history)[0].actor(), "exchange");

  // The same page again changes nothing; a flipped primary is an update.
  batch[1].set_primary(false);
  stats = registry_->LinkBatch("tax", batch, "exchange");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->added, 0);
  EXPECT_EQ(stats->updated, 1);
  EXPECT_EQ(stats->unchanged, 3);
  EXPECT_EQ(Primary(PersonId(2), "tax"), "");

  EXPECT_EQ(registry_->LinkBatch("Tax", batch, "exchange").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RegistryTest, LinkBatchWithinOneBatchSeesItsOwnChanges) {
  std::vector<v1::LocalIdAssertion> batch = {
      Assertion(PersonId(1), "taxpayer_number", "T1", true),
      Assertion(PersonId(1), "taxpayer_number", "T1b", true),
      Assertion(PersonId(2), "taxpayer_number", "T1", false),
      Assertion(PersonId(1), "taxpayer_number", "T1b", true),
  };
  auto stats = registry_->LinkBatch("tax", batch, "tax");
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->added, 3);
  EXPECT_EQ(stats->conflicts, 1);
  EXPECT_EQ(stats->unchanged, 1);
  EXPECT_EQ(Primary(PersonId(1), "tax"), "T1b");
  EXPECT_EQ(FindLink(Links(PersonId(1)), "T1")->state(),
            v1::LINK_STATE_CONFLICT);
}

}  // namespace
}  // namespace datarun::identity
