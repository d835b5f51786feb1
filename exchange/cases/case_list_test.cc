// Case.List's party_subject filter on the engine (what the Case service
// answers): the party index, combined with the other filters and paging,
// normalized and validated like every subject, never widening who may list.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "exchange/cases/case_engine.h"
#include "exchange/cases/case_engine_test_fixture.h"
#include "exchange/cases/case_engine_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::cases {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const std::string kAnn = testing::ResidentId("11010519700101001");
// kAnn as a legacy 15-digit number.
const std::string kAnnLegacy = "110105700101001";
const std::string kBob = testing::ResidentId("11010519800202002");
const std::string kCid = testing::ResidentId("11010519900303003");

// The engine of case_engine_test_fixture.h (a party-indexed store, reviews
// answered only by hand, so the cases stay open).
class CaseListTest : public testing::CaseEngineTest {
 protected:
  std::string Transfer(const std::string& request_id, const std::string& seller,
                       const std::string& buyer) {
    v1::SubmitCaseRequest request =
        testing::PropertyTransferRequest(request_id);
    request.mutable_parties(0)->set_subject(seller);
    request.mutable_parties(1)->set_subject(buyer);
    return Submit(request);
  }

  // Ids of every case `caller` lists with `request`, following the pages.
  std::vector<std::string> ListAll(const std::string& caller,
                                   v1::ListCasesRequest request) {
    std::vector<std::string> ids;
    for (int i = 0; i < 50; ++i) {
      absl::StatusOr<v1::ListCasesResponse> page =
          engine_->List(caller, request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const v1::CaseRecord& c : page->cases()) ids.push_back(c.case_id());
      if (page->next_page_token().empty()) break;
      request.set_page_token(page->next_page_token());
    }
    return ids;
  }

  static v1::ListCasesRequest ByParty(const std::string& subject,
                                      int page_size = 0) {
    v1::ListCasesRequest request;
    request.set_party_subject(subject);
    request.set_page_size(page_size);
    return request;
  }
};

TEST_F(CaseListTest, PartyFilterCombinesWithTypeStateAndPaging) {
  const std::string t1 = Transfer("t1", kAnn, kBob);
  const std::string t2 = Transfer("t2", kBob, kCid);
  const std::string r1 = Submit(Relocation("r1", kAnn));
  const std::string t3 = Transfer("t3", kCid, kAnn);
  const std::string r2 = Submit(Relocation("r2", kBob));

  EXPECT_THAT(ListAll("servicehall", ByParty(kAnn)), ElementsAre(t3, r1, t1));
  EXPECT_THAT(ListAll("servicehall", ByParty(kAnn, 1)),
              ElementsAre(t3, r1, t1));
  EXPECT_THAT(ListAll("servicehall", ByParty(kBob, 2)),
              ElementsAre(r2, t2, t1));
  // The legacy 15-digit form names the same person.
  EXPECT_THAT(ListAll("servicehall", ByParty(kAnnLegacy, 2)),
              ElementsAre(t3, r1, t1));

  v1::ListCasesRequest transfers = ByParty(kAnn, 1);
  transfers.set_case_type("property_transfer");
  EXPECT_THAT(ListAll("servicehall", transfers), ElementsAre(t3, t1));
  // Unanswered transfers stay RUNNING; the relocation may wait for its
  // deferred material.
  const v1::CaseState r1_state = engine_->Get("servicehall", r1)->state();
  v1::ListCasesRequest running = ByParty(kAnn);
  running.set_state(v1::CASE_STATE_RUNNING);
  if (r1_state == v1::CASE_STATE_RUNNING) {
    EXPECT_THAT(ListAll("servicehall", running), ElementsAre(t3, r1, t1));
  } else {
    EXPECT_THAT(ListAll("servicehall", running), ElementsAre(t3, t1));
  }
  v1::ListCasesRequest completed = ByParty(kAnn);
  completed.set_state(v1::CASE_STATE_COMPLETED);
  EXPECT_THAT(ListAll("servicehall", completed), IsEmpty());

  // Aggregates count the party's cases only.
  absl::StatusOr<v1::ListCasesResponse> page =
      engine_->List("servicehall", ByParty(kCid));
  ASSERT_TRUE(page.ok());
  int64_t counted = 0;
  for (const v1::CaseTypeAggregate& a : page->aggregates()) {
    counted += a.cases();
  }
  EXPECT_EQ(counted, 2);
}

TEST_F(CaseListTest, PartyFilterNeverWidensWhoMayList) {
  const std::string t1 = Transfer("t1", kAnn, kBob);
  const std::string r1 = Submit(Relocation("r1", kAnn));
  // Registry reviews relocations, not transfers; market reviews neither.
  EXPECT_THAT(ListAll("registry", ByParty(kAnn)), ElementsAre(r1));
  EXPECT_THAT(ListAll("market", ByParty(kAnn)), IsEmpty());
  EXPECT_THAT(ListAll("land", ByParty(kAnn)), ElementsAre(r1, t1));
}

TEST_F(CaseListTest, BadPartySubjectIsInvalidArgumentWithoutTheNumber) {
  Transfer("t1", kAnn, kBob);
  std::string bad = kAnn;
  bad.back() = bad.back() == '0' ? '1' : '0';  // wrong check character
  for (const std::string& subject :
       {bad, std::string("12345"), std::string("11010570010100")}) {
    absl::StatusOr<v1::ListCasesResponse> got =
        engine_->List("servicehall", ByParty(subject));
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument)
        << subject;
    EXPECT_THAT(got.status().message(), HasSubstr("party_subject"));
    EXPECT_THAT(got.status().message(), Not(HasSubstr(subject)));
  }
}

TEST_F(CaseListTest, APageTokenBelongsToItsListing) {
  Transfer("t1", kAnn, kBob);
  Transfer("t2", kAnn, kBob);
  v1::ListCasesRequest all;
  all.set_page_size(1);
  absl::StatusOr<v1::ListCasesResponse> page =
      engine_->List("servicehall", all);
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_page_token().empty());
  v1::ListCasesRequest mine = ByParty(kAnn, 1);
  mine.set_page_token(page->next_page_token());
  absl::StatusOr<v1::ListCasesResponse> got =
      engine_->List("servicehall", mine);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(got.status().message(), HasSubstr("page_token"));

  page = engine_->List("servicehall", ByParty(kAnn, 1));
  ASSERT_TRUE(page.ok());
  all.set_page_token(page->next_page_token());
  EXPECT_EQ(engine_->List("servicehall", all).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace datarun::cases
