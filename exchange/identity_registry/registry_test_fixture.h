// Shared GoogleTest fixture of the identity registry tests: a registry in a
// fresh mkdtemp directory, a fixed hash key and a settable clock.
#ifndef DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_TEST_FIXTURE_H_
#define DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_TEST_FIXTURE_H_

#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/identity_registry/identity_registry.h"
#include "exchange/identity_registry/identity_registry_testing.h"
#include "exchange/identity_registry/registry_keys.h"
#include "gtest/gtest.h"

namespace datarun::identity {

class RegistryTest : public ::testing::Test {
 protected:
  static constexpr int64_t kStartMicros = 1'790'000'000'000'000;

  void SetUp() override {
    char tmpl[] = "/tmp/identity_registry_test_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    hasher_ = audit::SubjectHasher::FromKey("registry test key");
    Reopen();
  }

  void TearDown() override {
    registry_.reset();
    std::filesystem::remove_all(dir_);
  }

  IdentityRegistry::Options MakeOptions() {
    IdentityRegistry::Options options;
    options.path = dir_ + "/identity";
    options.hasher = hasher_.get();
    options.sync = false;
    options.cache_capacity = cache_capacity_;
    options.shared_kinds = shared_kinds_;
    options.now = [this] {
      return absl::FromUnixMicros(clock_micros_.fetch_add(1000));
    };
    return options;
  }

  void Reopen() {
    registry_.reset();
    auto registry = IdentityRegistry::Open(MakeOptions());
    ASSERT_TRUE(registry.ok()) << registry.status();
    registry_ = *std::move(registry);
  }

  // Fingerprint of a canonical 18-character subject.
  std::string Fp(const std::string& subject) {
    return hasher_->Hash(subject).substr(0, 16);
  }

  IdentityRegistry::LinkResult MustLink(const std::string& subject,
                                        const v1::LocalId& id,
                                        bool primary = false,
                                        const std::string& actor = "") {
    auto result = registry_->Link(subject, id, primary,
                                  actor.empty() ? id.department() : actor,
                                  "test assertion");
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : IdentityRegistry::LinkResult();
  }

  // The links of a resolved subject, or none.
  std::vector<v1::IdentityLink> Links(const std::string& subject) {
    auto resolution = registry_->Resolve(subject);
    if (!resolution.ok()) return {};
    return resolution->links;
  }

  const v1::IdentityLink* FindLink(const std::vector<v1::IdentityLink>& links,
                                   absl::string_view value) {
    for (const auto& link : links) {
      if (link.local_id().value() == value) return &link;
    }
    return nullptr;
  }

  std::string Primary(const std::string& subject, absl::string_view dept) {
    auto value = registry_->PrimaryLocalId(subject, dept);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.ok() ? *value : "<error>";
  }

  std::vector<v1::IdentityEventKind> EventKinds(const std::string& subject) {
    std::vector<v1::IdentityEventKind> kinds;
    auto events = registry_->History(subject);
    EXPECT_TRUE(events.ok()) << events.status();
    if (events.ok()) {
      for (const auto& e : *events) kinds.push_back(e.kind());
    }
    return kinds;
  }

  std::string dir_;
  std::unique_ptr<audit::SubjectHasher> hasher_;
  std::unique_ptr<IdentityRegistry> registry_;
  size_t cache_capacity_ = 1024;
  std::vector<std::string> shared_kinds_;
  std::atomic<int64_t> clock_micros_{kStartMicros};
};

}  // namespace datarun::identity

#endif  // DATARUN_EXCHANGE_IDENTITY_REGISTRY_REGISTRY_TEST_FIXTURE_H_
