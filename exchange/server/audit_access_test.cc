#include "exchange/server/audit_access.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::server {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kDepartments = {"land", "tax", "servicehall",
                                               "audit"};

AuditAccess Rules() {
  AuditAccess::Options options;
  options.audit_readers = {"audit"};
  auto access = AuditAccess::Create(options, kDepartments);
  EXPECT_TRUE(access.ok()) << access.status();
  return *access;
}

TEST(AuditAccessTest, UnknownAuditReaderIsRejectedNamingIt) {
  AuditAccess::Options options;
  options.audit_readers = {"audit", "inspectorate"};
  auto access = AuditAccess::Create(options, kDepartments);
  ASSERT_FALSE(access.ok());
  EXPECT_EQ(access.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(access.status().message(), HasSubstr("audit_readers"));
  EXPECT_THAT(access.status().message(), HasSubstr("'inspectorate'"));
}

TEST(AuditAccessTest, OnlyAuditReadersListEntries) {
  AuditAccess access = Rules();
  EXPECT_TRUE(access.CheckListEntries("audit").ok());
  absl::Status denied = access.CheckListEntries("tax");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("only audit readers (audit)"));
}

TEST(AuditAccessTest, NonAuditorsSearchOnlyTheirOwnAccesses) {
  AuditAccess access = Rules();
  EXPECT_EQ(*access.SearchConsumer("tax", ""), "tax");
  EXPECT_EQ(*access.SearchConsumer("tax", "tax"), "tax");
  auto other = access.SearchConsumer("tax", "land");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(other.status().message(), HasSubstr("only its own accesses"));
  EXPECT_THAT(other.status().message(), HasSubstr("'land'"));
}

TEST(AuditAccessTest, AuditReadersSearchAnyConsumerOrAll) {
  AuditAccess access = Rules();
  EXPECT_EQ(*access.SearchConsumer("audit", ""), "");
  EXPECT_EQ(*access.SearchConsumer("audit", "land"), "land");
}

TEST(AuditAccessTest, SubjectAccessesForAuditorsAndTheServiceHall) {
  AuditAccess access = Rules();
  EXPECT_TRUE(access.CheckSubjectAccess("audit").ok());
  EXPECT_TRUE(access.CheckSubjectAccess("servicehall").ok());
  absl::Status denied = access.CheckSubjectAccess("land");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("service hall (servicehall)"));
}

TEST(AuditAccessTest, WithoutAuditReadersNobodyListsTheLog) {
  auto access = AuditAccess::Create({}, kDepartments);
  ASSERT_TRUE(access.ok());
  EXPECT_FALSE(access->CheckListEntries("audit").ok());
  EXPECT_THAT(access->CheckListEntries("audit").message(),
              HasSubstr("none configured"));
  EXPECT_TRUE(access->CheckSubjectAccess("servicehall").ok());
}

}  // namespace
}  // namespace datarun::server
