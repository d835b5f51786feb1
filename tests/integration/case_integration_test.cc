// Cases end to end with real processes: the service hall submits one
// property transfer; the exchange checks its materials exist as the service
// hall (identifying fields only), each department reads what its step needs
// through the query path, inside the case, and the exchange runs the housing,
// tax and land reviews at once on the real adapters (each taking a simulated
// review time), then the land transfer, which writes the new title into the
// land registry's legacy store. After `kill -9` of the exchange mid-case, the
// case resumes and every step's effect happens exactly once.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "datarun/v1/case.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/stack_fixture.h"

namespace datarun::testing {
namespace {

using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kReviewMs = 600;

class CaseIntegrationTest : public StackFixture {
 protected:
  void Customize(local::LocalStack::Options& options) override {
    options.adapter_review_delay_ms = kReviewMs;
  }

  std::unique_ptr<v1::Case::Stub> Cases() {
    return v1::Case::NewStub(ChannelAs("servicehall"));
  }

  v1::SubmitCaseRequest Transfer(const std::string& request_id,
                                 const std::string& seller,
                                 const std::string& buyer) {
    v1::SubmitCaseRequest request;
    request.set_case_type("property_transfer");
    request.set_request_id(request_id);
    request.set_on_behalf_of("SH-0042");
    v1::CasePartyInput* s = request.add_parties();
    s->set_role("seller");
    s->set_subject(seller);
    v1::CasePartyInput* b = request.add_parties();
    b->set_role("buyer");
    b->set_subject(buyer);
    for (const char* material : {"seller_application", "buyer_application"}) {
      v1::UploadedMaterial* upload = request.add_uploaded();
      upload->set_material(material);
      upload->set_reference(absl::StrCat("ESIGN-", material));
    }
    return request;
  }

  absl::StatusOr<v1::CaseRecord> Submit(const v1::SubmitCaseRequest& request) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    v1::SubmitCaseResponse response;
    grpc::Status status = Cases()->Submit(&context, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return response.case_();
  }

  absl::StatusOr<v1::CaseRecord> Get(const std::string& case_id) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    context.set_wait_for_ready(true);
    v1::GetCaseRequest request;
    request.set_case_id(case_id);
    v1::CaseRecord record;
    grpc::Status status = Cases()->Get(&context, request, &record);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return record;
  }

  // The service hall's query of `buyer`'s contract price, in `case_id`
  // (none when empty).
  v1::QueryResponse ServiceHallPrice(const std::string& buyer,
                                     const std::string& case_id) {
    v1::QueryRequest price;
    price.set_dataset("housing.sale_contract");
    price.set_subject(buyer);
    price.add_fields("contract_no");
    price.add_fields("price");
    price.mutable_context()->set_purpose("property_transfer.intake");
    price.mutable_context()->set_case_id(case_id);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(5));
    v1::QueryResponse response;
    grpc::Status status =
        StubAs("servicehall")->Query(&context, price, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Titles in force of `subject`, as land reads them.
  int TitlesOf(const std::string& subject) {
    v1::QueryResponse response;
    grpc::Status status = Query(*StubAs("housing"), "land.property_title",
                                subject, "property_transfer.contract_filing",
                                {"certificate_no"}, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) return 0;
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.records_size();
  }
};

TEST_F(CaseIntegrationTest, ReviewsRunInParallelAndTheTitleIsTransferred) {
  const std::string seller = Subject("seller_id");
  const std::string buyer = Subject("buyer_id");
  const int buyer_titles_before = TitlesOf(buyer);
  auto submitted = Submit(Transfer("it-transfer-1", seller, buyer));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  // The service hall may not read the price, outside a case or inside this
  // one (open or not): its grants release it masked.
  for (const std::string& case_id : {std::string(), submitted->case_id()}) {
    v1::QueryResponse price = ServiceHallPrice(buyer, case_id);
    EXPECT_EQ(price.grant_id(), "servicehall.sale_contract.intake") << case_id;
    EXPECT_THAT(price.masked_fields(), ElementsAre("price")) << case_id;
  }
  v1::CaseRecord done = WaitCaseSettled(submitted->case_id());
  ASSERT_EQ(done.state(), v1::CASE_STATE_COMPLETED) << done.DebugString();

  const v1::StepRecord* housing = StepOf(done, "contract_review");
  const v1::StepRecord* tax = StepOf(done, "deed_tax");
  const v1::StepRecord* land = StepOf(done, "title_review");
  const v1::StepRecord* transfer = StepOf(done, "transfer");
  ASSERT_NE(housing, nullptr);
  ASSERT_NE(tax, nullptr);
  ASSERT_NE(land, nullptr);
  ASSERT_NE(transfer, nullptr);
  // The three reviews overlap: each started before any of them finished.
  const int64_t first_finish =
      std::min({housing->finished_at_micros(), tax->finished_at_micros(),
                land->finished_at_micros()});
  for (const v1::StepRecord* review : {housing, tax, land}) {
    EXPECT_EQ(review->state(), v1::STEP_STATE_APPROVED) << review->reason();
    EXPECT_LT(review->started_at_micros(), first_finish) << review->step();
  }
  // The join: the transfer starts after the last review.
  const int64_t last_finish =
      std::max({housing->finished_at_micros(), tax->finished_at_micros(),
                land->finished_at_micros()});
  EXPECT_GE(transfer->started_at_micros(), last_finish);
  ASSERT_EQ(transfer->issued_size(), 1);
  EXPECT_EQ(transfer->issued(0).material(), "new_title");
  ASSERT_EQ(tax->issued_size(), 1);
  EXPECT_EQ(tax->issued(0).material(), "deed_tax_certificate");

  // Elapsed is about two review times, the serial sum about four.
  EXPECT_LT(done.metrics().elapsed_ms(), done.metrics().serial_sum_ms());
  EXPECT_GE(done.metrics().serial_sum_ms(), 4 * kReviewMs);
  EXPECT_GE(done.metrics().elapsed_ms(), done.metrics().critical_path_ms());
  EXPECT_EQ(done.metrics().trips(), 1);
  EXPECT_EQ(done.metrics().materials_uploaded(), 2);
  EXPECT_GT(done.metrics().materials_pulled(), 5);

  // The land registry's store holds the new title of the buyer.
  EXPECT_EQ(TitlesOf(buyer), buyer_titles_before + 1);

  // Who read what, inside the case: the tax bureau read the contract's price
  // for the deed tax and land read the seller's title for the title review,
  // each under its own case-bound grant; the service hall only checked that
  // they exist, on identifying fields.
  const std::string& case_id = done.case_id();
  bool tax_read_price = false, land_read_title = false;
  for (const v1::AuditEntry& e : AccessesTo(buyer)) {
    if (e.case_id() != case_id || e.dataset() != "housing.sale_contract") {
      continue;
    }
    if (e.consumer() == "tax") {
      EXPECT_EQ(e.grant_id(), "tax.sale_contract.case");
      EXPECT_EQ(e.request_id(), case_id + "/deed_tax/buyer_sale_contract");
      EXPECT_EQ(e.on_behalf_of(), "SH-0042");
      tax_read_price =
          tax_read_price ||
          std::find(e.fields_released().begin(), e.fields_released().end(),
                    "price") != e.fields_released().end();
    } else {
      EXPECT_EQ(e.consumer(), "servicehall") << e.DebugString();
      EXPECT_THAT(e.fields_released(), Not(Contains("price")));
    }
  }
  EXPECT_TRUE(tax_read_price);
  for (const v1::AuditEntry& e : AccessesTo(seller)) {
    if (e.case_id() != case_id || e.dataset() != "land.property_title") {
      continue;
    }
    if (e.consumer() == "servicehall") {
      EXPECT_THAT(e.fields_released(), Not(Contains("registered_on")));
    } else if (e.consumer() == "land") {
      EXPECT_EQ(e.grant_id(), "land.property_title.case");
      EXPECT_EQ(e.request_id(), case_id + "/title_review/title_certificate");
      land_read_title = true;
    } else if (e.consumer() == "tax") {
      EXPECT_EQ(e.grant_id(), "tax.property_title.case");
    }
  }
  EXPECT_TRUE(land_read_title);
  // Case.Get's events name the department that read each material.
  {
    grpc::ClientContext watch_context;
    watch_context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(10));
    v1::WatchCaseRequest watch;
    watch.set_case_id(case_id);
    auto reader = Cases()->Watch(&watch_context, watch);
    v1::CaseEvent event;
    bool named = false;
    while (reader->Read(&event)) {
      if (event.kind() == v1::CASE_EVENT_KIND_MATERIAL_PULLED &&
          event.step() == "deed_tax" &&
          event.material() == "buyer_sale_contract") {
        EXPECT_THAT(event.detail(), HasSubstr("read by tax"));
        named = true;
      }
    }
    EXPECT_TRUE(reader->Finish().ok());
    EXPECT_TRUE(named);
  }

  // After the case the service hall still gets the price masked.
  v1::QueryResponse after_case = ServiceHallPrice(buyer, case_id);
  EXPECT_EQ(after_case.grant_id(), "servicehall.sale_contract.intake");
  EXPECT_THAT(after_case.masked_fields(), ElementsAre("price"));

  // Watching the finished case replays every one of its events, in order,
  // ending with FINISHED.
  {
    grpc::ClientContext watch_context;
    watch_context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(10));
    v1::WatchCaseRequest watch;
    watch.set_case_id(done.case_id());
    auto reader = Cases()->Watch(&watch_context, watch);
    v1::CaseEvent event;
    uint64_t expected = 1;
    v1::CaseEventKind last_kind = v1::CASE_EVENT_KIND_UNSPECIFIED;
    while (reader->Read(&event)) {
      EXPECT_EQ(event.sequence(), expected++);
      last_kind = event.kind();
    }
    grpc::Status watched = reader->Finish();
    EXPECT_TRUE(watched.ok()) << watched.error_message();
    EXPECT_EQ(expected - 1, done.last_event());
    EXPECT_EQ(last_kind, v1::CASE_EVENT_KIND_FINISHED);
  }

  // Submitting the same request again returns the same case.
  auto again = Submit(Transfer("it-transfer-1", seller, buyer));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->case_id(), done.case_id());
  EXPECT_EQ(TitlesOf(buyer), buyer_titles_before + 1);
}

TEST_F(CaseIntegrationTest, AMortgagedTitleIsRejectedAndNothingIsWritten) {
  const std::string seller = Subject("mortgaged_owner_id");
  const std::string buyer = Subject("buyer_id");
  const int buyer_titles_before = TitlesOf(buyer);
  auto submitted = Submit(Transfer("it-mortgaged-1", seller, buyer));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  v1::CaseRecord done = WaitCaseSettled(submitted->case_id());
  ASSERT_EQ(done.state(), v1::CASE_STATE_REJECTED) << done.DebugString();
  // Two reviews reject this application at once: land (the title is
  // mortgaged) and housing (no contract between these two is filed).
  // Whichever answers first ends the case and names itself in the reason;
  // the other's answer is still recorded on its step.
  EXPECT_THAT(done.reason(), AnyOf(HasSubstr("'title_review' (land)"),
                                   HasSubstr("'contract_review' (housing)")));
  const v1::StepRecord* title = StepOf(done, "title_review");
  ASSERT_NE(title, nullptr);
  EXPECT_EQ(title->state(), v1::STEP_STATE_REJECTED) << done.DebugString();
  EXPECT_THAT(title->reason(), HasSubstr("mortgage"));
  const v1::StepRecord* contract = StepOf(done, "contract_review");
  ASSERT_NE(contract, nullptr);
  EXPECT_EQ(contract->state(), v1::STEP_STATE_REJECTED) << done.DebugString();
  EXPECT_THAT(contract->reason(), HasSubstr("no sale contract"));
  const v1::StepRecord* transfer = StepOf(done, "transfer");
  ASSERT_NE(transfer, nullptr);
  EXPECT_EQ(transfer->state(), v1::STEP_STATE_SKIPPED);
  EXPECT_EQ(TitlesOf(buyer), buyer_titles_before);
}

TEST_F(CaseIntegrationTest, BadApplicationsAreRefusedNamingTheProblem) {
  v1::SubmitCaseRequest request =
      Transfer("it-bad-1", Subject("seller_id"), "110105194912310021");
  auto bad_subject = Submit(request);
  EXPECT_EQ(bad_subject.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_subject.status().message(), HasSubstr("check character"));

  request = Transfer("it-bad-2", Subject("seller_id"), Subject("buyer_id"));
  request.mutable_uploaded()->RemoveLast();
  auto missing = Submit(request);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("buyer_application"));

  request.set_case_type("flat_sale");
  EXPECT_EQ(Submit(request).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CaseIntegrationTest, ResumesAfterKillDashNineAndFinishesOnce) {
  const std::string seller = Subject("seller_id");
  const std::string buyer = Subject("buyer_id");
  const int buyer_titles_before = TitlesOf(buyer);
  auto submitted = Submit(Transfer("it-crash-1", seller, buyer));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  // Kill the exchange while the reviews are running.
  absl::SleepFor(absl::Milliseconds(kReviewMs / 2));
  auto mid = Get(submitted->case_id());
  ASSERT_TRUE(mid.ok()) << mid.status();
  EXPECT_EQ(mid->state(), v1::CASE_STATE_RUNNING);
  ASSERT_TRUE(stack().RestartExchange(SIGKILL).ok());

  v1::CaseRecord done = WaitCaseSettled(submitted->case_id());
  ASSERT_EQ(done.state(), v1::CASE_STATE_COMPLETED) << done.DebugString();
  // The buyer got exactly one new title and one deed tax certificate.
  EXPECT_EQ(TitlesOf(buyer), buyer_titles_before + 1);
  v1::QueryResponse certificates;
  grpc::Status status =
      Query(*StubAs("land"), "tax.payment_certificate", buyer,
            "property_transfer.title_transfer", {}, &certificates);
  ASSERT_TRUE(status.ok()) << status.error_message();
  int deed_tax = 0;
  for (const v1::Record& record : certificates.records()) {
    auto it = record.fields().find("tax_type");
    if (it != record.fields().end() &&
        it->second.string_value().find("契税") != std::string::npos) {
      ++deed_tax;
    }
  }
  EXPECT_EQ(deed_tax, 1);
}

}  // namespace
}  // namespace datarun::testing
