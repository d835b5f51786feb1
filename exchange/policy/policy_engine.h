// Access policy: default deny, explicit grants (deploy/local/policy.textproto,
// message datarun.v1.Policy), decided per query.
#ifndef DATARUN_EXCHANGE_POLICY_POLICY_ENGINE_H_
#define DATARUN_EXCHANGE_POLICY_POLICY_ENGINE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/textproto_file.h"
#include "datarun/v1/policy.pb.h"
#include "exchange/catalog/catalog.h"
#include "exchange/policy/decision.h"
#include "exchange/policy/policy_options.h"
#include "exchange/policy/rate_limiter.h"
#include "exchange/policy/validity_window.h"

namespace datarun::policy {

// Decides queries against the loaded grants. The policy is immutable after
// load; the only mutable state is the per-grant rate limiter. Thread-safe.
class PolicyEngine {
 public:
  PolicyEngine(const PolicyEngine&) = delete;
  PolicyEngine& operator=(const PolicyEngine&) = delete;

  // Parses the policy file at `path` and validates every purpose and grant
  // against `catalog` (rules: see policy_validator.h). `catalog` is not
  // owned and must outlive the engine.
  // Errors:
  //   NOT_FOUND         the file does not exist (path named);
  //   PERMISSION_DENIED the file cannot be read;
  //   INVALID_ARGUMENT  syntax error ("<file>:<line>:<col>: ...") or one line
  //                     per rule violation, each
  //                     "<file>:<line>: grants[4].fields[1]: ...".
  static absl::StatusOr<std::unique_ptr<PolicyEngine>> LoadFile(
      absl::string_view path, const catalog::Catalog& catalog,
      const PolicyOptions& options = PolicyOptions());

  // Same as LoadFile, parsing `text` and calling it `name` in errors.
  static absl::StatusOr<std::unique_ptr<PolicyEngine>> FromText(
      absl::string_view name, absl::string_view text,
      const catalog::Catalog& catalog,
      const PolicyOptions& options = PolicyOptions());

  // Default deny. Among the grants held by intent.consumer on
  // intent.dataset, returns the decision of the best one that matches the
  // purpose, the validity window and every requested field (or masks the
  // fields it does not cover under UNGRANTED_FIELDS_MASK) and has a rate
  // token left: the one releasing the fewest fields masked, then the first
  // in file order. Empty intent.fields means all of the grant's fields, in
  // clear. A rate token is taken only from the grant that allows the query.
  //
  // `considered_grant` (optional, not owned) receives the id of the grant
  // that allowed the query or, on a denial, of the grant that came closest
  // (empty when none was considered), so that denials can be audited
  // against a grant.
  //
  // Errors:
  //  INVALID_ARGUMENT  empty purpose; purpose not declared in the policy;
  //                    unknown field (named); field requested twice.
  //  NOT_FOUND         unknown dataset (named, with a suggestion).
  //  PERMISSION_DENIED dataset NOT_SHARED; "department 'tax' holds no grant
  //                    on 'registry.marriage'"; "purpose 'x' is not allowed
  //                    by grant 'g' (allowed: a, b)"; "field 'f' of 'd' is
  //                    not granted to 'c' (grant 'g' allows: ...)" under
  //                    UNGRANTED_FIELDS_REFUSE; outside the validity window
  //                    (the dates are named); a case-bound grant and no case.
  //  RESOURCE_EXHAUSTED "grant 'g' allows 50 queries/s for 'tax'".
  absl::StatusOr<Decision> Decide(const QueryIntent& intent,
                                  std::string* considered_grant = nullptr);

  // Returns the grant with id `id`, or nullptr.
  const v1::Grant* FindGrant(absl::string_view id) const;

  // The purposes and grants as loaded (for the catalog browser and
  // datarunctl).
  const v1::Policy& proto() const { return proto_; }

 private:
  // A grant with its parsed window and lookup sets.
  struct CompiledGrant {
    const v1::Grant* grant = nullptr;
    ValidityWindow window;
    absl::flat_hash_set<std::string> fields;
    absl::flat_hash_set<std::string> purposes;
    bool mask_ungranted = false;
  };

  // How far one grant got in matching a query.
  struct Evaluation {
    // 0 purpose, 1 case, 2 validity window, 3 fields failed; 4 matched.
    int stage = 0;
    absl::Status denial;
    Decision decision;
  };

  PolicyEngine(const catalog::Catalog& catalog, const PolicyOptions& options)
      : catalog_(catalog), options_(options) {}

  // Validates the parsed proto_ against `file`'s locations, then compiles.
  static absl::StatusOr<std::unique_ptr<PolicyEngine>> Finish(
      std::unique_ptr<PolicyEngine> engine,
      absl::StatusOr<std::unique_ptr<TextProtoFile>> file);

  // Fills grants_, by_consumer_dataset_ and the rate limiter.
  void Compile();

  // Checks purpose, fields and dataset before any grant is looked at.
  absl::Status CheckIntent(const QueryIntent& intent,
                           const v1::Dataset** dataset) const;

  Evaluation Evaluate(const CompiledGrant& grant, const v1::Dataset& dataset,
                      const QueryIntent& intent) const;

  const catalog::Catalog& catalog_;
  const PolicyOptions options_;
  v1::Policy proto_;
  std::vector<CompiledGrant> grants_;
  absl::flat_hash_set<std::string> purposes_;
  // "<consumer>\n<dataset>" -> indexes into grants_, in file order.
  absl::flat_hash_map<std::string, std::vector<size_t>> by_consumer_dataset_;
  absl::flat_hash_map<std::string, size_t> by_id_;
  RateLimiter rate_limiter_;
};

}  // namespace datarun::policy

#endif  // DATARUN_EXCHANGE_POLICY_POLICY_ENGINE_H_
