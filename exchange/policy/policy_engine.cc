#include "exchange/policy/policy_engine.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "exchange/catalog/config_errors.h"
#include "exchange/catalog/suggest.h"
#include "exchange/policy/policy_validator.h"

namespace datarun::policy {
namespace {

constexpr int kStagePurpose = 0;
constexpr int kStageCase = 1;
constexpr int kStageWindow = 2;
constexpr int kStageFields = 3;
constexpr int kStageMatched = 4;

std::string Key(absl::string_view consumer, absl::string_view dataset) {
  return absl::StrCat(consumer, "\n", dataset);
}

std::string Quoted(const std::vector<std::string>& names) {
  return absl::StrCat("'", absl::StrJoin(names, "', '"), "'");
}

}  // namespace

absl::StatusOr<std::unique_ptr<PolicyEngine>> PolicyEngine::LoadFile(
    absl::string_view path, const catalog::Catalog& catalog,
    const PolicyOptions& options) {
  std::unique_ptr<PolicyEngine> engine(new PolicyEngine(catalog, options));
  auto file = TextProtoFile::Load(path, &engine->proto_);
  return Finish(std::move(engine), std::move(file));
}

absl::StatusOr<std::unique_ptr<PolicyEngine>> PolicyEngine::FromText(
    absl::string_view name, absl::string_view text,
    const catalog::Catalog& catalog, const PolicyOptions& options) {
  std::unique_ptr<PolicyEngine> engine(new PolicyEngine(catalog, options));
  auto file = TextProtoFile::Parse(name, text, &engine->proto_);
  return Finish(std::move(engine), std::move(file));
}

absl::StatusOr<std::unique_ptr<PolicyEngine>> PolicyEngine::Finish(
    std::unique_ptr<PolicyEngine> engine,
    absl::StatusOr<std::unique_ptr<TextProtoFile>> file) {
  if (!file.ok()) return file.status();
  catalog::ConfigErrors errors(**file, engine->proto_);
  ValidatePolicy(engine->proto_, engine->catalog_, engine->options_, &errors);
  RETURN_IF_ERROR(errors.ToStatus());
  engine->Compile();
  return engine;
}

void PolicyEngine::Compile() {
  for (const v1::Purpose& purpose : proto_.purposes()) {
    purposes_.insert(purpose.code());
  }
  grants_.reserve(proto_.grants_size());
  for (const v1::Grant& grant : proto_.grants()) {
    CompiledGrant compiled;
    compiled.grant = &grant;
    // Validated at load, so this parses.
    compiled.window =
        ValidityWindow::Parse(grant.not_before(), grant.not_after(),
                              options_.date_zone)
            .value_or(ValidityWindow());
    compiled.fields.insert(grant.fields().begin(), grant.fields().end());
    compiled.purposes.insert(grant.purposes().begin(), grant.purposes().end());
    compiled.mask_ungranted =
        grant.ungranted_fields() == v1::UNGRANTED_FIELDS_MASK;
    by_consumer_dataset_[Key(grant.consumer(), grant.dataset())].push_back(
        grants_.size());
    by_id_.emplace(grant.id(), grants_.size());
    rate_limiter_.SetLimit(grant.id(), grant.rate_limit().per_second(),
                           grant.rate_limit().burst());
    grants_.push_back(std::move(compiled));
  }
}

const v1::Grant* PolicyEngine::FindGrant(absl::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : grants_[it->second].grant;
}

absl::Status PolicyEngine::CheckIntent(const QueryIntent& intent,
                                       const v1::Dataset** dataset) const {
  if (intent.purpose.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "purpose is required: declare why the data is needed",
        proto_.purposes().empty()
            ? ""
            : absl::StrCat(" (e.g. '", proto_.purposes(0).code(), "')")));
  }
  if (!purposes_.contains(intent.purpose)) {
    std::vector<std::string> codes(purposes_.begin(), purposes_.end());
    std::sort(codes.begin(), codes.end());
    return absl::InvalidArgumentError(absl::StrCat(
        "purpose '", intent.purpose, "' is not declared in the policy",
        catalog::DidYouMean(intent.purpose, codes)));
  }
  ASSIGN_OR_RETURN(*dataset, catalog_.FindDataset(intent.dataset));
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& field : intent.fields) {
    if (catalog_.FindField(**dataset, field) == nullptr) {
      std::vector<std::string> names;
      for (const v1::FieldSchema& schema : (*dataset)->fields()) {
        names.push_back(schema.name());
      }
      return absl::InvalidArgumentError(
          absl::StrCat("unknown field '", field, "' of '", intent.dataset, "'",
                       catalog::DidYouMean(field, names)));
    }
    if (!seen.insert(field).second) {
      return absl::InvalidArgumentError(absl::StrCat(
          "field '", field, "' of '", intent.dataset, "' is requested twice"));
    }
  }
  if ((*dataset)->share_type() == v1::SHARE_TYPE_NOT_SHARED) {
    return absl::PermissionDeniedError(absl::StrCat(
        "dataset '", intent.dataset,
        "' is not shared (SHARE_TYPE_NOT_SHARED): it is listed for discovery "
        "only and every query is refused"));
  }
  return absl::OkStatus();
}

PolicyEngine::Evaluation PolicyEngine::Evaluate(
    const CompiledGrant& compiled, const v1::Dataset& dataset,
    const QueryIntent& intent) const {
  const v1::Grant& grant = *compiled.grant;
  Evaluation result;
  if (!compiled.purposes.contains(intent.purpose)) {
    result.stage = kStagePurpose;
    result.denial = absl::PermissionDeniedError(absl::StrCat(
        "purpose '", intent.purpose, "' is not allowed by grant '", grant.id(),
        "' (allowed: ", absl::StrJoin(grant.purposes(), ", "), ")"));
    return result;
  }
  if (!grant.case_type().empty() && intent.case_id.empty()) {
    result.stage = kStageCase;
    result.denial = absl::PermissionDeniedError(
        absl::StrCat("grant '", grant.id(),
                     "' applies only within a case of "
                     "type '",
                     grant.case_type(), "', and the query names no case"));
    return result;
  }
  if (!grant.case_type().empty()) {
    absl::Status bound =
        intent.check_case
            ? intent.check_case(grant.case_type())
            : absl::FailedPreconditionError("no case engine to check it");
    if (!bound.ok()) {
      result.stage = kStageCase;
      result.denial = absl::PermissionDeniedError(absl::StrCat(
          "grant '", grant.id(), "' applies only within an open case of type '",
          grant.case_type(),
          "' in which the subject is a party: ", bound.message()));
      return result;
    }
  }
  if (!compiled.window.Contains(intent.now)) {
    result.stage = kStageWindow;
    const std::string at = absl::FormatTime("%Y-%m-%d %H:%M:%S %Ez", intent.now,
                                            options_.date_zone);
    result.denial = absl::PermissionDeniedError(
        compiled.window.NotYet(intent.now)
            ? absl::StrCat("grant '", grant.id(), "' is not in force before ",
                           grant.not_before(), " (query made at ", at, ")")
            : absl::StrCat("grant '", grant.id(),
                           "' expired: it was valid until ", grant.not_after(),
                           " (query made at ", at, ")"));
    return result;
  }
  Decision& decision = result.decision;
  decision.grant_id = grant.id();
  decision.case_type = grant.case_type();
  if (intent.fields.empty()) {
    decision.clear_fields.assign(grant.fields().begin(), grant.fields().end());
  } else {
    std::vector<std::string> refused;
    for (const std::string& field : intent.fields) {
      if (compiled.fields.contains(field)) {
        decision.clear_fields.push_back(field);
      } else if (compiled.mask_ungranted) {
        decision.masked_fields.push_back(field);
      } else {
        refused.push_back(field);
      }
    }
    if (!refused.empty()) {
      result.stage = kStageFields;
      result.denial = absl::PermissionDeniedError(absl::StrCat(
          refused.size() == 1 ? "field " : "fields ", Quoted(refused), " of '",
          dataset.id(), refused.size() == 1 ? "' is" : "' are",
          " not granted to '", intent.consumer, "' (grant '", grant.id(),
          "' allows: ", absl::StrJoin(grant.fields(), ", "), ")"));
      return result;
    }
  }
  decision.fetch_fields = decision.clear_fields;
  decision.fetch_fields.insert(decision.fetch_fields.end(),
                               decision.masked_fields.begin(),
                               decision.masked_fields.end());
  result.stage = kStageMatched;
  return result;
}

absl::StatusOr<Decision> PolicyEngine::Decide(const QueryIntent& intent,
                                              std::string* considered_grant) {
  if (considered_grant != nullptr) considered_grant->clear();
  const v1::Dataset* dataset = nullptr;
  RETURN_IF_ERROR(CheckIntent(intent, &dataset));
  auto candidates =
      by_consumer_dataset_.find(Key(intent.consumer, intent.dataset));
  if (candidates == by_consumer_dataset_.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat("department '", intent.consumer, "' holds no grant on '",
                     intent.dataset, "'"));
  }
  std::vector<Evaluation> matched;
  Evaluation closest;
  closest.stage = -1;
  for (size_t index : candidates->second) {
    Evaluation evaluation = Evaluate(grants_[index], *dataset, intent);
    if (evaluation.stage == kStageMatched) {
      matched.push_back(std::move(evaluation));
    } else if (evaluation.stage > closest.stage) {
      closest = std::move(evaluation);
      closest.decision.grant_id = grants_[index].grant->id();
    }
  }
  if (matched.empty()) {
    if (considered_grant != nullptr) {
      *considered_grant = closest.decision.grant_id;
    }
    return closest.denial;
  }
  // Fewest masked fields first; stable, so file order breaks ties.
  std::stable_sort(matched.begin(), matched.end(),
                   [](const Evaluation& a, const Evaluation& b) {
                     return a.decision.masked_fields.size() <
                            b.decision.masked_fields.size();
                   });
  for (Evaluation& evaluation : matched) {
    if (rate_limiter_.TryAcquire(evaluation.decision.grant_id, intent.now)) {
      if (considered_grant != nullptr) {
        *considered_grant = evaluation.decision.grant_id;
      }
      return std::move(evaluation.decision);
    }
  }
  const v1::Grant& best = *FindGrant(matched.front().decision.grant_id);
  if (considered_grant != nullptr) *considered_grant = best.id();
  return absl::ResourceExhaustedError(absl::StrCat(
      "grant '", best.id(), "' allows ", best.rate_limit().per_second(),
      " queries/s for '", intent.consumer, "'; try again shortly"));
}

}  // namespace datarun::policy
