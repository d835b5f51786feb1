// Crash-test helper of identity_registry_test: opens the registry at argv[1]
// (synced writes) and performs operation 0, 1, 2, ... until killed, printing
// each operation's number once it is acknowledged:
//   op i, i % 4 != 3: PersonId(i % 50) links tax/taxpayer_number=T<i>
//                     (primary);
//   op i, i % 4 == 3: PersonId((i + 7) % 50) also claims T<i-1> (a conflict).
#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "exchange/audit/subject_hasher.h"
#include "exchange/identity_registry/identity_registry.h"
#include "exchange/identity_registry/identity_registry_testing.h"

int main(int argc, char** argv) {
  using namespace datarun::identity;  // NOLINT
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <registry dir>\n", argv[0]);
    return 2;
  }
  auto hasher = datarun::audit::SubjectHasher::FromKey("registry test key");
  IdentityRegistry::Options options;
  options.path = argv[1];
  options.hasher = hasher.get();
  options.sync = true;
  auto registry = IdentityRegistry::Open(options);
  if (!registry.ok()) {
    std::fprintf(stderr, "%s\n", registry.status().ToString().c_str());
    return 1;
  }
  for (int i = 0;; ++i) {
    absl::StatusOr<IdentityRegistry::LinkResult> result;
    if (i % 4 == 3) {
      result = (*registry)->Link(testing::PersonId((i + 7) % 50),
                                 testing::MakeLocalId("tax", "taxpayer_number",
                                                      absl::StrCat("T", i - 1)),
                                 false, "tax", "crash test");
    } else {
      result = (*registry)->Link(
          testing::PersonId(i % 50),
          testing::MakeLocalId("tax", "taxpayer_number", absl::StrCat("T", i)),
          true, "tax", "crash test");
    }
    if (!result.ok()) {
      std::fprintf(stderr, "%s\n", result.status().ToString().c_str());
      return 1;
    }
    std::printf("%d\n", i);
    std::fflush(stdout);
  }
}
