// The local development stack's catalog and policy files must load. Paths
// are relative to the repository root (the tests' working directory).
#include "exchange/catalog/catalog.h"
#include "exchange/policy/policy_engine.h"
#include "gtest/gtest.h"

namespace datarun::policy {
namespace {

constexpr char kCatalogPath[] = "deploy/local/catalog.textproto";
constexpr char kPolicyPath[] = "deploy/local/policy.textproto";

TEST(LocalConfigTest, CatalogAndPolicyValidate) {
  auto catalog = catalog::Catalog::LoadFile(kCatalogPath);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  auto policy = PolicyEngine::LoadFile(kPolicyPath, **catalog);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_GT((*policy)->proto().grants_size(), 0);
}

}  // namespace
}  // namespace datarun::policy
