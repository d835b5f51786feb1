// The case types of an exchange (deploy/local/case_types.textproto): what
// each kind of application needs and which department reviews run for it.
//
// Immutable after loading; thread-safe.
#ifndef DATARUN_EXCHANGE_CASES_CASE_TYPE_SET_H_
#define DATARUN_EXCHANGE_CASES_CASE_TYPE_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/textproto_file.h"
#include "datarun/v1/policy.pb.h"
#include "datarun/v1/workflow.pb.h"
#include "exchange/catalog/catalog.h"
#include "exchange/identity/subject_id.h"

namespace datarun::cases {

class CaseTypeSet {
 public:
  // Parses and validates the case types file at `path` against `catalog`
  // and `policy` (see case_type_validator.h for the rules).
  // Errors: NOT_FOUND / PERMISSION_DENIED when the file cannot be read;
  // INVALID_ARGUMENT "<file>:<line>: <field path>: <problem>", one line per
  // problem, for syntax and semantic errors.
  static absl::StatusOr<std::unique_ptr<CaseTypeSet>> LoadFile(
      absl::string_view path, const catalog::Catalog& catalog,
      const v1::Policy& policy);

  // Same, from text named `name` in errors (tests and tools).
  static absl::StatusOr<std::unique_ptr<CaseTypeSet>> FromText(
      absl::string_view name, absl::string_view text,
      const catalog::Catalog& catalog, const v1::Policy& policy);

  // An empty set (no case types file configured).
  static std::unique_ptr<CaseTypeSet> Empty();

  // Returns the case type `id`, or NOT_FOUND "unknown case type 'x'" with a
  // suggestion and the list of known ones.
  absl::StatusOr<const v1::CaseType*> Find(absl::string_view id) const;

  // Ids of every case type, in file order.
  std::vector<std::string> ids() const;

  const v1::CaseTypes& proto() const { return proto_; }

 private:
  CaseTypeSet() = default;
  // Validates the parsed proto_ against `file`'s locations, then indexes it.
  static absl::StatusOr<std::unique_ptr<CaseTypeSet>> Finish(
      std::unique_ptr<CaseTypeSet> set,
      absl::StatusOr<std::unique_ptr<TextProtoFile>> file,
      const catalog::Catalog& catalog, const v1::Policy& policy);

  v1::CaseTypes proto_;
  absl::flat_hash_map<std::string, const v1::CaseType*> by_id_;
};

// Returns the material `id` of `case_type`, or nullptr.
const v1::Material* FindMaterial(const v1::CaseType& case_type,
                                 absl::string_view id);

// True when `material` applies to a subject of `kind` (its scope).
bool MaterialApplies(const v1::Material& material, identity::SubjectKind kind);

// Returns the step `id` of `case_type`, or nullptr.
const v1::Step* FindStep(const v1::CaseType& case_type, absl::string_view id);

}  // namespace datarun::cases

#endif  // DATARUN_EXCHANGE_CASES_CASE_TYPE_SET_H_
