// Unit tests of the query path with in-memory fakes for the owner adapters
// and the audit log; the catalog, policy, identity and masking are real.
#include "exchange/query/query_processor.h"

#include <deque>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace datarun::query {
namespace {

using ::testing::HasSubstr;

constexpr char kCatalog[] = R"pb(
  departments { id: "land" name: "Land" }
  departments { id: "housing" name: "Housing" }
  datasets {
    id: "land.property_title"
    owner: "land"
    version: 2
    share_type: SHARE_TYPE_CONDITIONAL
    subject_kind: SUBJECT_KIND_PERSON
    fields {
      name: "certificate_no"
      type: FIELD_TYPE_STRING
      sensitivity: SENSITIVITY_PERSONAL
      masking: MASKING_RULE_KEEP_ENDS
    }
    fields {
      name: "area"
      type: FIELD_TYPE_DECIMAL
      sensitivity: SENSITIVITY_INTERNAL
    }
    fields {
      name: "holder_name"
      type: FIELD_TYPE_STRING
      sensitivity: SENSITIVITY_PERSONAL
      masking: MASKING_RULE_NAME
    }
    fields {
      name: "mortgage_holder"
      type: FIELD_TYPE_STRING
      sensitivity: SENSITIVITY_SENSITIVE
      masking: MASKING_RULE_REDACT
    }
  }
)pb";

constexpr char kPolicy[] = R"pb(
  purposes { code: "filing" }
  purposes { code: "other" }
  grants {
    id: "housing-title"
    consumer: "housing"
    dataset: "land.property_title"
    fields: [ "certificate_no", "area" ]
    purposes: [ "filing" ]
  }
  grants {
    id: "housing-title-masked"
    consumer: "housing"
    dataset: "land.property_title"
    fields: [ "certificate_no" ]
    purposes: [ "other" ]
    ungranted_fields: UNGRANTED_FIELDS_MASK
  }
)pb";

// 11010519491231002X is GB 11643's own example number.
constexpr char kSubject[] = "11010519491231002X";

class FakeFetcher final : public router::Fetcher {
 public:
  void Fetch(absl::string_view department, v1::FetchRequest request,
             absl::Time deadline, FetchDone done) override {
    absl::MutexLock lock(&mu_);
    departments_.push_back(std::string(department));
    requests_.push_back(std::move(request));
    deadlines_.push_back(deadline);
    absl::StatusOr<v1::FetchResponse> reply = reply_;
    done(std::move(reply));
  }
  void Reply(absl::StatusOr<v1::FetchResponse> reply) {
    reply_ = std::move(reply);
  }
  int calls() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(requests_.size());
  }
  v1::FetchRequest request(int i) {
    absl::MutexLock lock(&mu_);
    return requests_[i];
  }
  std::string department(int i) {
    absl::MutexLock lock(&mu_);
    return departments_[i];
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> departments_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::FetchRequest> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Time> deadlines_ ABSL_GUARDED_BY(mu_);
  absl::StatusOr<v1::FetchResponse> reply_;
};

class FakeAuditSink final : public audit::AuditSink {
 public:
  void Append(v1::AuditEntry entry, AppendDone done) override {
    absl::MutexLock lock(&mu_);
    if (!fail_.ok()) {
      done(fail_);
      return;
    }
    entries_.push_back(entry);
    audit::AuditReceipt receipt;
    receipt.index = entries_.size() - 1;
    receipt.entry_digest_hex = std::string(64, 'a');
    receipt.logged_at = absl::FromUnixSeconds(1800000000);
    done(receipt);
  }
  void Fail(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_ = std::move(status);
  }
  std::vector<v1::AuditEntry> entries() {
    absl::MutexLock lock(&mu_);
    return entries_;
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::AuditEntry> entries_ ABSL_GUARDED_BY(mu_);
  absl::Status fail_ ABSL_GUARDED_BY(mu_);
};

v1::Value Str(const std::string& s) {
  v1::Value v;
  v.set_string_value(s);
  return v;
}

v1::FetchResponse TitleRecords() {
  v1::FetchResponse response;
  v1::Record* record = response.add_records();
  (*record->mutable_fields())["certificate_no"] =
      Str("京(2021)朝阳区不动产权第0012345号");
  (*record->mutable_fields())["area"].set_decimal_value("89.50");
  (*record->mutable_fields())["holder_name"] = Str("张三丰");
  (*record->mutable_fields())["mortgage_holder"] = Str("Bank");
  return response;
}

class QueryProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = catalog::Catalog::FromText("catalog", kCatalog);
    ASSERT_TRUE(catalog.ok()) << catalog.status();
    catalog_ = std::move(*catalog);
    auto policy = policy::PolicyEngine::FromText("policy", kPolicy, *catalog_);
    ASSERT_TRUE(policy.ok()) << policy.status();
    policy_ = std::move(*policy);
    hasher_ = audit::SubjectHasher::FromKey(std::string(32, 'k'));
    QueryProcessor::Options options = BaseOptions();
    options.max_fields = 3;
    processor_ = std::make_unique<QueryProcessor>(options);
    fetcher_.Reply(TitleRecords());
  }

  // The fixture's catalog, policy, fakes and hasher.
  QueryProcessor::Options BaseOptions() {
    QueryProcessor::Options options;
    options.catalog = catalog_.get();
    options.policy = policy_.get();
    options.router = &fetcher_;
    options.audit = &audit_;
    options.subject_hasher = hasher_.get();
    return options;
  }

  absl::StatusOr<v1::QueryResponse> Run(
      v1::QueryRequest request, absl::Duration budget = absl::Seconds(5)) {
    absl::Notification done;
    absl::StatusOr<v1::QueryResponse> result;
    processor_->Query("housing", request, absl::Now() + budget,
                      [&](absl::StatusOr<v1::QueryResponse> r) {
                        result = std::move(r);
                        done.Notify();
                      });
    done.WaitForNotification();
    return result;
  }

  static v1::QueryRequest Request(std::vector<std::string> fields,
                                  const std::string& purpose = "filing") {
    v1::QueryRequest request;
    request.set_dataset("land.property_title");
    request.set_subject(kSubject);
    for (const auto& f : fields) request.add_fields(f);
    request.mutable_context()->set_purpose(purpose);
    request.mutable_context()->set_on_behalf_of("HB-1");
    return request;
  }

  std::unique_ptr<catalog::Catalog> catalog_;
  std::unique_ptr<policy::PolicyEngine> policy_;
  std::unique_ptr<audit::SubjectHasher> hasher_;
  FakeFetcher fetcher_;
  FakeAuditSink audit_;
  std::unique_ptr<QueryProcessor> processor_;
};

TEST_F(QueryProcessorTest, AllowedQueryReleasesOnlyGrantedFieldsAfterAuditing) {
  auto result = Run(Request({"certificate_no", "area"}));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->records_size(), 1);
  const auto& fields = result->records(0).fields();
  EXPECT_TRUE(fields.contains("certificate_no"));
  EXPECT_TRUE(fields.contains("area"));
  EXPECT_FALSE(fields.contains("holder_name"));
  EXPECT_FALSE(fields.contains("mortgage_holder"));
  EXPECT_EQ(result->dataset_version(), 2);
  EXPECT_EQ(result->grant_id(), "housing-title");
  EXPECT_EQ(result->receipt().entry_index(), 0u);
  EXPECT_FALSE(result->request_id().empty());

  ASSERT_EQ(fetcher_.calls(), 1);
  EXPECT_EQ(fetcher_.department(0), "land");
  EXPECT_EQ(fetcher_.request(0).consumer(), "housing");
  EXPECT_THAT(fetcher_.request(0).fields(),
              ::testing::ElementsAre("certificate_no", "area"));

  auto entries = audit_.entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].decision(), v1::AUDIT_DECISION_ALLOW);
  EXPECT_EQ(entries[0].status_code(), "OK");
  EXPECT_EQ(entries[0].owner(), "land");
  EXPECT_EQ(entries[0].on_behalf_of(), "HB-1");
  EXPECT_EQ(entries[0].record_count(), 1);
  EXPECT_EQ(entries[0].record_digest().size(), 64u);
  EXPECT_EQ(entries[0].subject_hash(), hasher_->Hash(kSubject));
  EXPECT_THAT(entries[0].fields_released(),
              ::testing::ElementsAre("certificate_no", "area"));
  EXPECT_EQ(entries[0].DebugString().find(kSubject), std::string::npos);
}

TEST_F(QueryProcessorTest, LowercaseCheckCharacterIsAuditedUnderTheSameHash) {
  v1::QueryRequest request = Request({"area"});
  request.set_subject("11010519491231002x");
  ASSERT_TRUE(Run(request).ok());
  EXPECT_EQ(audit_.entries()[0].subject_hash(), hasher_->Hash(kSubject));
}

// A case-bound grant releases only when the processor's case_binding hook
// confirms the case; a refusal is audited with the hook's reason.
TEST_F(QueryProcessorTest, CaseBoundGrantAsksTheCaseBinding) {
  constexpr char kCasePolicy[] = R"pb(
    purposes { code: "transfer" }
    grants {
      id: "housing-title-in-case"
      consumer: "housing"
      dataset: "land.property_title"
      fields: [ "certificate_no", "area" ]
      purposes: [ "transfer" ]
      case_type: "property_transfer"
    }
  )pb";
  auto policy =
      policy::PolicyEngine::FromText("policy", kCasePolicy, *catalog_);
  ASSERT_TRUE(policy.ok()) << policy.status();
  policy_ = std::move(*policy);
  struct Asked {
    std::string case_id, case_type, subject;
  };
  std::vector<Asked> asked;
  bool open = true;
  QueryProcessor::Options options = BaseOptions();
  options.case_binding = [&](absl::string_view case_id,
                             absl::string_view case_type,
                             absl::string_view subject) -> absl::Status {
    asked.push_back(
        {std::string(case_id), std::string(case_type), std::string(subject)});
    if (open) return absl::OkStatus();
    return absl::FailedPreconditionError("case 'C-1' is finished");
  };
  processor_ = std::make_unique<QueryProcessor>(options);

  v1::QueryRequest request = Request({"area"}, "transfer");
  request.set_subject("11010519491231002x");
  request.mutable_context()->set_case_id("C-1");
  auto allowed = Run(request);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].case_id, "C-1");
  EXPECT_EQ(asked[0].case_type, "property_transfer");
  EXPECT_EQ(asked[0].subject, kSubject);

  open = false;
  auto refused = Run(request);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.status().message(), HasSubstr("case 'C-1' is finished"));
  EXPECT_EQ(fetcher_.calls(), 1);

  request.mutable_context()->clear_case_id();
  auto no_case = Run(request);
  EXPECT_THAT(no_case.status().message(), HasSubstr("names no case"));
  EXPECT_EQ(asked.size(), 2u);
  auto entries = audit_.entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].decision(), v1::AUDIT_DECISION_DENY);
  EXPECT_EQ(entries[1].case_id(), "C-1");
  EXPECT_EQ(entries[1].grant_id(), "housing-title-in-case");
}

TEST_F(QueryProcessorTest, DeniedQueryIsAuditedAndNeverFetched) {
  auto result = Run(Request({"certificate_no", "mortgage_holder"}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(result.status().message(), HasSubstr("mortgage_holder"));
  EXPECT_EQ(fetcher_.calls(), 0);
  auto entries = audit_.entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].decision(), v1::AUDIT_DECISION_DENY);
  EXPECT_EQ(entries[0].status_code(), "PERMISSION_DENIED");
  EXPECT_THAT(entries[0].reason(), HasSubstr("mortgage_holder"));
  EXPECT_EQ(entries[0].grant_id(), "housing-title");
}

TEST_F(QueryProcessorTest, MaskingGrantMasksTheUngrantedFields) {
  auto result = Run(Request({"certificate_no", "holder_name"}, "other"));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->masked_fields(), ::testing::ElementsAre("holder_name"));
  const v1::Value& name = result->records(0).fields().at("holder_name");
  EXPECT_EQ(name.masked_value(), "张**");
  EXPECT_THAT(audit_.entries()[0].fields_masked(),
              ::testing::ElementsAre("holder_name"));
}

TEST_F(QueryProcessorTest, MalformedRequestsAreRefusedNamingTheField) {
  v1::QueryRequest no_purpose = Request({"area"});
  no_purpose.mutable_context()->clear_purpose();
  EXPECT_THAT(Run(no_purpose).status().message(), HasSubstr("context.purpose"));

  v1::QueryRequest bad_subject = Request({"area"});
  bad_subject.set_subject("11010519491231002");
  auto result = Run(bad_subject);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("subject"));

  v1::QueryRequest organisation = Request({"area"});
  organisation.set_subject("91350100M000100Y43");
  EXPECT_THAT(Run(organisation).status().message(), HasSubstr("about persons"));

  EXPECT_THAT(Run(Request({"area", "area", "area", "area"})).status().message(),
              HasSubstr("at most 3"));

  v1::QueryRequest unknown = Request({"area"});
  unknown.set_dataset("land.nothing");
  EXPECT_EQ(Run(unknown).status().code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(fetcher_.calls(), 0);
  EXPECT_EQ(audit_.entries().size(), 5u);
}

TEST_F(QueryProcessorTest, OwnerFailureIsPassedOnAndAudited) {
  fetcher_.Reply(absl::UnavailableError("department 'land' is unavailable: x"));
  auto result = Run(Request({"area"}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("land"));
  auto entries = audit_.entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].decision(), v1::AUDIT_DECISION_ALLOW);
  EXPECT_EQ(entries[0].status_code(), "UNAVAILABLE");
  EXPECT_EQ(entries[0].record_count(), 0);
}

TEST_F(QueryProcessorTest, RecordViolatingTheSchemaIsAnInternalError) {
  v1::FetchResponse garbage = TitleRecords();
  (*garbage.mutable_records(0)->mutable_fields())["area"] = Str("large");
  fetcher_.Reply(garbage);
  auto result = Run(Request({"area"}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("area"));
  EXPECT_EQ(audit_.entries()[0].status_code(), "INTERNAL");
}

TEST_F(QueryProcessorTest, NothingIsReleasedWhenTheAuditLogFails) {
  audit_.Fail(absl::UnavailableError("disk full"));
  auto result = Run(Request({"area"}));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(result.status().message(), HasSubstr("audit log"));
}

TEST_F(QueryProcessorTest, ExhaustedDeadlineFailsWithoutAskingTheOwner) {
  auto result = Run(Request({"area"}), absl::Milliseconds(10));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(result.status().message(), HasSubstr("land"));
  EXPECT_EQ(fetcher_.calls(), 0);
}

}  // namespace
}  // namespace datarun::query

namespace datarun::query {
namespace {

class QueryProcessorLocalIdTest : public QueryProcessorTest {
 protected:
  // Rebuilds the processor with a local id lookup; with `cached`, a
  // memory-only lookup answering it and, with `offload`, the queue that
  // runs storage lookups off the calling thread.
  void UseLookup(absl::StatusOr<std::string> answer,
                 std::function<absl::optional<std::string>()> cached = nullptr,
                 std::function<absl::Status(absl::AnyInvocable<void() &&>)>
                     offload = nullptr) {
    QueryProcessor::Options options;
    options.catalog = catalog_.get();
    options.policy = policy_.get();
    options.router = &fetcher_;
    options.audit = &audit_;
    options.subject_hasher = hasher_.get();
    options.local_id = [this, answer](absl::string_view subject,
                                      absl::string_view department) {
      lookups_.push_back(absl::StrCat(subject, "@", department));
      lookup_threads_.push_back(std::this_thread::get_id());
      return answer;
    };
    if (cached) {
      options.cached_local_id = [cached](absl::string_view, absl::string_view) {
        return cached();
      };
    }
    options.offload = std::move(offload);
    processor_ = std::make_unique<QueryProcessor>(options);
  }

  void TearDown() override {
    for (std::thread& t : offloaded_) t.join();
  }

  // An offload that runs each task on a thread of its own.
  std::function<absl::Status(absl::AnyInvocable<void() &&>)> OwnThreads() {
    return [this](absl::AnyInvocable<void() &&> task) {
      offloaded_.emplace_back(
          [task = std::move(task)]() mutable { std::move(task)(); });
      return absl::OkStatus();
    };
  }

  std::vector<std::string> lookups_;
  std::vector<std::thread::id> lookup_threads_;
  std::vector<std::thread> offloaded_;
};

TEST_F(QueryProcessorLocalIdTest, OwnersLocalKeyIsPassedToTheAdapter) {
  UseLookup(std::string("QZ-7"));
  ASSERT_TRUE(Run(Request({"area"})).ok());
  ASSERT_EQ(fetcher_.calls(), 1);
  EXPECT_EQ(fetcher_.request(0).local_id(), "QZ-7");
  EXPECT_THAT(lookups_,
              ::testing::ElementsAre(absl::StrCat(kSubject, "@land")));
}

TEST_F(QueryProcessorLocalIdTest, ACachedKeyIsUsedWithoutAStorageLookup) {
  UseLookup(
      std::string("from storage"),
      [] { return absl::optional<std::string>("QZ-7"); }, OwnThreads());
  ASSERT_TRUE(Run(Request({"area"})).ok());
  EXPECT_EQ(fetcher_.request(0).local_id(), "QZ-7");
  EXPECT_TRUE(lookups_.empty());
  EXPECT_TRUE(offloaded_.empty());
}

TEST_F(QueryProcessorLocalIdTest, AStorageLookupRunsOffTheCallingThread) {
  UseLookup(
      std::string("QZ-7"), [] { return absl::optional<std::string>(); },
      OwnThreads());
  ASSERT_TRUE(Run(Request({"area"})).ok());
  EXPECT_EQ(fetcher_.request(0).local_id(), "QZ-7");
  ASSERT_EQ(offloaded_.size(), 1u);
  ASSERT_EQ(lookup_threads_.size(), 1u);
  EXPECT_NE(lookup_threads_[0], std::this_thread::get_id());
}

TEST_F(QueryProcessorLocalIdTest, AFullLookupQueueSkipsTheKeyNotTheQuery) {
  UseLookup(
      std::string("QZ-7"), [] { return absl::optional<std::string>(); },
      [](absl::AnyInvocable<void() &&>) {
        return absl::ResourceExhaustedError(
            "identity lookups: 4096 reads already waiting");
      });
  ASSERT_TRUE(Run(Request({"area"})).ok());
  ASSERT_EQ(fetcher_.calls(), 1);
  EXPECT_EQ(fetcher_.request(0).local_id(), "");
  EXPECT_TRUE(lookups_.empty());
}

TEST_F(QueryProcessorLocalIdTest, LookupFailureFallsBackToTheAdaptersLookup) {
  UseLookup(absl::UnavailableError("registry store unreadable"));
  ASSERT_TRUE(Run(Request({"area"})).ok());
  ASSERT_EQ(fetcher_.calls(), 1);
  EXPECT_EQ(fetcher_.request(0).local_id(), "");
}

TEST_F(QueryProcessorLocalIdTest, DeniedQueryLooksNothingUp) {
  UseLookup(std::string("QZ-7"));
  EXPECT_FALSE(Run(Request({"area"}, "not-a-purpose")).ok());
  EXPECT_TRUE(lookups_.empty());
}

}  // namespace
}  // namespace datarun::query
