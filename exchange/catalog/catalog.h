// The information resource catalogue: departments and the datasets they
// share, loaded from a text-format file (deploy/local/catalog.textproto,
// message datarun.v1.Catalog) and validated at start-up.
#ifndef DATARUN_EXCHANGE_CATALOG_CATALOG_H_
#define DATARUN_EXCHANGE_CATALOG_CATALOG_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/catalog.pb.h"
#include "datarun/v1/types.pb.h"

namespace datarun::catalog {

// Immutable after load; every method is const and thread-safe. Pointers it
// returns stay valid as long as the Catalog lives.
class Catalog {
 public:
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // Parses and validates the catalog file at `path` (rules: see
  // catalog_validator.h).
  // Errors:
  //   NOT_FOUND         the file does not exist (path named);
  //   PERMISSION_DENIED the file cannot be read;
  //   INVALID_ARGUMENT  syntax error ("<file>:<line>:<col>: ...") or one line
  //                     per rule violation, each
  //                     "<file>:<line>: datasets[3].fields[2].masking: ...".
  static absl::StatusOr<std::unique_ptr<Catalog>> LoadFile(
      absl::string_view path);

  // Same as LoadFile, parsing `text` and calling it `name` in errors.
  static absl::StatusOr<std::unique_ptr<Catalog>> FromText(
      absl::string_view name, absl::string_view text);

  // Returns the dataset with id `id`.
  // Errors: NOT_FOUND "unknown dataset 'x'", followed by
  // " (did you mean 'y'?)" when a dataset id differs by a small edit or
  // shares a prefix with `id`.
  absl::StatusOr<const v1::Dataset*> FindDataset(absl::string_view id) const;

  // Returns the top-level field `field` of `dataset`, or nullptr when the
  // dataset declares no such field. `dataset` may come from any catalog.
  const v1::FieldSchema* FindField(const v1::Dataset& dataset,
                                   absl::string_view field) const;

  // True when `id` is a declared department.
  bool HasDepartment(absl::string_view id) const;

  // Returns the declared department ids in file order.
  std::vector<std::string> DepartmentIds() const;

  // Returns all datasets in file order, or only those owned by `owner` when
  // it is not empty (an unknown owner gives an empty list).
  std::vector<const v1::Dataset*> ListDatasets(
      absl::string_view owner = "") const;

  // Returns the dataset ids in file order (for suggestions and listings).
  std::vector<std::string> DatasetIds() const;

  // The whole catalog as loaded.
  const v1::Catalog& proto() const { return proto_; }

  // Checks a record an owner adapter returned for `dataset`: every present
  // field is declared and its value kind matches its type; see
  // record_checker.h for the exact rules.
  // Errors: INVALID_ARGUMENT naming dataset and field path, e.g.
  //   "land.property_title: field 'owners[1].share' must be DECIMAL, got
  //    string_value".
  absl::Status ValidateRecord(const v1::Dataset& dataset,
                              const v1::Record& record) const;

 private:
  Catalog() = default;

  // Builds the lookup tables; called once after validation.
  void Index();

  v1::Catalog proto_;
  absl::flat_hash_map<std::string, const v1::Dataset*> datasets_;
  absl::flat_hash_map<std::string, const v1::Department*> departments_;
  // Per dataset: field name -> schema, for top-level fields.
  absl::flat_hash_map<const v1::Dataset*,
                      absl::flat_hash_map<std::string, const v1::FieldSchema*>>
      fields_;
};

}  // namespace datarun::catalog

#endif  // DATARUN_EXCHANGE_CATALOG_CATALOG_H_
