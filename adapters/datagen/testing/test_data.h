// Test helpers for the reference departments: one small generated data set
// per test process, and checks of adapter records against the catalog file
// deploy/local/catalog.textproto.
#ifndef DATARUN_ADAPTERS_DATAGEN_TESTING_TEST_DATA_H_
#define DATARUN_ADAPTERS_DATAGEN_TESTING_TEST_DATA_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "datarun/v1/catalog.pb.h"
#include "datarun/v1/types.pb.h"

namespace datarun {
namespace datagen {
namespace testing {

// A data set of 60 households (seed 7) generated on first use into a
// temporary directory removed at process exit. Returns the directory.
// Aborts the test process when generation fails.
const std::string& SharedTestDataDir();

// The demo subjects of the shared data set (demo_subjects.txt).
const std::map<std::string, std::string>& SharedDemoSubjects();

// The catalog file of the repository, parsed (not validated) once.
const v1::Catalog& RepoCatalog();

// Checks `record` against dataset `dataset_id` of RepoCatalog():
//  - every field is declared (sub-records: declared sub-fields);
//  - every value kind matches the declared type, or the value is empty
//    (NULL); DECIMAL values are -?digits(.digits)?, DATE values are real
//    YYYY-MM-DD dates; masked_value never appears;
//  - when `all_fields`, every declared top-level field is present;
//  - when the catalog library is built, Catalog::ValidateRecord also
//    accepts the record.
// Returns INVALID_ARGUMENT naming the dataset and the field.
absl::Status CheckRecord(absl::string_view dataset_id, const v1::Record& record,
                         bool all_fields = true);

}  // namespace testing
}  // namespace datagen
}  // namespace datarun

#endif  // DATARUN_ADAPTERS_DATAGEN_TESTING_TEST_DATA_H_
