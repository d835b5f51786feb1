#include "tools/datarunctl/case_render.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::ctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

v1::CaseEvent Event(uint64_t seq, v1::CaseEventKind kind,
                    const std::string& step, const std::string& material,
                    const std::string& detail) {
  v1::CaseEvent e;
  e.set_sequence(seq);
  e.set_kind(kind);
  e.set_step(step);
  e.set_material(material);
  e.set_detail(detail);
  return e;
}

v1::CaseEvent Check(uint64_t seq, const std::string& material,
                    const std::string& detail) {
  return Event(seq, v1::CASE_EVENT_KIND_MATERIAL_PULLED, "", material, detail);
}

v1::CaseEvent Read(uint64_t seq, const std::string& step,
                   const std::string& material, const std::string& detail) {
  return Event(seq, v1::CASE_EVENT_KIND_MATERIAL_PULLED, step, material,
               detail);
}

constexpr char kTaxRead[] =
    "read by tax for step 'deed_tax' from housing.sale_contract (housing) "
    "under grant 'tax.sale_contract.case': 1 record(s), audit entry #123";

TEST(ParseMaterialEventTest, StepRead) {
  MaterialEvent m =
      ParseMaterialEvent(Read(7, "deed_tax", "buyer_sale_contract", kTaxRead));
  EXPECT_TRUE(m.ok);
  EXPECT_EQ(m.sequence, 7u);
  EXPECT_EQ(m.step, "deed_tax");
  EXPECT_EQ(m.material, "buyer_sale_contract");
  EXPECT_EQ(m.department, "tax");
  EXPECT_EQ(m.dataset, "housing.sale_contract");
  EXPECT_EQ(m.owner, "housing");
  EXPECT_EQ(m.grant, "tax.sale_contract.case");
  EXPECT_EQ(m.records, 1);
  EXPECT_EQ(m.audit_entry, 123);
}

TEST(ParseMaterialEventTest, StepReadAfterRetries) {
  MaterialEvent m = ParseMaterialEvent(
      Read(7, "deed_tax", "c",
           "read by tax for step 'deed_tax' from housing.sale_contract "
           "(housing) under grant 'g': 2 record(s), audit entry #9, after 3 "
           "attempts"));
  EXPECT_TRUE(m.ok);
  EXPECT_EQ(m.records, 2);
  EXPECT_EQ(m.audit_entry, 9);
}

TEST(ParseMaterialEventTest, SubmissionCheckHeldAndNotHeld) {
  MaterialEvent held = ParseMaterialEvent(
      Check(2, "seller_title",
            "held by land (land.property_title, 1 record(s)): checked by "
            "servicehall on identifying fields only"));
  EXPECT_TRUE(held.ok);
  EXPECT_EQ(held.owner, "land");
  EXPECT_EQ(held.dataset, "land.property_title");
  EXPECT_EQ(held.records, 1);
  EXPECT_EQ(held.audit_entry, -1);

  MaterialEvent missing = ParseMaterialEvent(
      Check(3, "marriage", "not pulled: registry holds no record"));
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.detail, "not pulled: registry holds no record");
}

TEST(ParseMaterialEventTest, StructuredFieldsWinOverTheDetailWording) {
  v1::CaseEvent read = Read(7, "deed_tax", "buyer_sale_contract", "已读取");
  read.set_reader("tax");
  read.set_dataset("housing.sale_contract");
  read.set_owner("housing");
  read.set_grant_id("tax.sale_contract.case");
  read.set_records(1);
  read.set_audit_entry_index(0);
  MaterialEvent m = ParseMaterialEvent(read);
  EXPECT_TRUE(m.ok);
  EXPECT_EQ(m.department, "tax");
  EXPECT_EQ(m.dataset, "housing.sale_contract");
  EXPECT_EQ(m.owner, "housing");
  EXPECT_EQ(m.grant, "tax.sale_contract.case");
  EXPECT_EQ(m.records, 1);
  EXPECT_EQ(m.audit_entry, 0);

  // A submission check answered without a record: not held.
  v1::CaseEvent check =
      Check(2, "marriage", "not pulled: registry holds no record");
  check.set_reader("servicehall");
  check.set_dataset("registry.marriage");
  check.set_owner("registry");
  check.set_audit_entry_index(5);
  MaterialEvent not_held = ParseMaterialEvent(check);
  EXPECT_FALSE(not_held.ok);
  EXPECT_EQ(not_held.department, "");
  EXPECT_EQ(not_held.owner, "registry");

  // A read that failed: no answer, no audit entry.
  v1::CaseEvent failed = Read(9, "deed_tax", "m", "step refused");
  failed.set_reader("tax");
  failed.set_dataset("d");
  MaterialEvent refused = ParseMaterialEvent(failed);
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.audit_entry, -1);
  EXPECT_EQ(refused.detail, "step refused");
}

TEST(ParseMaterialEventTest, UnknownDetailIsKeptNotParsed) {
  MaterialEvent m = ParseMaterialEvent(Read(4, "s", "m", "read by"));
  EXPECT_FALSE(m.ok);
  EXPECT_EQ(m.detail, "read by");
}

TEST(MaterialEventGroupsTest, GroupsChecksOncePerMaterialAndReadsByStep) {
  MaterialEventGroups groups;
  EXPECT_FALSE(
      groups.Add(Event(1, v1::CASE_EVENT_KIND_SUBMITTED, "", "", "submitted")));
  EXPECT_TRUE(groups.Add(Check(2, "contract", "not pulled: UNAVAILABLE")));
  EXPECT_TRUE(
      groups.Add(Check(3, "contract",
                       "held by housing (housing.sale_contract, 1 record(s)): "
                       "checked by servicehall on identifying fields only")));
  EXPECT_TRUE(groups.Add(Read(4, "deed_tax", "contract", kTaxRead)));
  EXPECT_TRUE(groups.Add(Read(
      5, "title_review", "title",
      "read by land for step 'title_review' from land.property_title (land) "
      "under grant 'land.title.case': 1 record(s), audit entry #124")));
  ASSERT_EQ(groups.checks().size(), 1u);
  EXPECT_TRUE(groups.checks()[0].ok);  // the latest check wins
  EXPECT_EQ(groups.steps(),
            (std::vector<std::string>{"deed_tax", "title_review"}));
  EXPECT_EQ(groups.ReadsOf("deed_tax").size(), 1u);
  EXPECT_TRUE(groups.ReadsOf("no_such_step").empty());
}

TEST(RenderTest, ReadsNameDatasetGrantAndAuditEntry) {
  MaterialEventGroups groups;
  groups.Add(Read(4, "deed_tax", "buyer_sale_contract", kTaxRead));
  groups.Add(Read(5, "deed_tax", "buyer_id_card",
                  "public_security.id_card not readable by tax: "
                  "PERMISSION_DENIED; the step waits for it to be supplied"));
  EXPECT_EQ(RenderReads(groups.ReadsOf("deed_tax")),
            "buyer_sale_contract (housing.sale_contract, grant "
            "tax.sale_contract.case, audit #123), buyer_id_card: not read "
            "(public_security.id_card not readable by tax: PERMISSION_DENIED; "
            "the step waits for it to be supplied)");
}

TEST(RenderTest, ChecksTellHeldNotHeldAndDeferred) {
  MaterialEventGroups groups;
  groups.Add(Check(2, "title",
                   "held by land (land.property_title, 1 record(s)): checked "
                   "by servicehall on identifying fields only"));
  groups.Add(Check(3, "marriage", "not pulled: registry holds no record"));
  groups.Add(Check(4, "tax_record", "not pulled: tax holds no record"));
  groups.Add(Check(5, "contract",
                   "held by housing (housing.sale_contract, 1 record(s)): "
                   "checked by servicehall on identifying fields only"));
  groups.Add(Check(6, "seller_title",
                   "held by land (land.property_title, 1 record(s)): checked "
                   "by servicehall on identifying fields only"));
  v1::CaseRecord record;
  v1::MaterialRecord* m = record.add_materials();
  m->set_material("tax_record");
  m->set_source("deferred");
  EXPECT_EQ(RenderChecks(groups.checks(), &record),
            "held by land: title, seller_title; held by housing: contract; "
            "not held: marriage (registry holds no record); deferred: "
            "tax_record (tax holds no record)");
}

TEST(RenderCaseTimelineTest, ShowsChecksAndEachStepsReadsUnderTheStep) {
  v1::CaseRecord record;
  record.set_case_id("c-1");
  record.set_case_type("property_transfer");
  record.set_state(v1::CASE_STATE_COMPLETED);
  record.set_submitted_by("servicehall");
  record.set_submitted_at_micros(1000000);
  record.set_finished_at_micros(2000000);
  v1::StepRecord* tax = record.add_steps();
  tax->set_step("deed_tax");
  tax->set_department("tax");
  tax->set_state(v1::STEP_STATE_APPROVED);
  tax->set_started_at_micros(1100000);
  tax->set_finished_at_micros(1900000);
  v1::StepRecord* land = record.add_steps();
  land->set_step("title_transfer");
  land->set_department("land");
  land->set_state(v1::STEP_STATE_APPROVED);

  MaterialEventGroups groups;
  groups.Add(Check(2, "buyer_sale_contract",
                   "held by housing (housing.sale_contract, 1 record(s)): "
                   "checked by servicehall on identifying fields only"));
  groups.Add(Read(4, "deed_tax", "buyer_sale_contract", kTaxRead));
  const std::string text = RenderCaseTimeline(record, &groups);
  EXPECT_THAT(text, HasSubstr("checked at submission by servicehall: held by "
                              "housing: buyer_sale_contract\n"));
  const size_t step_line = text.find("  deed_tax ");
  const size_t read_line = text.find(
      "      read: buyer_sale_contract (housing.sale_contract, grant "
      "tax.sale_contract.case, audit #123)\n");
  const size_t next_step = text.find("  title_transfer ");
  ASSERT_NE(step_line, std::string::npos) << text;
  ASSERT_NE(read_line, std::string::npos) << text;
  ASSERT_NE(next_step, std::string::npos) << text;
  EXPECT_LT(step_line, read_line);
  EXPECT_LT(read_line, next_step);
  // One read line only: title_transfer read nothing.
  EXPECT_EQ(text.find("      read:", read_line + 1), std::string::npos) << text;

  EXPECT_THAT(RenderCaseTimeline(record, nullptr), Not(HasSubstr("read:")));
}

TEST(CaseEventPrinterTest, HoldsMaterialEventsBackAndPrintsThemGrouped) {
  CaseEventPrinter printer;
  EXPECT_EQ(
      printer.Add(Event(1, v1::CASE_EVENT_KIND_SUBMITTED, "", "", "1 pulled")),
      "  #1 SUBMITTED: 1 pulled\n");
  EXPECT_EQ(printer.Add(Check(2, "buyer_sale_contract",
                              "held by housing (housing.sale_contract, 1 "
                              "record(s)): checked by servicehall on "
                              "identifying fields only")),
            "");
  EXPECT_EQ(printer.Add(Read(3, "deed_tax", "buyer_sale_contract", kTaxRead)),
            "");
  EXPECT_EQ(
      printer.Add(
          Event(4, v1::CASE_EVENT_KIND_STEP_STARTED, "deed_tax", "", "")),
      "  #2 MATERIALS checked at submission: held by housing: "
      "buyer_sale_contract\n"
      "  #3 deed_tax (tax) read: buyer_sale_contract (housing.sale_contract, "
      "grant tax.sale_contract.case, audit #123)\n"
      "  #4 STEP_STARTED deed_tax\n");
  EXPECT_EQ(printer.Flush(), "");
  printer.Add(Read(5, "deed_tax", "buyer_sale_contract", kTaxRead));
  EXPECT_THAT(printer.Flush(), HasSubstr("#5 deed_tax (tax) read:"));
}

}  // namespace
}  // namespace datarun::ctl
