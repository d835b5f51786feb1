#include "exchange/cases/case_type_validator.h"

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "exchange/catalog/suggest.h"
#include "exchange/catalog/value_format.h"

namespace datarun::cases {
namespace {

using catalog::Child;
using catalog::ConfigErrors;
using catalog::DidYouMean;
using catalog::FieldPath;

// Checks that `id` is present, snake_case and not seen before in `seen`
// (which maps ids to their index); records it in `seen`.
void CheckId(absl::string_view what, const std::string& id,
             const FieldPath& path, absl::flat_hash_map<std::string, int>* seen,
             int index, ConfigErrors* errors) {
  if (id.empty()) {
    errors->Add(Child(path, "id"), absl::StrCat(what, " id is required"));
  } else if (!catalog::IsSnakeCase(id)) {
    errors->Add(Child(path, "id"),
                absl::StrCat(what, " id '", id,
                             "' must be snake_case (lowercase letters, digits "
                             "and '_', starting with a letter)"));
  } else if (auto [it, inserted] = seen->emplace(id, index); !inserted) {
    FieldPath first = path;
    first.back().second = it->second;
    errors->Add(Child(path, "id"), absl::StrCat("duplicate ", what, " id '", id,
                                                "' (first declared at ",
                                                errors->Where(first), ")"));
  }
}

// Checks each entry of `names` is in `known` and listed once.
void CheckReferences(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    const FieldPath& path, absl::string_view list,
    const std::vector<std::string>& known, absl::string_view what,
    ConfigErrors* errors) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      errors->Add(Child(path, list, i),
                  absl::StrCat(what, " '", name, "' is not declared",
                               DidYouMean(name, known)));
    } else if (!seen.insert(name).second) {
      errors->Add(Child(path, list, i),
                  absl::StrCat("'", name, "' is listed twice"));
    }
  }
}

void ValidateMaterial(const v1::CaseType& type, int index,
                      const FieldPath& path, const catalog::Catalog& catalog,
                      const std::vector<std::string>& parties,
                      const std::vector<std::string>& steps,
                      ConfigErrors* errors) {
  const v1::Material& material = type.materials(index);
  if (material.title().empty()) {
    errors->Add(Child(path, "title"),
                absl::StrCat("material '", material.id(), "' needs a title"));
  }
  if (std::find(parties.begin(), parties.end(), material.party()) ==
      parties.end()) {
    errors->Add(
        Child(path, "party"),
        absl::StrCat("material '", material.id(), "': party '",
                     material.party(), "' is not a party of '", type.id(),
                     "' (parties: ", absl::StrJoin(parties, ", "), ")"));
  }
  const v1::Dataset* dataset = nullptr;
  if (!material.dataset().empty()) {
    absl::StatusOr<const v1::Dataset*> found =
        catalog.FindDataset(material.dataset());
    if (!found.ok()) {
      errors->Add(Child(path, "dataset"), found.status().message());
    } else if ((*found)->share_type() == v1::SHARE_TYPE_NOT_SHARED) {
      errors->Add(Child(path, "dataset"),
                  absl::StrCat("dataset '", material.dataset(),
                               "' is SHARE_TYPE_NOT_SHARED; a material "
                               "cannot be pulled from it"));
    } else {
      dataset = *found;
    }
  } else if (!material.fields().empty()) {
    errors->Add(
        Child(path, "fields", 0),
        absl::StrCat("material '", material.id(),
                     "' names fields but no dataset to pull them from"));
  }
  if (dataset != nullptr) {
    std::vector<std::string> names;
    for (const v1::FieldSchema& field : dataset->fields()) {
      names.push_back(field.name());
    }
    CheckReferences(material.fields(), path, "fields", names,
                    absl::StrCat("field of '", dataset->id(), "'"), errors);
  }
  if (material.deferrable() && material.defer_days() <= 0) {
    errors->Add(Child(path, "defer_days"),
                absl::StrCat("deferrable material '", material.id(),
                             "' needs defer_days > 0 (the deadline to "
                             "supply it)"));
  }
  if (!material.deferrable() && material.defer_days() != 0) {
    errors->Add(Child(path, "defer_days"),
                absl::StrCat("material '", material.id(),
                             "' has defer_days but is not deferrable"));
  }
  if (material.deferrable() && material.requires_presence()) {
    errors->Add(Child(path, "requires_presence"),
                absl::StrCat("material '", material.id(),
                             "' requires presence and so cannot be deferred "
                             "(it would cost a second trip)"));
  }
  if (!material.issued_by_step().empty()) {
    const std::string& step_id = material.issued_by_step();
    if (std::find(steps.begin(), steps.end(), step_id) == steps.end()) {
      errors->Add(Child(path, "issued_by_step"),
                  absl::StrCat("step '", step_id, "' is not declared",
                               DidYouMean(step_id, steps)));
    } else if (dataset != nullptr) {
      for (const v1::Step& step : type.steps()) {
        if (step.id() == step_id && step.department() != dataset->owner()) {
          errors->Add(
              Child(path, "issued_by_step"),
              absl::StrCat("step '", step_id, "' is performed by '",
                           step.department(), "' but dataset '", dataset->id(),
                           "' is owned by '", dataset->owner(), "'"));
        }
      }
    }
  }
}

// Depth-first search for a cycle through `after`; returns the cycle as
// "a -> b -> a", or "" when the graph is acyclic.
std::string FindCycle(const v1::CaseType& type) {
  absl::flat_hash_map<std::string, const v1::Step*> steps;
  for (const v1::Step& step : type.steps()) steps.emplace(step.id(), &step);
  enum Color { kWhite, kGrey, kBlack };
  absl::flat_hash_map<std::string, Color> color;
  std::vector<std::string> stack;
  std::string cycle;
  std::function<bool(const std::string&)> visit = [&](const std::string& id) {
    color[id] = kGrey;
    stack.push_back(id);
    auto it = steps.find(id);
    if (it != steps.end()) {
      for (const std::string& next : it->second->after()) {
        // Unknown steps and self-dependencies are reported on their own.
        if (next == id || !steps.contains(next)) continue;
        if (color[next] == kGrey) {
          auto from = std::find(stack.begin(), stack.end(), next);
          std::vector<std::string> path(from, stack.end());
          path.push_back(next);
          cycle = absl::StrJoin(path, " -> ");
          return true;
        }
        if (color[next] == kWhite && visit(next)) return true;
      }
    }
    stack.pop_back();
    color[id] = kBlack;
    return false;
  };
  for (const v1::Step& step : type.steps()) {
    if (color[step.id()] == kWhite && visit(step.id())) return cycle;
  }
  return "";
}

void ValidateCaseType(const v1::CaseTypes& all, int index,
                      const catalog::Catalog& catalog,
                      const std::vector<std::string>& purposes,
                      ConfigErrors* errors) {
  const v1::CaseType& type = all.case_types(index);
  const FieldPath path = {{"case_types", index}};
  if (type.title().empty()) {
    errors->Add(Child(path, "title"),
                absl::StrCat("case type '", type.id(), "' needs a title"));
  }
  if (type.purpose().empty()) {
    errors->Add(Child(path, "purpose"),
                absl::StrCat("case type '", type.id(),
                             "' needs the purpose code its pulls are made "
                             "under"));
  } else if (std::find(purposes.begin(), purposes.end(), type.purpose()) ==
             purposes.end()) {
    errors->Add(Child(path, "purpose"),
                absl::StrCat("purpose '", type.purpose(),
                             "' is not declared in the policy",
                             DidYouMean(type.purpose(), purposes)));
  }
  std::vector<std::string> parties;
  if (type.parties().empty()) {
    errors->Add(Child(path, "parties"),
                absl::StrCat("case type '", type.id(),
                             "' needs at least one party (the first is the "
                             "applicant)"));
  }
  for (int i = 0; i < type.parties_size(); ++i) {
    const std::string& party = type.parties(i);
    if (!catalog::IsSnakeCase(party)) {
      errors->Add(Child(path, "parties", i),
                  absl::StrCat("party '", party, "' must be snake_case"));
    } else if (std::find(parties.begin(), parties.end(), party) !=
               parties.end()) {
      errors->Add(Child(path, "parties", i),
                  absl::StrCat("party '", party, "' is listed twice"));
    } else {
      parties.push_back(party);
    }
  }
  std::vector<std::string> step_ids;
  for (const v1::Step& step : type.steps()) step_ids.push_back(step.id());
  std::vector<std::string> material_ids;
  for (const v1::Material& m : type.materials()) material_ids.push_back(m.id());

  if (type.materials().empty()) {
    errors->Add(
        Child(path, "materials"),
        absl::StrCat("case type '", type.id(), "' declares no material"));
  }
  absl::flat_hash_map<std::string, int> seen_materials;
  for (int i = 0; i < type.materials_size(); ++i) {
    const FieldPath material_path = Child(path, "materials", i);
    CheckId("material", type.materials(i).id(), material_path, &seen_materials,
            i, errors);
    ValidateMaterial(type, i, material_path, catalog, parties, step_ids,
                     errors);
  }

  if (type.steps().empty()) {
    errors->Add(Child(path, "steps"),
                absl::StrCat("case type '", type.id(), "' declares no step"));
  }
  absl::flat_hash_map<std::string, int> seen_steps;
  for (int i = 0; i < type.steps_size(); ++i) {
    const v1::Step& step = type.steps(i);
    const FieldPath step_path = Child(path, "steps", i);
    CheckId("step", step.id(), step_path, &seen_steps, i, errors);
    if (step.title().empty()) {
      errors->Add(Child(step_path, "title"),
                  absl::StrCat("step '", step.id(), "' needs a title"));
    }
    if (step.department().empty()) {
      errors->Add(Child(step_path, "department"),
                  absl::StrCat("step '", step.id(),
                               "' needs the department that performs it"));
    } else if (!catalog.HasDepartment(step.department())) {
      errors->Add(
          Child(step_path, "department"),
          absl::StrCat("department '", step.department(),
                       "' is not a department of the catalog",
                       DidYouMean(step.department(), catalog.DepartmentIds())));
    }
    CheckReferences(step.materials(), step_path, "materials", material_ids,
                    "material", errors);
    CheckReferences(step.after(), step_path, "after", step_ids, "step", errors);
    for (int j = 0; j < step.after_size(); ++j) {
      if (step.after(j) == step.id()) {
        errors->Add(Child(step_path, "after", j),
                    absl::StrCat("step '", step.id(),
                                 "' cannot run after "
                                 "itself"));
      }
    }
    if (step.sla_seconds() < 0) {
      errors->Add(Child(step_path, "sla_seconds"),
                  absl::StrCat("sla_seconds must be >= 0 (0 means 3600), got ",
                               step.sla_seconds()));
    }
  }
  if (std::string cycle = FindCycle(type); !cycle.empty()) {
    errors->Add(Child(path, "steps"),
                absl::StrCat("case type '", type.id(),
                             "': the steps' `after` dependencies form a "
                             "cycle: ",
                             cycle));
  }
}

}  // namespace

void ValidateCaseTypes(const v1::CaseTypes& case_types,
                       const catalog::Catalog& catalog,
                       const v1::Policy& policy, ConfigErrors* errors) {
  std::vector<std::string> purposes;
  for (const v1::Purpose& purpose : policy.purposes()) {
    purposes.push_back(purpose.code());
  }
  absl::flat_hash_map<std::string, int> seen;
  for (int i = 0; i < case_types.case_types_size(); ++i) {
    const FieldPath path = {{"case_types", i}};
    CheckId("case type", case_types.case_types(i).id(), path, &seen, i, errors);
    ValidateCaseType(case_types, i, catalog, purposes, errors);
  }
}

}  // namespace datarun::cases
