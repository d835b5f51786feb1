#include "tools/datarunctl/case_list.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// A fake exchange holding `total` cases, answering pages of at most
// `server_max` (the token is the offset); records each request.
struct FakeExchange {
  int total = 0;
  int server_max = 200;
  std::vector<v1::ListCasesRequest> requests;

  absl::Status List(const v1::ListCasesRequest& request,
                    v1::ListCasesResponse* response) {
    requests.push_back(request);
    int offset = 0;
    if (!request.page_token().empty() &&
        !absl::SimpleAtoi(request.page_token(), &offset)) {
      return absl::InvalidArgumentError("page_token: not a token");
    }
    const int size = std::min(request.page_size(), server_max);
    for (int i = offset; i < total && i < offset + size; ++i) {
      v1::CaseRecord* c = response->add_cases();
      c->set_case_id(absl::StrCat("case-", i));
      c->set_case_type("property_transfer");
      c->set_state(v1::CASE_STATE_COMPLETED);
    }
    if (offset + size < total) {
      response->set_next_page_token(absl::StrCat(offset + size));
    }
    v1::CaseTypeAggregate* a = response->add_aggregates();
    a->set_case_type("property_transfer");
    a->set_cases(total);
    return absl::OkStatus();
  }

  CaseListFetch Fetch() {
    return [this](const v1::ListCasesRequest& r, v1::ListCasesResponse* p) {
      return List(r, p);
    };
  }
};

TEST(ListCasePagesTest, FollowsTokensPastTwoHundredAndKeepsFilters) {
  FakeExchange exchange;
  exchange.total = 450;
  v1::ListCasesRequest request;
  request.set_party_subject("110101199001011234");
  request.set_case_type("property_transfer");
  request.set_state(v1::CASE_STATE_COMPLETED);
  absl::StatusOr<CaseListing> listing =
      ListCasePages(request, 1000, exchange.Fetch());
  ASSERT_TRUE(listing.ok()) << listing.status();
  EXPECT_EQ(listing->cases.size(), 450u);
  EXPECT_FALSE(listing->more);
  EXPECT_EQ(listing->cases.back().case_id(), "case-449");
  ASSERT_EQ(exchange.requests.size(), 3u);
  for (const v1::ListCasesRequest& r : exchange.requests) {
    EXPECT_EQ(r.party_subject(), "110101199001011234");
    EXPECT_EQ(r.case_type(), "property_transfer");
    EXPECT_EQ(r.state(), v1::CASE_STATE_COMPLETED);
    EXPECT_LE(r.page_size(), 200);
  }
  EXPECT_EQ(exchange.requests[1].page_token(), "200");
  ASSERT_EQ(listing->aggregates.size(), 1u);
  EXPECT_EQ(listing->aggregates[0].cases(), 450);
  const std::string text = RenderCaseListing(*listing, 1000);
  EXPECT_THAT(text, HasSubstr("450 case(s) shown\n"));
  EXPECT_THAT(text, Not(HasSubstr("more exist")));
}

TEST(ListCasePagesTest, StopsAtTheLimitAndSaysMoreExist) {
  FakeExchange exchange;
  exchange.total = 450;
  absl::StatusOr<CaseListing> listing =
      ListCasePages(v1::ListCasesRequest(), 250, exchange.Fetch());
  ASSERT_TRUE(listing.ok()) << listing.status();
  EXPECT_EQ(listing->cases.size(), 250u);
  EXPECT_TRUE(listing->more);
  ASSERT_EQ(exchange.requests.size(), 2u);
  EXPECT_EQ(exchange.requests[0].page_size(), 200);
  EXPECT_EQ(exchange.requests[1].page_size(), 50);  // only what is wanted
  EXPECT_THAT(RenderCaseListing(*listing, 250),
              HasSubstr("250 case(s) shown; more exist (the limit is 250: "
                        "raise --limit)\n"));
}

TEST(ListCasePagesTest, ExactlyTheLimitWithNothingLeftIsNotMore) {
  FakeExchange exchange;
  exchange.total = 200;
  absl::StatusOr<CaseListing> listing =
      ListCasePages(v1::ListCasesRequest(), 200, exchange.Fetch());
  ASSERT_TRUE(listing.ok()) << listing.status();
  EXPECT_EQ(listing->cases.size(), 200u);
  EXPECT_FALSE(listing->more);
}

TEST(ListCasePagesTest, SmallServerPagesAreFollowed) {
  FakeExchange exchange;
  exchange.total = 25;
  exchange.server_max = 10;
  absl::StatusOr<CaseListing> listing =
      ListCasePages(v1::ListCasesRequest(), 1000, exchange.Fetch());
  ASSERT_TRUE(listing.ok()) << listing.status();
  EXPECT_EQ(listing->cases.size(), 25u);
  EXPECT_EQ(exchange.requests.size(), 3u);
}

TEST(ListCasePagesTest, AFailedPageIsReturnedAndABadLimitRefused) {
  CaseListFetch failing = [](const v1::ListCasesRequest&,
                             v1::ListCasesResponse*) {
    return absl::PermissionDeniedError("servicehall only");
  };
  EXPECT_EQ(ListCasePages(v1::ListCasesRequest(), 10, failing).status().code(),
            absl::StatusCode::kPermissionDenied);
  FakeExchange exchange;
  absl::StatusOr<CaseListing> bad =
      ListCasePages(v1::ListCasesRequest(), 0, exchange.Fetch());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("--limit"));
}

}  // namespace
}  // namespace datarun::ctl
