#include "exchange/policy/policy_validator.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "exchange/catalog/suggest.h"
#include "exchange/catalog/value_format.h"
#include "exchange/policy/validity_window.h"

namespace datarun::policy {
namespace {

using catalog::Child;
using catalog::ConfigErrors;
using catalog::DidYouMean;
using catalog::FieldPath;

bool IsGrantId(absl::string_view id) {
  if (id.empty()) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) return false;
  }
  return true;
}

// Validates a repeated list of names: each known, none repeated.
void ValidateNames(const google::protobuf::RepeatedPtrField<std::string>& names,
                   const FieldPath& grant, absl::string_view list,
                   const std::vector<std::string>& known,
                   absl::string_view unknown_what, ConfigErrors* errors) {
  absl::flat_hash_map<std::string, int> seen;
  for (int i = 0; i < names.size(); ++i) {
    const FieldPath path = Child(grant, list, i);
    const std::string& name = names[i];
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      errors->Add(path, absl::StrCat(unknown_what, " '", name, "'",
                                     DidYouMean(name, known)));
    } else if (auto [it, inserted] = seen.emplace(name, i); !inserted) {
      errors->Add(path, absl::StrCat("'", name, "' is listed twice (also ",
                                     list, "[", it->second, "])"));
    }
  }
}

void ValidateGrant(const v1::Policy& policy, int index,
                   const catalog::Catalog& catalog,
                   const std::vector<std::string>& purposes,
                   const PolicyOptions& options, ConfigErrors* errors) {
  const v1::Grant& grant = policy.grants(index);
  const FieldPath path = {{"grants", index}};
  if (grant.consumer().empty()) {
    errors->Add(Child(path, "consumer"), "consumer department is required");
  } else if (!catalog.HasDepartment(grant.consumer())) {
    errors->Add(
        Child(path, "consumer"),
        absl::StrCat("consumer '", grant.consumer(),
                     "' is not a department of the catalog",
                     DidYouMean(grant.consumer(), catalog.DepartmentIds())));
  }
  const v1::Dataset* dataset = nullptr;
  if (grant.dataset().empty()) {
    errors->Add(Child(path, "dataset"), "dataset is required");
  } else if (auto found = catalog.FindDataset(grant.dataset()); !found.ok()) {
    errors->Add(Child(path, "dataset"), found.status().message());
  } else if ((*found)->share_type() == v1::SHARE_TYPE_NOT_SHARED) {
    errors->Add(Child(path, "dataset"),
                absl::StrCat("dataset '", grant.dataset(),
                             "' is SHARE_TYPE_NOT_SHARED in the catalog; no "
                             "grant may release it"));
  } else {
    dataset = *found;
  }
  if (grant.fields().empty()) {
    errors->Add(
        Child(path, "fields"),
        absl::StrCat("grant '", grant.id(), "' needs at least one field"));
  } else if (dataset != nullptr) {
    std::vector<std::string> names;
    for (const v1::FieldSchema& field : dataset->fields()) {
      names.push_back(field.name());
    }
    ValidateNames(
        grant.fields(), path, "fields", names,
        absl::StrCat("dataset '", dataset->id(), "' declares no field"),
        errors);
  }
  if (grant.purposes().empty()) {
    errors->Add(
        Child(path, "purposes"),
        absl::StrCat("grant '", grant.id(), "' needs at least one purpose"));
  } else {
    ValidateNames(grant.purposes(), path, "purposes", purposes,
                  "the policy declares no purpose", errors);
  }
  if (!grant.case_type().empty() && options.case_types.has_value() &&
      options.case_types->count(grant.case_type()) == 0) {
    errors->Add(Child(path, "case_type"),
                absl::StrCat("grant '", grant.id(), "': unknown case type '",
                             grant.case_type(), "' (configured: ",
                             options.case_types->empty()
                                 ? "none; the exchange has no case_types_file"
                                 : absl::StrJoin(*options.case_types, ", "),
                             ")"));
  }
  absl::StatusOr<ValidityWindow> window = ValidityWindow::Parse(
      grant.not_before(), grant.not_after(), options.date_zone);
  if (!window.ok()) {
    const bool before =
        absl::StartsWith(window.status().message(), "not_before");
    errors->Add(Child(path, before ? "not_before" : "not_after"),
                window.status().message());
  }
  const v1::RateLimit& rate = grant.rate_limit();
  if (!(rate.per_second() >= 0) || std::isinf(rate.per_second())) {
    errors->Add(Child(Child(path, "rate_limit"), "per_second"),
                absl::StrCat("per_second must be a finite number >= 0 (0 "
                             "means unlimited), got ",
                             rate.per_second()));
  }
  if (rate.burst() < 0) {
    errors->Add(Child(Child(path, "rate_limit"), "burst"),
                absl::StrCat("burst must be >= 0, got ", rate.burst()));
  }
}

}  // namespace

bool IsPurposeCode(absl::string_view code) {
  if (code.empty()) return false;
  for (absl::string_view word : absl::StrSplit(code, '.')) {
    if (!catalog::IsSnakeCase(word)) return false;
  }
  return true;
}

void ValidatePolicy(const v1::Policy& policy, const catalog::Catalog& catalog,
                    const PolicyOptions& options, ConfigErrors* errors) {
  std::vector<std::string> purposes;
  absl::flat_hash_map<std::string, int> seen_purposes;
  for (int i = 0; i < policy.purposes_size(); ++i) {
    const std::string& code = policy.purposes(i).code();
    const FieldPath path = {{"purposes", i}, {"code", -1}};
    if (code.empty()) {
      errors->Add(path,
                  "purpose code is required, e.g. "
                  "'property_transfer.deed_tax'");
    } else if (!IsPurposeCode(code)) {
      errors->Add(path,
                  absl::StrCat("purpose code '", code,
                               "' must be dot-separated snake_case "
                               "words, e.g. 'property_transfer.deed_tax'"));
    } else if (auto [it, inserted] = seen_purposes.emplace(code, i);
               !inserted) {
      errors->Add(
          path,
          absl::StrCat("duplicate purpose '", code, "' (first declared at ",
                       errors->Where({{"purposes", it->second}}), ")"));
    } else {
      purposes.push_back(code);
    }
  }
  absl::flat_hash_map<std::string, int> seen_grants;
  for (int i = 0; i < policy.grants_size(); ++i) {
    const std::string& id = policy.grants(i).id();
    const FieldPath path = {{"grants", i}, {"id", -1}};
    if (id.empty()) {
      errors->Add(path, "grant id is required (cited in audit entries)");
    } else if (!IsGrantId(id)) {
      errors->Add(path, absl::StrCat("grant id '", id,
                                     "' must be lowercase letters, digits, "
                                     "'_', '.' or '-'"));
    } else if (auto [it, inserted] = seen_grants.emplace(id, i); !inserted) {
      errors->Add(path, absl::StrCat(
                            "duplicate grant id '", id, "' (first declared at ",
                            errors->Where({{"grants", it->second}}), ")"));
    }
    ValidateGrant(policy, i, catalog, purposes, options, errors);
  }
  const FieldPath identity = {{"identity", -1}};
  ValidateNames(policy.identity().resolvers(), identity, "resolvers",
                catalog.DepartmentIds(), "the catalog declares no department",
                errors);
  ValidateNames(policy.identity().stewards(), identity, "stewards",
                catalog.DepartmentIds(), "the catalog declares no department",
                errors);
}

}  // namespace datarun::policy
