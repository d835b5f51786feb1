#include "exchange/cases/case_type_set.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"
#include "exchange/cases/case_type_validator.h"
#include "exchange/catalog/config_errors.h"
#include "exchange/catalog/suggest.h"

namespace datarun::cases {

absl::StatusOr<std::unique_ptr<CaseTypeSet>> CaseTypeSet::LoadFile(
    absl::string_view path, const catalog::Catalog& catalog,
    const v1::Policy& policy) {
  std::unique_ptr<CaseTypeSet> set(new CaseTypeSet);
  auto file = TextProtoFile::Load(path, &set->proto_);
  return Finish(std::move(set), std::move(file), catalog, policy);
}

absl::StatusOr<std::unique_ptr<CaseTypeSet>> CaseTypeSet::FromText(
    absl::string_view name, absl::string_view text,
    const catalog::Catalog& catalog, const v1::Policy& policy) {
  std::unique_ptr<CaseTypeSet> set(new CaseTypeSet);
  auto file = TextProtoFile::Parse(name, text, &set->proto_);
  return Finish(std::move(set), std::move(file), catalog, policy);
}

std::unique_ptr<CaseTypeSet> CaseTypeSet::Empty() {
  return std::unique_ptr<CaseTypeSet>(new CaseTypeSet);
}

absl::StatusOr<std::unique_ptr<CaseTypeSet>> CaseTypeSet::Finish(
    std::unique_ptr<CaseTypeSet> set,
    absl::StatusOr<std::unique_ptr<TextProtoFile>> file,
    const catalog::Catalog& catalog, const v1::Policy& policy) {
  if (!file.ok()) return file.status();
  catalog::ConfigErrors errors(**file, set->proto_);
  ValidateCaseTypes(set->proto_, catalog, policy, &errors);
  RETURN_IF_ERROR(errors.ToStatus());
  for (const v1::CaseType& type : set->proto_.case_types()) {
    set->by_id_.emplace(type.id(), &type);
  }
  return set;
}

absl::StatusOr<const v1::CaseType*> CaseTypeSet::Find(
    absl::string_view id) const {
  auto it = by_id_.find(id);
  if (it != by_id_.end()) return it->second;
  const std::vector<std::string> known = ids();
  if (known.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "unknown case type '", id,
        "': this exchange has no case types configured (case_types_file)"));
  }
  return absl::NotFoundError(absl::StrCat(
      "unknown case type '", id, "'", catalog::DidYouMean(id, known),
      "; known: ", absl::StrJoin(known, ", ")));
}

std::vector<std::string> CaseTypeSet::ids() const {
  std::vector<std::string> ids;
  for (const v1::CaseType& type : proto_.case_types()) ids.push_back(type.id());
  return ids;
}

const v1::Material* FindMaterial(const v1::CaseType& case_type,
                                 absl::string_view id) {
  for (const v1::Material& material : case_type.materials()) {
    if (material.id() == id) return &material;
  }
  return nullptr;
}

bool MaterialApplies(const v1::Material& material, identity::SubjectKind kind) {
  switch (material.scope()) {
    case v1::SUBJECT_SCOPE_PERSON:
      return kind == identity::SubjectKind::kPerson;
    case v1::SUBJECT_SCOPE_ORGANISATION:
      return kind == identity::SubjectKind::kOrganisation;
    default:
      return true;
  }
}

const v1::Step* FindStep(const v1::CaseType& case_type, absl::string_view id) {
  for (const v1::Step& step : case_type.steps()) {
    if (step.id() == id) return &step;
  }
  return nullptr;
}

}  // namespace datarun::cases
