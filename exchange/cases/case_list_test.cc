// Case.List's party_subject filter on the engine (what the Case service
// answers): the party index, combined with the other filters and paging,
// normalized and validated like every subject, never widening who may list.
#include <stdlib.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/cases/case_engine.h"
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

class CaseListTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/case_list_test.XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    auto config = testing::LoadCaseConfig("deploy/local");
    ASSERT_TRUE(config.ok()) << config.status();
    config_ = *std::move(config);
    hasher_ = audit::SubjectHasher::FromKey("case list test key");
    auto store = CaseStore::Open({dir_ + "/cases", true, hasher_.get()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    CaseEngine::Options options;
    options.case_types = config_.types.get();
    options.catalog = config_.catalog.get();
    options.store = store_.get();
    // Reviews are never answered: the cases stay open.
    options.review = [](const std::string&, const v1::ReviewRequest&,
                        absl::Time, CaseEngine::ReviewDone) {};
    options.query = testing::InstantQuery;
    auto engine = CaseEngine::Start(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
  }

  void TearDown() override {
    engine_.reset();
    store_.reset();
    std::system(absl::StrCat("rm -rf ", dir_).c_str());
  }

  std::string Transfer(const std::string& request_id, const std::string& seller,
                       const std::string& buyer) {
    v1::SubmitCaseRequest request =
        testing::PropertyTransferRequest(request_id);
    request.mutable_parties(0)->set_subject(seller);
    request.mutable_parties(1)->set_subject(buyer);
    return Submit(request);
  }

  std::string Relocation(const std::string& request_id,
                         const std::string& applicant) {
    v1::SubmitCaseRequest request;
    request.set_case_type("household_relocation");
    request.set_request_id(request_id);
    v1::CasePartyInput* p = request.add_parties();
    p->set_role("applicant");
    p->set_subject(applicant);
    v1::UploadedMaterial* u = request.add_uploaded();
    u->set_material("relocation_application");
    u->set_reference("FORM-1");
    request.add_deferred("marriage_status");
    return Submit(request);
  }

  std::string Submit(const v1::SubmitCaseRequest& request) {
    auto response = engine_->Submit("servicehall", request);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->case_().case_id() : "";
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

  std::string dir_;
  testing::CaseConfig config_;
  std::unique_ptr<audit::SubjectHasher> hasher_;
  std::unique_ptr<CaseStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

TEST_F(CaseListTest, PartyFilterCombinesWithTypeStateAndPaging) {
  const std::string t1 = Transfer("t1", kAnn, kBob);
  const std::string t2 = Transfer("t2", kBob, kCid);
  const std::string r1 = Relocation("r1", kAnn);
  const std::string t3 = Transfer("t3", kCid, kAnn);
  const std::string r2 = Relocation("r2", kBob);

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
  const std::string r1 = Relocation("r1", kAnn);
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
